"""Scheduled patrols on a real casebook (SQLite and PostgreSQL): which firing is due (catch-up
after downtime: once, with the missed ones counted), one run per firing (a second scheduler
loses cleanly), no overlap (a run still going makes a firing skipped; a dead one is failed),
ending a run from its job, and who sees which runs."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.models import Job, ScheduledRun
from casebook.services import access, jobs, plans, runs, schedule, schedule_history
from casebook.services.access import Scope
from casebook.services.plans import JAKARTA


def wib(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


NOW = wib(11, 10, 7, 0)  # Tuesday 10 November 2026, 07:00 WIB
TODAY_SIX = wib(11, 10, 6)  # its daily firing
SURABAYA = "Balai Besar POM di Surabaya"
_names = iter(range(1_000_000))


def _active_plan(sessions, cron: str, activated: datetime, *, unit: str = "",
                 period: tuple[date | None, date | None] = (None, None)) -> int:  # fmt: skip
    with sessions() as session, session.begin():
        plan = plans.save_plan(
            session, f"Patroli terjadwal {next(_names)}", keywords=["tramadol"],
            targets=[{"spider": "marketplace", "site": "pasarku"}], risk_basis="kajian",
            schedule=cron, unit=unit, period_start=period[0], period_end=period[1],
            actor="analis", now=activated - timedelta(hours=2),
        )  # fmt: skip
        plans.set_status(
            session, plan.id, "approved", actor="analis", now=activated - timedelta(hours=1)
        )
        plans.set_status(session, plan.id, "active", actor="analis", now=activated)
        return plan.id


def _recorded(sessions, key: str, due_at: datetime, status: str = "done", **values) -> int:
    with sessions() as session, session.begin():
        run = ScheduledRun(key=key, kind="crawl_plan" if key != "recheck" else "recheck",
                           plan_id=values.pop("plan_id", None), schedule="0 6 * * *",
                           due_at=due_at, started_at=due_at, status=status, **values)  # fmt: skip
        session.add(run)
        session.flush()
        return run.id


def _due(sessions, plan_id: int, now: datetime = NOW) -> schedule.Firing | None:
    with sessions() as session:
        found = {s.key: s for s in schedule.schedules(session, now=now)}
        one = found.get(schedule.plan_key(plan_id))
        return schedule.due(session, one, now=now) if one else None


# -- the cron line, read as services.plans reads it ---------------------------------------------


def _brute_force(cron: str, after: datetime, until: datetime) -> tuple[datetime | None, int]:
    seen = []
    at = plans.next_run(cron, after)
    while at is not None and at <= until:
        seen.append(at)
        at = plans.next_run(cron, at)
    return (seen[-1] if seen else None), max(len(seen) - 1, 0)


@pytest.mark.parametrize(
    "cron, after, days",
    [
        ("0 6 * * *", wib(11, 1, 6, 0), 40),  # `after` itself is not a firing of the span
        ("* * * * *", wib(11, 9, 23, 58), 1),
        ("*/15 8-9 * * 1-5", wib(11, 1, 0), 20),
        ("0 2 * * 0", wib(11, 1, 0), 30),  # Sunday is 0 ...
        ("0 2 * * 7", wib(11, 1, 0), 30),  # ... and 7
        ("0 6 10 * 1", wib(11, 1, 0), 60),  # both day fields: either one fires
        ("30 23 31 * *", wib(10, 15, 0), 120),  # months without a 31st skip it
        ("0 0 31 2 *", wib(1, 1, 0), 366),  # never
        ("0 6 * * *", wib(11, 10, 6, 30), 0),  # an empty span
    ],
)
def test_firings_agree_with_the_plans_cron_reader(cron, after, days):
    until = after + timedelta(days=days, minutes=5)
    assert schedule.firings(cron, after, until) == _brute_force(cron, after, until)


# -- which firing is due ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cron, activated, last_due, expected",
    [
        # never ran: the latest firing, the ones since activation missed
        ("0 6 * * *", wib(11, 1, 12), None, (wib(11, 10, 6), 8)),
        # ran today already: nothing (a second --once runs nothing)
        ("0 6 * * *", wib(11, 1, 12), wib(11, 10, 6), None),
        # down since Saturday's run: once now, two missed
        ("0 6 * * *", wib(11, 1, 12), wib(11, 7, 6), (wib(11, 10, 6), 2)),
        # activated after today's firing: nothing was missed
        ("0 6 * * *", wib(11, 10, 6, 30), None, None),
        ("0 6 * * *", wib(11, 10, 6, 0), None, None),  # a firing at the activation is not after it
        # re-activated after an edit: the time it was not active does not count
        ("0 6 * * *", wib(11, 8, 12), wib(11, 3, 6), (wib(11, 10, 6), 1)),
        ("* * * * *", wib(11, 10, 6), wib(11, 10, 6, 57), (wib(11, 10, 7), 2)),
        ("0 2 * * 0", wib(11, 1, 0), None, (wib(11, 8, 2), 1)),  # Sundays, not Mondays
        ("0 6 10 * 1", wib(11, 5, 0), None, (wib(11, 10, 6), 1)),  # the 9th is a Monday
        # downtime longer than a year counts a year at most
        ("0 6 * * *", wib(1, 1, 0, year=2024), None, (wib(11, 10, 6), 365)),
    ],
)
def test_the_due_firing_runs_once_for_what_was_missed(
    sessions, cron, activated, last_due, expected
):
    plan_id = _active_plan(sessions, cron, activated)
    if last_due is not None:
        _recorded(sessions, schedule.plan_key(plan_id), last_due, plan_id=plan_id)
    firing = _due(sessions, plan_id)
    if expected is None:
        assert firing is None
        return
    assert (firing.due_at, firing.missed) == (expected[0].astimezone(UTC), expected[1])
    assert (firing.key, firing.kind, firing.plan_id, firing.cron) == (
        f"plan:{plan_id}", "crawl_plan", plan_id, cron)  # fmt: skip


@pytest.mark.parametrize(
    "period, expected",
    [
        ((None, date(2026, 11, 9)), None),  # the period ended yesterday: not scheduled
        ((date(2026, 11, 11), None), None),  # it begins tomorrow
        ((date(2026, 11, 10), None), (wib(11, 10, 6), 0)),  # it began today at midnight
        ((date(2026, 11, 3), date(2026, 11, 10)), (wib(11, 10, 6), 7)),
    ],
)
def test_a_plan_fires_within_its_period(sessions, period, expected):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(10, 1, 0), period=period)
    firing = _due(sessions, plan_id)
    assert (firing and (firing.due_at, firing.missed)) == (
        expected and (expected[0].astimezone(UTC), expected[1]))  # fmt: skip


@pytest.mark.parametrize("status", ["draft", "approved", "closed"])
def test_only_an_active_plan_is_scheduled(sessions, status):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        plan = plans.get_plan(session, plan_id)
        if status == "closed":
            plans.set_status(session, plan_id, "closed", actor="analis")
        else:
            plan.status = status
    assert _due(sessions, plan_id) is None
    with sessions() as session:
        keys = [s.key for s in schedule.schedules(session, now=NOW)]
        assert keys == []


def test_the_recheck_counts_from_the_scheduler_start(sessions):
    with sessions() as session:
        (recheck,) = schedule.schedules(session, recheck="0 6 * * *", recheck_since=wib(11, 8, 9),
                                        now=NOW)  # fmt: skip
        firing = schedule.due(session, recheck, now=NOW)
    assert (recheck.key, recheck.kind, recheck.plan_id) == ("recheck", "recheck", None)
    assert (firing.due_at, firing.missed) == (wib(11, 10, 6).astimezone(UTC), 1)


# -- one run per firing, no overlap ----------------------------------------------------------


def _firing(plan_id: int, due_at: datetime = TODAY_SIX, missed: int = 0) -> schedule.Firing:
    return schedule.Firing(schedule.plan_key(plan_id), "crawl_plan", "0 6 * * *", plan_id,
                           due_at.astimezone(UTC), missed)  # fmt: skip


def _rows(sessions, plan_id: int) -> list[tuple[str, str]]:
    with sessions() as session:
        found = session.scalars(select(ScheduledRun).where(ScheduledRun.plan_id == plan_id)
                                .order_by(ScheduledRun.id))  # fmt: skip
        return [(r.due_at.astimezone(JAKARTA).strftime("%d %H:%M"), r.status) for r in found]


@pytest.mark.parametrize(
    "before, alive, outcome, rows",
    [
        # nothing recorded: the firing runs, its crawl job queued
        ([], True, "started", [("10 06:00", "running")]),
        # the same firing recorded already (another scheduler): taken, nothing added
        ([("10 06:00", "running")], True, "taken", [("10 06:00", "running")]),
        # yesterday's run still going: today's is skipped, with why
        ([("09 06:00", "running")], True, "skipped", [("09 06:00", "running"),
                                                      ("10 06:00", "skipped")]),
        # yesterday's run's scheduler died: it failed; today's runs
        ([("09 06:00", "running")], False, "started", [("09 06:00", "failed"),
                                                       ("10 06:00", "running")]),
        # an ended run is no overlap
        ([("09 06:00", "done")], True, "started", [("09 06:00", "done"), ("10 06:00", "running")]),
    ],
)  # fmt: skip
def test_begin_runs_each_firing_once_and_never_overlaps(sessions, before, alive, outcome, rows):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    for when, status in before:
        _recorded(sessions, f"plan:{plan_id}", wib(11, int(when[:2]), 6), status, plan_id=plan_id)
    with sessions() as session, session.begin():
        begun = schedule.begin(session, _firing(plan_id), alive=lambda s, r: alive, now=NOW)
        assert begun.outcome == outcome
        if outcome == "started":
            job = session.get(Job, begun.run.job_id)
            assert (job.kind, job.args, job.status, job.requested_by) == (
                "crawl_plan", {"plan_id": plan_id}, "queued", "scheduler")  # fmt: skip
        if outcome == "skipped":
            assert "09 06:00 WIB" in begun.run.reason and begun.run.job_id is None
    assert _rows(sessions, plan_id) == rows
    if not alive:
        with sessions() as session:
            failed = session.scalar(select(ScheduledRun).where(ScheduledRun.status == "failed"))
            assert "stopped before the run ended" in failed.reason


def test_a_dead_run_whose_job_ended_ends_as_its_job(sessions):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        job = jobs.enqueue(session, "crawl_plan", {"plan_id": plan_id}, "scheduler")
        job.status, job.result = "done", {"runs": [{"id": 7}]}
        job_id = job.id
    _recorded(sessions, f"plan:{plan_id}", wib(11, 9, 6), "running", plan_id=plan_id,
              job_id=job_id)  # fmt: skip
    with sessions() as session, session.begin():
        schedule.begin(session, _firing(plan_id), alive=lambda s, r: False, now=NOW)
    with sessions() as session:
        old = session.scalar(select(ScheduledRun).where(ScheduledRun.job_id == job_id))
        assert (old.status, old.result["crawl_runs"]) == ("done", [7])


@pytest.mark.parametrize("runner_alive, outcome", [(True, "skipped"), (False, "started")])
def test_a_plan_crawled_by_hand_is_not_overlapped(sessions, runner_alive, outcome):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        job = jobs.enqueue(session, "crawl_plan", {"plan_id": plan_id}, "analis")
        job.status, job.pid, job.started_at = (
            "running",
            os.getpid() if runner_alive else 2**22 + 7,
            NOW,
        )
        job_id = job.id
    with sessions() as session, session.begin():
        begun = schedule.begin(session, _firing(plan_id), now=NOW)
        assert begun.outcome == outcome
        if outcome == "skipped":
            assert f"job {job_id} (analis)" in begun.run.reason
        else:
            assert session.get(Job, job_id).status == "failed"  # its dead runner, reaped


def test_a_second_scheduler_loses_the_same_firing_cleanly(sessions, monkeypatch):
    """Both processes checked before either wrote: the UNIQUE (key, due_at) refuses the second
    insert inside a SAVEPOINT, and the loser's transaction goes on."""
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    other = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        assert schedule.begin(session, _firing(plan_id), now=NOW).outcome == "started"
    monkeypatch.setattr(schedule, "_recorded", lambda session, firing: False)
    with sessions() as session, session.begin():
        assert schedule.begin(session, _firing(plan_id), now=NOW).outcome == "taken"
        assert schedule.begin(session, _firing(other), now=NOW).outcome == "started"
    assert _rows(sessions, plan_id) == [("10 06:00", "running")]
    assert _rows(sessions, other) == [("10 06:00", "running")]
    with sessions() as session:
        queued = [job.args["plan_id"] for job in session.scalars(select(Job).order_by(Job.id))]
        assert queued == [plan_id, other]  # the loser queued no crawl


