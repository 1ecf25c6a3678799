"""The demo's scheduled patrol, so the schedule page shows a real run: a small plan on a daily
schedule, active since before its last two firings, run by the scheduler's own `--once` path
against the demo marketplace — one catch-up run for the latest firing, the two before it counted
as missed. Run again the same day, nothing is due and nothing runs twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from casebook.models import utcnow
from casebook.services import plans, schedule
from patroli.scheduling import Scheduler, once_until_done
from patroli.wiring import Casebook

PLAN_NAME = "Patroli terjadwal demo: pasarku setiap hari 02:00 WIB"
CRON = "0 2 * * *"
KEYWORDS = ["obat", "krim", "jamu", "tramadol"]
ANALYST = "analis"


def scheduled_patrol(
    casebook: Casebook, market, settings: Mapping[str, Any], step: Callable[[str], None]
) -> None:
    """Give the demo plan its scheduled run (see the module); Ctrl-C stops it, interrupted."""
    plan_id = _active_plan(casebook)
    runner = Scheduler(casebook, recheck="", bases={"pasarku": market.base_urls["pasarku"]},
                       settings=settings, say=lambda line: step(f"scheduler: {line}"))  # fmt: skip
    fired = once_until_done(runner, [schedule.plan_key(plan_id)])
    if runner.stopping.is_set():
        raise KeyboardInterrupt
    if all(f.outcome == "nothing" for f in fired):
        step(f"scheduler: plan {plan_id} ran for its latest firing already; nothing due")


def _active_plan(casebook: Casebook) -> int:
    """The plan, approved and active since before its last three firings (a fresh demo); a plan
    a former run made is left as it is."""
    with casebook.sessions() as session, session.begin():
        plan = plans.plan_named(session, PLAN_NAME)
        if plan is not None and plan.status != "draft":
            return plan.id
        now = utcnow()
        latest, _ = schedule.firings(CRON, now - timedelta(days=2), now)
        since = (latest or now) - timedelta(days=2, hours=1)
        plan = plans.save_plan(
            session, PLAN_NAME, keywords=KEYWORDS,
            targets=[{"spider": "marketplace", "site": "pasarku"}],
            categories=["obat", "obat_tradisional", "kosmetik"],
            risk_basis="Demo: obat keras dan kosmetik berbahaya dijual bebas di pasarku",
            schedule=CRON, actor=ANALYST, now=since - timedelta(hours=1),
        )  # fmt: skip
        plans.set_status(session, plan.id, "approved", actor=ANALYST, now=since)
        plans.set_status(session, plan.id, "active", actor=ANALYST, now=since)
        return plan.id
