"""REST API v1 (DESIGN.md §3): the casebook services behind `Authorization: Bearer TOKEN`.

No session cookie is read here, so the blueprint is exempt from CSRF: a forged cross-site
request cannot carry the bearer token.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import HTTPException

from casebook.models import ROLES, Capture, Listing, RegisterEntry, TakedownLink, TakedownList
from casebook.services import access, findings, register, takedown, users
from web.db import db_session

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
DEFAULT_LIMIT, MAX_LIMIT = 50, 500


class ApiError(Exception):
    """An answer other than success: HTTP status, a stable code and a one-line message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(ApiError)
def error_answer(error: ApiError):
    body = {"error": {"code": error.code, "message": error.message}}
    challenge = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    return body, error.status, challenge


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return {"error": {"code": code, "message": error.description or error.name}}, error.code


@bp.errorhandler(access.NotVisible)
def _not_visible(error: access.NotVisible):
    # Another unit's object, or one above the caller's clearance, answers as a missing one.
    return error_answer(ApiError(404, "not_found", str(error)))


@bp.errorhandler(access.AccessError)
def _forbidden(error: access.AccessError):
    return error_answer(ApiError(403, "forbidden", str(error)))


@bp.errorhandler(register.StaleDecision)
def _stale(error: register.StaleDecision):
    return error_answer(ApiError(409, "conflict", str(error)))


@bp.errorhandler(register.RegisterError)
def _register_error(error: register.RegisterError):
    return error_answer(ApiError(422, "invalid", str(error)))


def answer_with(status: int, code: str):
    def handle(error: Exception):
        return error_answer(ApiError(status, code, str(error)))

    return handle


# Domain errors by type (Flask picks the most specific class): what is left of a base class is
# bad input.
for _error, _status, _code in (
    (takedown.ListNotFound, 404, "not_found"),
    (takedown.EntryNotFound, 404, "not_found"),
    (takedown.NotDecidedTakedown, 409, "conflict"),
    (takedown.AlreadyListed, 409, "conflict"),
    (takedown.TakedownError, 422, "invalid"),
):
    bp.register_error_handler(_error, answer_with(_status, _code))


@dataclass(frozen=True)
class Caller:
    """Who the bearer token stands for: that user's name, role and unit apply."""

    name: str
    role: str
    unit: str

    @property
    def scope(self) -> access.Scope:
        """What the caller may see (services.access): role, unit, clearance."""
        return access.Scope(self.name, self.role, self.unit)


def require_token(role: str):
    """401 without a live bearer token, 403 when the token's user has too low a role. The view
    keeps its least role as `least_role` (the access matrix test reads it)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.caller = _caller()
            if ROLES.index(g.caller.role) < ROLES.index(role):
                raise ApiError(403, "forbidden", f"this needs the role {role} or higher")
            return view(*args, **kwargs)

        wrapped.least_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorate


def _caller() -> Caller:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send Authorization: Bearer TOKEN")
    with db_session() as session, session.begin():  # the token's last use is a record
        user = users.authenticate_token(session, token.strip())
        if user is None:
            raise ApiError(
                401, "unauthorized", "the token is unknown, revoked or its user inactive"
            )
        return Caller(user.username, user.role, user.unit)


@bp.after_request
def _not_cached(response):  # answers carry case data
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# -- request values --------------------------------------------------------------------------


def page_args() -> tuple[int, int]:
    """(after_id, limit) from `?cursor=` and `?limit=`; 400 naming the bad one."""
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not _whole_number(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise ApiError(400, "bad_request", f"limit: a whole number from 1 to {MAX_LIMIT}")
    return decode_cursor(request.args.get("cursor")), int(raw_limit)


def id_arg(name: str) -> int | None:
    """An id from the query (`?plan_id=3`); None when absent; 400 naming it when not one."""
    raw = request.args.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ApiError(400, "bad_request", f"{name}: a whole number")
    return int(raw)


def choice_arg(name: str, allowed: tuple[str, ...]) -> str | None:
    """One of `allowed` from the query; None when absent; 400 listing them when not one."""
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise ApiError(400, "bad_request", f"{name}: one of {', '.join(allowed)}")
    return value


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    if not _whole_number(value):
        raise ApiError(400, "bad_request", "cursor: not one this API gave out")
    return int(value)


def _whole_number(text: str) -> bool:
    """ASCII digits that fit a 64-bit id (str.isdigit alone also takes "²" and "٣")."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def collection(items: list, ids: list[int], limit: int, shape) -> dict:
    """`{"items", "next_cursor"}`: a full page has a cursor after its last item."""
    more = len(ids) == limit
    return {
        "items": [shape(i) for i in items],
        "next_cursor": encode_cursor(ids[-1]) if more else None,
    }


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    return body


def id_list(body: dict, field: str) -> list[int]:
    value = body.get(field)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in value)
    ):
        raise ApiError(422, "invalid", f"{field}: a non-empty list of whole numbers")
    return value


def text_field(body: dict, field: str, *, required: bool = True) -> str:
    value = body.get(field, None if required else "")
    if not isinstance(value, str):
        raise ApiError(422, "invalid", f"{field}: a string" + (" is required" if required else ""))
    return value


def boolean_arg(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, "bad_request", f"{name}: true or false")
    return raw.lower() == "true"


# -- shapes (DESIGN.md §3) ------------------------------------------------------------------