def test_the_schedulers_own_overlap_is_recorded_skipped(sessions):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        begun = schedule.skip(session, _firing(plan_id), "still going", now=NOW)
        again = schedule.skip(session, _firing(plan_id), "still going", now=NOW)
    assert (begun.outcome, begun.run.reason, again.outcome) == ("skipped", "still going", "taken")


# -- ending a run ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "job_status, error, interrupted, status, reason",
    [
        ("done", None, False, "done", ""),
        ("failed", "no patrol plan 9", False, "failed", "no patrol plan 9"),
        ("failed", "interrupted", True, "failed", "interrupted"),
        ("queued", None, True, "failed", "interrupted"),  # stopped before the runner claimed it
    ],
)
def test_a_plan_run_ends_as_its_job(sessions, job_status, error, interrupted, status, reason):
    plan_id = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    with sessions() as session, session.begin():
        begun = schedule.begin(session, _firing(plan_id), now=NOW)
        crawl = runs.start_run(session, "marketplace", {"site": "pasarku"}, plan_id=plan_id,
                               now=NOW + timedelta(minutes=1))  # fmt: skip
        job = session.get(Job, begun.run.job_id)
        job.status, job.error = job_status, error
        job.result = {"runs": [{"id": crawl.id}]} if job_status == "done" else None
        run_id, crawl_id = begun.run.id, crawl.id
    with sessions() as session, session.begin():
        ended = schedule.finish_from_job(session, run_id, interrupted=interrupted,
                                         now=NOW + timedelta(minutes=5))  # fmt: skip
        assert (ended.status, ended.reason) == (status, reason)
        assert schedule_history.public(ended)["crawl_run_ids"] == [crawl_id]
        assert ended.finished_at == NOW + timedelta(minutes=5)
        assert session.get(Job, ended.job_id).status in ("done", "failed")


