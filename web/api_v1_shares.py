"""REST API v1, sharing: one piece of work shared with another unit (services.access.share) and
taken back, on the blueprint of web.api_v1 — what the "Bagikan ke unit" form does on a page.

Analysts and admins share anything they see; an UPT officer only its own unit's work (403).
Work the caller may not see answers 404, as missing work."""

from __future__ import annotations

from flask import g

from casebook.models import SHARE_KINDS, Share
from casebook.services import access
from web.api_v1 import ApiError, bp, json_body, require_token, text_field, utc
from web.db import db_session

LEAST_ROLE = "upt_officer"
MAX_ID = 2**63 - 1  # the largest database integer: a bigger id names nothing


def share_json(kind: str, object_id: int, unit: str, share: Share | None) -> dict:
    return {"kind": kind, "id": object_id, "unit": unit,
            "shared_by": share.shared_by if share else "",
            "shared_at": utc(share.shared_at) if share else None}  # fmt: skip


def _asked() -> tuple[str, int, str]:
    """The body's kind, id and unit, checked; a one-line 422 names the member."""
    body = json_body()
    kind, object_id = body.get("kind"), body.get("id")
    if kind not in SHARE_KINDS:
        raise ApiError(422, "invalid", f"kind: one of {', '.join(SHARE_KINDS)}")
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 0 < object_id <= MAX_ID:
        raise ApiError(422, "invalid", "id: a whole number from 1")
    unit = " ".join(text_field(body, "unit").split())
    if not unit or len(unit) > 200:
        raise ApiError(422, "invalid", "unit: a unit's name, at most 200 characters")
    return kind, object_id, unit


@bp.post("/shares")
@require_token(LEAST_ROLE)
def share_create():
    """Share; 201 when new, 200 when it was shared with that unit already."""
    kind, object_id, unit = _asked()
    with db_session() as session, session.begin():
        before = {s.unit for s in access.shares_of(session, kind, object_id)}
        made = access.share(session, g.caller.scope, kind, object_id, unit)
        status = 200 if made.unit in before else 201
        return share_json(kind, object_id, made.unit, made), status


@bp.delete("/shares")
@require_token(LEAST_ROLE)
def share_delete():
    """Take a share back (the share as it was); 404 when the work was not shared with that
    unit."""
    kind, object_id, unit = _asked()
    with db_session() as session, session.begin():
        target = access.home_unit(unit)
        held = [s for s in access.shares_of(session, kind, object_id) if s.unit == target]
        was = share_json(kind, object_id, target, held[0] if held else None)
        if not access.unshare(session, g.caller.scope, kind, object_id, unit):
            raise ApiError(404, "not_found", f"{kind} {object_id} is not shared with {target}")
        return was
