"""Plans and crawl runs read through an access condition, a page at a time (REST API v1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casebook.services import plans, runs
from casebook.services.access import NotVisible, Scope, plan_condition

T0 = datetime(2027, 3, 4, 3, 0, tzinfo=UTC)
SURABAYA = "Balai Besar POM di Surabaya"
PLANS = [  # (name, unit, classification)
    ("Siber biasa", "Dit. Siber", "biasa"),
    ("Siber rahasia", "Dit. Siber", "rahasia"),
    ("Surabaya biasa", SURABAYA, "biasa"),
    ("Surabaya terbatas", SURABAYA, "terbatas"),
]
SCOPES = {
    "analyst": Scope("ani", "analyst"),
    "upt": Scope("budi", "upt_officer", SURABAYA),
    "upt-elsewhere": Scope("citra", "upt_officer", "Balai POM di Ambon"),
    "viewer-surabaya": Scope("dedi", "viewer", SURABAYA),
}


@pytest.fixture
def seeded(sessions):
    with sessions() as session, session.begin():
        ids = {}
        for name, unit, classification in PLANS:
            plan = plans.save_plan(session, name, keywords=["tramadol"], targets=[], unit=unit,
                                   classification=classification, actor="ani", now=T0)  # fmt: skip
            ids[name] = plan.id
            runs.start_run(session, "marketplace", {"site": "pasarku"}, plan_id=plan.id, now=T0)
        runs.start_run(session, "urls", {"url": "https://tip.example/"}, now=T0)  # ad hoc
    return ids


@pytest.mark.parametrize(
    "who, seen",
    [
        ("analyst", ["Siber biasa", "Siber rahasia", "Surabaya biasa", "Surabaya terbatas"]),
        ("upt", ["Surabaya biasa", "Surabaya terbatas"]),
        ("upt-elsewhere", []),
        ("viewer-surabaya", ["Surabaya biasa"]),  # a viewer is cleared for biasa only
    ],
)
def test_plans_and_runs_follow_the_access_condition(sessions, seeded, who, seen):
    scope = SCOPES[who]
    with sessions() as session:
        shown = plans.plans_after(session, plan_condition(scope))
        assert [p.name for p in shown] == seen
        found = runs.runs_after(session, plan_condition(scope), national=scope.national)
        expected = {seeded[name] for name in seen} | ({None} if scope.national else set())
        assert {r.plan_id for r in found} == expected
        for name, plan_id in seeded.items():
            if name in seen:
                assert plans.visible_plan(session, plan_id, plan_condition(scope)).name == name
            else:
                with pytest.raises(NotVisible, match=f"no patrol plan {plan_id}"):
                    plans.visible_plan(session, plan_id, plan_condition(scope))


@pytest.mark.parametrize(
    "after_id, limit, expected", [(0, 2, [1, 2]), (2, 2, [3, 4]), (4, 2, []), (0, 50, [1, 2, 3, 4])]
)
def test_plans_come_a_page_at_a_time(sessions, seeded, after_id, limit, expected):
    with sessions() as session:
        where = plan_condition(SCOPES["analyst"])
        assert [p.id for p in plans.plans_after(session, where, after_id=after_id,
                                                limit=limit)] == expected  # fmt: skip


def test_missing_plans_and_runs_are_their_own_errors(sessions, seeded):
    where = plan_condition(SCOPES["analyst"])
    with sessions() as session:
        with pytest.raises(plans.PlanNotFound, match="no patrol plan 99"):
            plans.visible_plan(session, 99, where)
        with pytest.raises(runs.RunNotFound, match="no crawl run 99"):
            runs.visible_run(session, 99, where, national=True)
        adhoc = runs.runs_after(session, where, national=True)[-1]
        assert adhoc.plan_id is None and runs.visible_run(session, adhoc.id, where, national=True)
        upt = SCOPES["upt"]
        with pytest.raises(NotVisible, match=f"no crawl run {adhoc.id}"):
            runs.visible_run(session, adhoc.id, plan_condition(upt), national=False)
        assert plans.plan_named(session, "  Siber   biasa ").id == seeded["Siber biasa"]
        assert plans.plan_named(session, "Siber") is None
