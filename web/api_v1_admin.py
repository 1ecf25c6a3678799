"""REST API v1, administration: users (admin), API tokens (one's own; an admin's for anyone),
the audit trail and its check, registry and public-warning CSV imports, on the blueprint of
web.api_v1."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import current_app, g, request

from casebook.models import User
from casebook.services import accounts, audit, audit_log, imports, users
from web.api_v1 import (
    ApiError,
    bp,
    decode_cursor,
    encode_cursor,
    error_answer,
    json_body,
    page_args,
    require_token,
    text_field,
    utc,
)
from web.db import db_session

for _error, _status, _code in (
    (users.UnknownUser, 404, "not_found"),
    (users.UnknownToken, 404, "not_found"),
    (users.UserExists, 409, "conflict"),
    (users.UnknownRole, 422, "invalid"),
    (accounts.AccountError, 409, "conflict"),
):
    bp.register_error_handler(
        _error, lambda error, s=_status, c=_code: error_answer(ApiError(s, c, str(error)))
    )


def _paged(items: list, key, after_id: int, limit: int) -> tuple[list, list[int]]:
    """A page of a short list kept in memory (users, one user's tokens), in id order."""
    page = sorted((x for x in items if key(x) > after_id), key=key)[:limit]
    return page, [key(x) for x in page]


# -- users (admin) ----------------------------------------------------------------------------


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "unit": user.unit,
        "active": user.active,
        "created_at": utc(user.created_at),
    }


@bp.get("/users")
@require_token("admin")
def user_list():
    after_id, limit = page_args()
    with db_session() as session:
        page, ids = _paged(accounts.list_users(session), lambda u: u.id, after_id, limit)
        return {"items": [user_json(u) for u in page],
                "next_cursor": encode_cursor(ids[-1]) if len(ids) == limit else None}  # fmt: skip


@bp.post("/users")
@require_token("admin")
def user_create():
    body = json_body()
    username, password = text_field(body, "username").strip(), text_field(body, "password")
    if not username or len(username) > 64:
        raise ApiError(422, "invalid", "username: 1 to 64 characters")
    if len(password) < accounts.MIN_PASSWORD:
        raise ApiError(422, "invalid", f"password: at least {accounts.MIN_PASSWORD} characters")
    with db_session() as session, session.begin():
        extra = {f: text_field(body, f, required=False) for f in ("unit", "full_name")}
        role = text_field(body, "role")
        user = users.create_user(session, username, password, role, actor=g.caller.name, **extra)
        return user_json(user), 201


@bp.patch("/users/<username>")
@require_token("admin")
def user_update(username: str):
    """Any of role, unit, full_name, active; what is left out stays as it was."""
    body = json_body()
    active = body.get("active")
    if active is not None and not isinstance(active, bool):
        raise ApiError(422, "invalid", "active: true or false")
    with db_session() as session, session.begin():
        user = accounts.user_named(session, username)
        changes = {f: text_field(body, f) if f in body else getattr(user, f)
                   for f in ("role", "unit", "full_name")}  # fmt: skip
        accounts.change_user(session, username, **changes, actor=g.caller.name)
        if active is not None:
            accounts.set_active(session, username, active, actor=g.caller.name)
        return user_json(user)


# -- API tokens ---------------------------------------------------------------------------------


def token_json(row: accounts.TokenRow) -> dict:
    return {
        "id": row.id,
        "username": row.username,
        "name": row.name,
        "created_by": row.created_by,
        "created_at": utc(row.created_at),
        "last_used_at": utc(row.last_used_at),
        "revoked_at": utc(row.revoked_at),
    }


def _tokens_of(username: str):
    after_id, limit = page_args()
    with db_session() as session:
        accounts.user_named(session, username)
        page, ids = _paged(accounts.tokens(session, username=username), lambda t: t.id,
                           after_id, limit)  # fmt: skip
        return {"items": [token_json(t) for t in page],
                "next_cursor": encode_cursor(ids[-1]) if len(ids) == limit else None}  # fmt: skip


def _new_token(username: str):
    name = text_field(json_body(), "name", required=False)
    if len(" ".join(name.split())) > 100:
        raise ApiError(422, "invalid", "name: at most 100 characters")
    with db_session() as session, session.begin():
        record, token = users.create_token(session, username, name=name, actor=g.caller.name)
        (row,) = [t for t in accounts.tokens(session, username=username) if t.id == record.id]
        return token_json(row) | {"token": token}, 201  # shown this once, never again