def utc(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with a Z; the casebook stores UTC, naive on SQLite."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def listing_json(listing: Listing, captures: list[Capture]) -> dict:
    seller = listing.seller
    return {
        "id": listing.id,
        "url": listing.url,
        "platform": listing.platform,
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "status": listing.status,
        "status_checked_at": utc(listing.status_checked_at),
        "seller": seller and {"id": seller.id, "name": seller.name, "url": seller.url},
        "nies": list(listing.nies),
        "violations": [
            {"type": h.code, "rule": h.rule, "score": h.score, "evidence": h.evidence}
            for h in listing.hits
        ],
        "captures": [
            {"id": c.id, "sha256": c.manifest_sha256, "captured_at": utc(c.captured_at)}
            for c in captures
        ],
    }


def entry_json(entry: RegisterEntry) -> dict:
    return {
        "id": entry.id,
        "listing_id": entry.listing_id,
        "decision": entry.decision,
        "reason": entry.reason,
        "decided_by": entry.decided_by,
        "decided_at": utc(entry.decided_at),
    }


def list_json(takedown_list: TakedownList) -> dict:
    return {
        "id": takedown_list.id,
        "status": takedown_list.status,
        "created_at": utc(takedown_list.created_at),
        "links": [link_json(link) for link in sorted(takedown_list.links, key=lambda x: x.id)],
    }


def link_json(link: TakedownLink) -> dict:
    """A link of a takedown list as DESIGN §3 shows it."""
    return {
        "entry_id": link.entry_id,
        "listing_id": link.listing_id,
        "url": link.url,
        "platform": link.platform,
        "recipient": link.recipient,
        "link_status": link.link_status,
        "checked_at": utc(link.checked_at),
    }


# -- listings ---------------------------------------------------------------------------------


@bp.get("/listings")
@require_token("viewer")
def listings():
    after_id, limit = page_args()
    wanted = findings.ListingFilter(
        code=request.args.get("code") or None,
        platform=request.args.get("platform") or None,
        status=request.args.get("status") or None,
        text=request.args.get("q") or None,
        with_hits=boolean_arg("has_violations"),
    )
    with db_session() as session:
        found = findings.listings_after(
            session,
            wanted,
            after_id=after_id,
            limit=limit,
            visible=access.listing_condition(g.caller.scope),
        )
        captures = findings.captures_of(session, [x.id for x in found])
        return collection(found, [x.id for x in found], limit,
                          lambda x: listing_json(x, captures[x.id]))  # fmt: skip


@bp.get("/listings/<int:listing_id>")
@require_token("viewer")
def listing(listing_id: int):
    with db_session() as session:
        access.ensure_visible(session, g.caller.scope, "listing", listing_id)
        found = findings.get_listing(session, listing_id)
        if found is None:
            raise ApiError(404, "not_found", f"no listing {listing_id}")
        return listing_json(found, findings.captures_of(session, [listing_id])[listing_id])


# -- register ---------------------------------------------------------------------------------


@bp.post("/register")
@require_token("analyst")
def decide():
    body = json_body()
    ids, decision = id_list(body, "listing_ids"), text_field(body, "decision")
    reason = text_field(body, "reason", required=False)
    with db_session() as session, session.begin():
        if not g.caller.scope.national:  # a national caller reads every listing
            access.require_visible(session, g.caller.scope, "listing", ids)
        entries = register.decide(session, ids, decision, reason=reason, actor=g.caller.name,
                                  unit=g.caller.unit)  # fmt: skip
        return {"items": [entry_json(e) for e in entries]}, 201


@bp.get("/register")
@require_token("viewer")
def register_entries():
    after_id, limit = page_args()
    with db_session() as session:
        found = register.entries(session, decision=request.args.get("decision") or None,
                                 after_id=after_id, limit=limit,
                                 visible=access.entry_condition(g.caller.scope))  # fmt: skip
        return collection(found, [e.id for e in found], limit, entry_json)


# -- takedown lists ---------------------------------------------------------------------------


def kind_of(platform: str, url: str) -> str:
    """The platform's kind from the composition root's map (the web never imports the crawler)."""
    return current_app.config.get("PATROLI_PLATFORM_KINDS", {}).get(platform, "website")


@bp.post("/takedown-lists")
@require_token("analyst")
def build_list():
    ids = id_list(json_body(), "entry_ids")
    with db_session() as session, session.begin():
        access.require_visible(session, g.caller.scope, "entry", ids)
        built = takedown.build_list(session, ids, actor=g.caller.name, kind_of=kind_of,
                                    unit=g.caller.unit)  # fmt: skip
        return list_json(takedown.get_list(session, built.id)), 201


@bp.get("/takedown-lists/<int:list_id>")
@require_token("viewer")
def show_list(list_id: int):
    with db_session() as session:
        access.ensure_visible(session, g.caller.scope, "list", list_id)
        return list_json(takedown.get_list(session, list_id))


@bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def no_such_endpoint(unknown: str):
    """Integrators get the JSON error shape for a path or method this API does not have, too."""
    raise ApiError(404, "not_found", f"no endpoint {request.method} /api/v1/{unknown}")


# The SOP's later steps live in their own modules; importing them adds their routes to `bp`.
from web import (  # noqa: E402, F401
    api_v1_actors,
    api_v1_alerts,
    api_v1_jobs,
    api_v1_letters,
    api_v1_schedule,
    api_v1_shares,
    api_v1_sop,
)
