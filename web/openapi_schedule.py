"""What the schedule endpoint (web.api_v1_schedule) answers, for web.openapi: its shape (joined
to `openapi.SCHEMAS`) and operation (joined to `openapi_paths.OPERATIONS`)."""

from __future__ import annotations

from casebook.models import SCHEDULED_KINDS, SCHEDULED_STATUSES
from web.openapi import INTEGER, STRING, TIME, array, collection, enum, null, ref, shape

SCHEMAS = {
    "ScheduledRun": shape(
        id=INTEGER,
        key=STRING,
        kind=enum(SCHEDULED_KINDS),
        plan_id=null(INTEGER),
        schedule=STRING,
        due_at=TIME,
        missed=INTEGER,
        status=enum(SCHEDULED_STATUSES),
        started_at=TIME,
        finished_at=null(TIME),
        reason=STRING,
        job_id=null(INTEGER),
        crawl_run_ids=array(INTEGER),
    ),
}


def operations(Operation) -> dict:  # the class is passed in: openapi_paths imports this module
    return {
        "api_v1.schedule_runs": Operation(
            "The scheduler's runs: one per firing of a plan's schedule or the re-check's",
            {200: collection(ref("ScheduledRun"))},
            query={"plan_id": INTEGER, "status": enum(SCHEDULED_STATUSES)},
            paged=True,
            description="`key` is `plan:<id>` or `recheck`; `due_at` the firing the run was "
            "for. After downtime a schedule runs once: `missed` counts the earlier firings "
            "that run stands for. A firing while the previous run still goes is `skipped` "
            "(`reason` says why). An UPT sees its plans' runs; Dit. Siber every one and the "
            "re-checks.",
        ),
    }