@bp.get("/tokens")
@require_token("viewer")
def token_list():
    return _tokens_of(g.caller.name)


@bp.post("/tokens")
@require_token("viewer")
def token_create():
    return _new_token(g.caller.name)


@bp.delete("/tokens/<int:token_id>")
@require_token("viewer")
def token_revoke(token_id: int):
    """One's own token; an admin may revoke anyone's. Revoking twice changes nothing."""
    with db_session() as session, session.begin():
        owner = accounts.token_owner(session, token_id)
        if owner != g.caller.name and g.caller.role != "admin":
            # as a missing token (same words): another person's token ids are not probed
            raise ApiError(404, "not_found", f"no API token {token_id}")
        users.revoke_token(session, token_id, actor=g.caller.name)
        (row,) = [t for t in accounts.tokens(session, username=owner) if t.id == token_id]
        return token_json(row)


@bp.get("/users/<username>/tokens")
@require_token("admin")
def user_token_list(username: str):
    return _tokens_of(username)


@bp.post("/users/<username>/tokens")
@require_token("admin")
def user_token_create(username: str):
    return _new_token(username)


# -- audit trail --------------------------------------------------------------------------------


def event_json(event) -> dict:
    return {
        "seq": event.seq,
        "at": utc(event.at),
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "before": event.before,
        "after": event.after,
        "hash": event.hash,
    }


def _day_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ApiError(400, "bad_request", f"{name}: a date YYYY-MM-DD")
    return day


@bp.get("/audit")
@require_token("analyst")
def audit_events():
    """Newest first; `action` is exact or a prefix ending in "." (`user.`); `kind` and
    `object_id` match the target (`letter:12`); `since` and `until` are inclusive UTC days."""
    _, limit = page_args()
    before = decode_cursor(request.args.get("cursor")) or None
    days = {name: _day_arg(name) for name in ("since", "until")}
    where = audit_log.EventFilter(**{k: request.args.get(k, "") for k in
                                     ("actor", "action", "kind", "object_id")}, **days)  # fmt: skip
    with db_session() as session:
        page = audit_log.events(session, where, before_seq=before, limit=limit)
        after = encode_cursor(page.next_before) if page.next_before else None
        return {"items": [event_json(e) for e in page.events], "next_cursor": after}


@bp.get("/audit/verify")
@require_token("analyst")
def audit_verify():
    """The whole chain walked now: `ok` when no event was edited, deleted or inserted."""
    with db_session() as session:
        breaks = audit.verify(session)
        end = audit.chain_end(session)
        return {
            "ok": not breaks,
            "events": end.seq,
            "head_hash": end.hash,
            "breaks": [
                {"seq": b.seq, "event_id": b.event_id, "reason": b.reason, "summary": b.summary}
                for b in breaks
            ],
        }


# -- registry and public-warning imports (CSV as DESIGN §3) --------------------------------------


def _copy_capped(stream, upload) -> None:
    """Copy the body in chunks, refusing past the import cap (chunked bodies have no length
    to refuse up front): a runaway client fills no disk."""
    limit = int(current_app.config.get("PATROLI_IMPORT_MAX_BYTES", imports.MAX_BYTES))
    if (request.content_length or 0) > limit:
        raise _too_large(limit)
    copied = 0
    while chunk := stream.read(1024 * 1024):
        copied += len(chunk)
        if copied > limit:
            raise _too_large(limit)
        upload.write(chunk)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the CSV is larger than {limit / (1024 * 1024):g} MB")


def _import(kind: str):
    if request.mimetype != "text/csv":
        raise ApiError(400, "bad_request", "send the CSV with Content-Type: text/csv")
    name = (request.args.get("filename") or f"{kind}.csv")[:150]
    with tempfile.TemporaryDirectory(prefix="patroli-import-") as folder:
        path = Path(folder) / "upload.csv"
        with path.open("wb") as upload:  # a 500,000-row registry never sits in memory whole
            _copy_capped(request.stream, upload)
        with db_session() as session, session.begin():
            report = imports.import_file(session, kind, path, filename=name, actor=g.caller.name)
    return {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [{"line": e.line, "reason": e.reason} for e in report.errors],
    }


@bp.post("/registry/import")
@require_token("analyst")
def registry_import():
    return _import("registry")


@bp.post("/warnings/import")
@require_token("analyst")
def warnings_import():
    return _import("warnings")
