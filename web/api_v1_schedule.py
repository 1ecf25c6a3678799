"""REST API v1, scheduled patrols: the scheduler's run history (services.schedule), on the
blueprint of web.api_v1. Each run: the firing it was for (`due_at`), how many missed firings it
stands for, how it ended, its job and crawl runs. Scoped like the plans: an UPT reads its own
plans' runs, Dit. Siber every one and the re-checks."""

from __future__ import annotations

from flask import g

from casebook.models import SCHEDULED_STATUSES
from casebook.services import access, schedule_history
from web.api_v1 import bp, choice_arg, collection, id_arg, page_args, require_token
from web.db import db_session


@bp.get("/schedule/runs")
@require_token("viewer")
def schedule_runs():
    after_id, limit = page_args()
    status = choice_arg("status", SCHEDULED_STATUSES)
    plan_id = id_arg("plan_id")
    caller = g.caller.scope
    with db_session() as session:
        where = access.plan_condition(caller)
        found = schedule_history.history(session, where, national=caller.national,
                                         plan_id=plan_id, status=status, after_id=after_id,
                                         limit=limit)  # fmt: skip
        return collection(found, [r.id for r in found], limit, schedule_history.public)
