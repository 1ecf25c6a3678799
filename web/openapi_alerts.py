"""What the alerts endpoints (web.api_v1_alerts) take and answer, for web.openapi: their shape
(joined to `openapi.SCHEMAS`) and operations (joined to `openapi_paths.OPERATIONS`)."""

from __future__ import annotations

from casebook.models import ALERT_KINDS
from web.openapi import BOOLEAN, INTEGER, STRING, TIME, collection, enum, null, ref, shape

SCHEMAS = {
    "Alert": shape(
        id=INTEGER,
        kind=enum(ALERT_KINDS),
        plan_id=null(INTEGER),
        run_id=null(INTEGER),
        site=STRING,
        message=STRING,
        figures={"type": "object"},
        raised_at=TIME,
        open=BOOLEAN,
        acknowledged_by=null(STRING),
        acknowledged_at=null(TIME),
    ),
}


def operations(Operation) -> dict:  # the class is passed in: openapi_paths imports this module
    return {
        "api_v1.alert_list": Operation(
            "Alerts on anomalous crawls, newest first",
            {200: collection(ref("Alert"))},
            query={"open": BOOLEAN, "plan_id": INTEGER, "kind": enum(ALERT_KINDS)},
            paged=True,
            description="A crawl run's item count fell far below its target's usual "
            "(`item_drop`), its failed URLs climbed (`error_rate`), or a site started "
            "blocking it (`blocking`); `figures` says what was measured and what is usual. "
            "`open=true`: not yet acknowledged. An UPT sees its plans' alerts; analysts "
            "every one, also of ad-hoc crawls.",
        ),
        "api_v1.alert_acknowledge": Operation(
            "Acknowledge an alert (kept, never deleted; audited)",
            {200: ref("Alert")},
            description="Acknowledging again answers the alert as it was acknowledged first.",
        ),
    }
