"""REST API v1, alerts on anomalous crawls (services.alerts), on the blueprint of web.api_v1:
`GET /alerts` newest first (`?open=true`, `?plan_id=`, `?kind=`, the cursor of the other
collections) and `POST /alerts/{id}/acknowledge` (analysts)."""

from __future__ import annotations

from flask import g

from casebook.models import ALERT_KINDS, Alert
from casebook.services import alerts
from web.api_v1 import (
    ApiError,
    boolean_arg,
    bp,
    choice_arg,
    collection,
    error_answer,
    id_arg,
    page_args,
    require_token,
    utc,
)
from web.db import db_session

ACKNOWLEDGER = "analyst"  # Dit. Siber's analysts watch the crawls of every unit


@bp.errorhandler(alerts.AlertNotFound)
def _alert_missing(error: alerts.AlertNotFound):
    return error_answer(ApiError(404, "not_found", str(error)))


def alert_json(alert: Alert) -> dict:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "plan_id": alert.plan_id,
        "run_id": alert.run_id,
        "site": alert.site,
        "message": alert.message,
        "figures": alert.figures or {},
        "raised_at": utc(alert.raised_at),
        "open": alert.acknowledged_at is None,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": utc(alert.acknowledged_at),
    }


@bp.get("/alerts")
@require_token("viewer")
def alert_list():
    after_id, limit = page_args()
    kind = choice_arg("kind", ALERT_KINDS)
    plan_id = id_arg("plan_id")
    with db_session() as session:
        found = alerts.alerts(session, scope=g.caller.scope, open_only=bool(boolean_arg("open")),
                              plan_id=plan_id, kind=kind,
                              limit=limit, after_id=after_id)  # fmt: skip
        return collection(found, [a.id for a in found], limit, alert_json)


@bp.post("/alerts/<int:alert_id>/acknowledge")
@require_token(ACKNOWLEDGER)
def alert_acknowledge(alert_id: int):
    """The alert, acknowledged (again: unchanged, as it was acknowledged first)."""
    with db_session() as session, session.begin():
        alerts.get_alert(session, alert_id, scope=g.caller.scope)
        return alert_json(alerts.acknowledge(session, alert_id, actor=g.caller.name))