@pytest.mark.parametrize("bad", ["running", "skipped", "whatever"])
def test_a_run_ends_done_or_failed_only(sessions, bad):
    run_id = _recorded(sessions, "recheck", wib(11, 10, 6), "running")
    with sessions() as session, pytest.raises(schedule.ScheduleError, match="done or failed"):
        schedule.finish(session, run_id, bad)


# -- who sees which runs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, unit, seen",
    [
        ("analyst", "", {"siber", "surabaya", "recheck"}),
        ("viewer", "", {"siber"}),  # Dit. Siber's viewer: its unit's plan, no re-checks
        ("upt_officer", SURABAYA, {"surabaya"}),
        ("viewer", "Balai POM di Jayapura", set()),
    ],
)
def test_the_history_is_scoped_like_the_plans(sessions, role, unit, seen):
    siber = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0))
    surabaya = _active_plan(sessions, "0 6 * * *", wib(11, 1, 0), unit=SURABAYA)
    names = {
        _recorded(sessions, f"plan:{siber}", wib(11, 9, 6), plan_id=siber): "siber",
        _recorded(sessions, f"plan:{surabaya}", wib(11, 9, 6), plan_id=surabaya): "surabaya",
        _recorded(sessions, "recheck", wib(11, 9, 6)): "recheck",
    }
    scope = Scope("someone", role, unit)
    with sessions() as session:
        where = access.plan_condition(scope)
        found = schedule_history.history(session, where, national=scope.national)
        newest = schedule_history.history(
            session, where, national=scope.national, newest_first=True
        )
        assert {names[r.id] for r in found} == seen
        assert [r.id for r in newest] == sorted((r.id for r in found), reverse=True)
        done = schedule_history.history(session, where, national=scope.national, status="failed")
        assert done == []
        with pytest.raises(schedule.ScheduleError, match="status"):
            schedule_history.history(session, where, national=True, status="finished")
