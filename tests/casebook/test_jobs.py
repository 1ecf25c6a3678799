"""Background jobs on a real casebook (SQLite and PostgreSQL): asking, claiming, ending, a dead
runner, and progress read from re-check results and crawl runs as they land."""

from __future__ import annotations

import itertools
import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from casebook.models import Job
from casebook.services import jobs, listings, plans, rechecks, register, runs, takedown
from casebook.services.access import Scope
from casebook.services.listings import ListingRecord
from casebook.services.rechecks import RecheckResult
from rules.model import Evidence, Hit, Verdict

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
UNIT = "UPT BPOM di Surabaya"
_numbers = itertools.count()  # each listing a URL of its own


def _listings(sessions, n: int) -> list[int]:
    hit = (Hit("no_nie", "R-no_nie", 1.0, Evidence("x"), "v1"),)
    records = [ListingRecord(url=f"http://pasarku.example/{i}", platform="pasarku", title=f"P{i}")
               for i in itertools.islice(_numbers, n)]  # fmt: skip
    with sessions() as session, session.begin():
        found = listings.record_listings(
            session, [(r, Verdict(r.url, (), "kosmetik", hit, "v1")) for r in records], now=T0
        ).listing_ids
    return [found[r.url] for r in records]


def _list(sessions, listing_ids: list[int], unit: str = "") -> int:
    with sessions() as session, session.begin():
        entries = register.decide(session, listing_ids, "takedown", reason="r", actor="a")
        built = takedown.build_list(session, [e.id for e in entries], actor="a", unit=unit,
                                    kind_of=lambda p, u: "marketplace", now=T0)  # fmt: skip
        return built.id


def _plan(sessions, targets=None, status: str | None = None) -> int:
    with sessions() as session, session.begin():
        plan = plans.save_plan(
            session, f"Patroli {len(str(targets))} {status}", keywords=["krim"],
            targets=[{"spider": "marketplace", "site": "pasarku"}] if targets is None else targets,
            risk_basis="kajian", actor="a",
        )  # fmt: skip
        if status == "closed":
            plans.set_status(session, plan.id, "closed", actor="a")
        return plan.id


def _enqueue(sessions, kind, args, who="analis", scope=None, now=T0) -> int:
    with sessions() as session, session.begin():
        return jobs.enqueue(session, kind, args, who, scope=scope, now=now).id


def _claimed(sessions, job_id: int, at=T0 + MINUTE, pid: int | None = None) -> None:
    with sessions() as session, session.begin():
        jobs.claim(session, job_id, pid or os.getpid(), now=at)


def _progress(sessions, job_id: int, alive=lambda pid: True):
    with sessions() as session, session.begin():
        done = jobs.progress(session, jobs.get(session, job_id), alive=alive)
        return done.job.status, done.done, done.total, done.detail, done.job.error


@pytest.mark.parametrize("kind", ["verify_list", "recheck", "crawl_plan"])
def test_each_kind_is_queued_with_its_checked_arguments(sessions, kind):
    ids = _listings(sessions, 2)
    args = {"verify_list": lambda: {"list_id": _list(sessions, ids)},
            "recheck": lambda: {"listing_ids": [ids[1], ids[0], ids[1]]},
            "crawl_plan": lambda: {"plan_id": _plan(sessions)}}[kind]()  # fmt: skip
    job_id = _enqueue(sessions, kind, {**args, "ignored": "x"})
    with sessions() as session:
        job = jobs.get(session, job_id)
        assert (job.kind, job.status, job.requested_by, job.pid) == (kind, "queued", "analis", None)
        expected = {"listing_ids": [ids[1], ids[0]]} if kind == "recheck" else args
        assert job.args == expected  # duplicates dropped, unknown keys not kept
        assert jobs.next_queued(session) == job_id


@pytest.mark.parametrize(
    "kind, args, error, message",
    [
        ("rescan", {}, jobs.JobError, "unknown job kind 'rescan'"),
        ("verify_list", [1], jobs.JobError, "arguments must be an object, not list"),
        ("verify_list", {}, jobs.JobError, "list_id must be a whole number, not None"),
        ("verify_list", {"list_id": "1"}, jobs.JobError, "not '1'"),
        ("verify_list", {"list_id": True}, jobs.JobError, "not True"),
        ("verify_list", {"list_id": 999}, jobs.JobNotFound, "no takedown list 999"),
        ("recheck", {"listing_ids": []}, jobs.JobError, "non-empty list of whole numbers"),
        ("recheck", {"listing_ids": [1.5]}, jobs.JobError, "non-empty list of whole numbers"),
        ("recheck", {"listing_ids": list(range(1, 502))}, jobs.JobError,
         "at most 500 listings at once, not 501"),
        ("recheck", {"listing_ids": "LISTED+[998, 999]"}, jobs.JobNotFound, "no listing 998, 999"),
        ("crawl_plan", {"plan_id": 999}, jobs.JobNotFound, "no patrol plan 999"),
        ("crawl_plan", {"plan_id": "CLOSED"}, jobs.JobError, "is closed"),
        ("crawl_plan", {"plan_id": "EMPTY"}, jobs.JobError, "names no targets"),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_in_one_line_and_nothing_is_queued(
    sessions, kind, args, error, message
):
    ids = _listings(sessions, 1)
    if args == {"listing_ids": "LISTED+[998, 999]"}:
        args = {"listing_ids": [ids[0], 998, 999]}  # the known one is not named
    elif isinstance(args, dict) and args.get("plan_id") == "CLOSED":
        args = {"plan_id": _plan(sessions, status="closed")}
    elif isinstance(args, dict) and args.get("plan_id") == "EMPTY":
        args = {"plan_id": _plan(sessions, targets=[])}
    with pytest.raises(error, match=message) as raised:
        _enqueue(sessions, kind, args)
    assert "\n" not in str(raised.value)
    with sessions() as session:
        assert jobs.recent(session) == []


@pytest.mark.parametrize(
    "role, unit, visible",
    [("upt_officer", UNIT, True), ("upt_officer", "UPT BPOM di Medan", False),
     ("analyst", "", True), ("upt_officer", "", False)],
)  # fmt: skip
def test_an_upt_officer_verifies_only_its_units_lists(sessions, role, unit, visible):
    list_id = _list(sessions, _listings(sessions, 1), unit=UNIT)
    scope = Scope("petugas", role, unit)
    if visible:
        assert _enqueue(sessions, "verify_list", {"list_id": list_id}, scope=scope)
    else:
        with pytest.raises(jobs.JobNotFound, match=f"no takedown list {list_id}"):
            _enqueue(sessions, "verify_list", {"list_id": list_id}, scope=scope)


def test_the_same_work_asked_twice_is_one_job_until_it_ends(sessions):
    list_id = _list(sessions, _listings(sessions, 1))
    first = _enqueue(sessions, "verify_list", {"list_id": list_id})
    assert _enqueue(sessions, "verify_list", {"list_id": list_id}, who="other") == first
    _claimed(sessions, first)
    assert _enqueue(sessions, "verify_list", {"list_id": list_id}) == first  # running
    other_list = _list(sessions, _listings(sessions, 1))
    assert _enqueue(sessions, "verify_list", {"list_id": other_list}) != first
    with sessions() as session, session.begin():
        jobs.finish(session, first, {"done": 1})
    assert _enqueue(sessions, "verify_list", {"list_id": list_id}) != first


def test_only_one_runner_claims_a_job(sessions):
    job_id = _enqueue(sessions, "recheck", {"listing_ids": _listings(sessions, 1)})
    _claimed(sessions, job_id, pid=4242)
    with pytest.raises(jobs.JobNotQueued, match=f"job {job_id} is running, not queued"):
        _claimed(sessions, job_id, pid=4343)
    with sessions() as session:
        job = jobs.get(session, job_id)
        assert (job.status, job.pid, job.started_at) == ("running", 4242, T0 + MINUTE)
        assert jobs.next_queued(session) is None
    with pytest.raises(jobs.JobNotFound, match="no job 999"):
        _claimed(sessions, 999)


@pytest.mark.parametrize(
    "error, kept",
    [("Error: no takedown list 7\nUsage: patroli ...", "Error: no takedown list 7"),
     ("\n\n  timeout  \n", "timeout"), ("", "failed"), ("x" * 5000, "x" * 1000)],
)  # fmt: skip
def test_a_failed_job_keeps_one_line_of_why(sessions, error, kept):
    job_id = _enqueue(sessions, "recheck", {"listing_ids": _listings(sessions, 1)})
    _claimed(sessions, job_id)
    with sessions() as session, session.begin():
        jobs.fail(session, job_id, error, now=T0 + 2 * MINUTE)
    with sessions() as session:
        job = jobs.get(session, job_id)
        assert (job.status, job.error, job.finished_at) == ("failed", kept, T0 + 2 * MINUTE)


def _ended_process() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _zombie():
    """A child that exited but was not reaped yet: its pid still answers kill(pid, 0)."""
    child = subprocess.Popen(["true"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    return child


@pytest.mark.parametrize("runner", ["ended", "zombie", "alive"])
def test_a_job_whose_runner_died_is_failed_not_running_forever(sessions, runner):
    job_id = _enqueue(sessions, "recheck", {"listing_ids": _listings(sessions, 1)})
    zombie = _zombie() if runner == "zombie" else None
    pid = {"ended": _ended_process, "alive": os.getpid}.get(runner, lambda: zombie.pid)()
    _claimed(sessions, job_id, pid=pid)
    try:
        status, _, _, _, error = _progress(sessions, job_id, alive=jobs.process_alive)
    finally:
        if zombie is not None:
            zombie.wait()
    if runner == "alive":
        assert (status, error) == ("running", None)
    else:
        assert status == "failed"
        assert error == f"the runner (process {pid}) stopped before the job ended"


def test_a_queued_or_ended_job_is_never_reaped(sessions):
    job_id = _enqueue(sessions, "recheck", {"listing_ids": _listings(sessions, 1)})
    assert _progress(sessions, job_id, alive=lambda pid: False)[0] == "queued"
    _claimed(sessions, job_id)
    with sessions() as session, session.begin():
        jobs.finish(session, job_id, {})
    assert _progress(sessions, job_id, alive=lambda pid: False)[0] == "done"


def _recheck(sessions, results: list[tuple[int, str]], at: datetime) -> None:
    with sessions() as session, session.begin():
        rechecks.record_rechecks(
            session, [RecheckResult(i, status, "test") for i, status in results], now=at
        )


@pytest.mark.parametrize("kind", ["verify_list", "recheck"])
def test_progress_counts_the_listings_rechecked_since_the_job_started(sessions, kind):
    a, b, c, d = _listings(sessions, 4)
    _recheck(sessions, [(c, "nonactive")], T0)  # before the job: not progress
    args = {"list_id": _list(sessions, [a, b, c, d])} if kind == "verify_list" else {
        "listing_ids": [a, b, c, d]}  # fmt: skip
    job_id = _enqueue(sessions, kind, args)
    assert _progress(sessions, job_id)[1:4] == (0, 4, {"active": 0, "nonactive": 0, "unknown": 0})
    _claimed(sessions, job_id, at=T0 + MINUTE)
    assert _progress(sessions, job_id)[1:3] == (0, 4)
    _recheck(sessions, [(a, "nonactive"), (b, "active")], T0 + 2 * MINUTE)
    assert _progress(sessions, job_id)[1:4] == (2, 4, {"active": 1, "nonactive": 1, "unknown": 0})
    # An unknown result on a link already down keeps its status, yet it was checked.
    _recheck(sessions, [(c, "unknown"), (d, "unknown")], T0 + 3 * MINUTE)
    assert _progress(sessions, job_id)[1:4] == (4, 4, {"active": 1, "nonactive": 2, "unknown": 1})
    with sessions() as session, session.begin():
        result = jobs.summary(session, jobs.get(session, job_id))
    assert result == {"done": 4, "total": 4, "active": 1, "nonactive": 2, "unknown": 1}


def test_plan_progress_shows_the_runs_started_after_the_job(sessions):
    plan_id = _plan(sessions, targets=[{"spider": "marketplace", "site": "pasarku"},
                                       {"spider": "shop", "site": "tokosehat"}])  # fmt: skip
    with sessions() as session, session.begin():
        runs.start_run(session, "marketplace", plan_id=plan_id, now=T0)  # an earlier crawl
    job_id = _enqueue(sessions, "crawl_plan", {"plan_id": plan_id})
    _claimed(sessions, job_id, at=T0 + MINUTE)
    assert _progress(sessions, job_id)[1:4] == (0, 2, {"runs": []})
    with sessions() as session, session.begin():
        first = runs.start_run(session, "marketplace", plan_id=plan_id, now=T0 + 2 * MINUTE).id
        second = runs.start_run(session, "shop", plan_id=plan_id, now=T0 + 2 * MINUTE).id
        runs.finish_run(session, first, "finished", {"response_received_count": 12,
                        "patroli/stored": 9, "patroli/listings_with_hits": 4,
                        "patroli/failed_urls": 1}, now=T0 + 3 * MINUTE)  # fmt: skip
    _, done, total, detail, _ = _progress(sessions, job_id)
    assert (done, total) == (1, 2)
    assert detail["runs"] == [
        {"id": first, "spider": "marketplace", "status": "finished", "pages": 12, "stored": 9,
         "with_violations": 4, "failed": 1},
        {"id": second, "spider": "shop", "status": "running", "pages": 0, "stored": 0,
         "with_violations": 0, "failed": 0},
    ]  # fmt: skip


def test_recent_jobs_newest_first_by_requester_and_kind(sessions):
    ids = _listings(sessions, 3)
    made = [_enqueue(sessions, "recheck", {"listing_ids": [i]}, who=who)
            for i, who in zip(ids, ["analis", "petugas", "analis"], strict=True)]  # fmt: skip
    plan_job = _enqueue(sessions, "crawl_plan", {"plan_id": _plan(sessions)}, who="analis")
    with sessions() as session:
        assert [j.id for j in jobs.recent(session)] == [plan_job, *reversed(made)]
        assert [j.id for j in jobs.recent(session, requested_by="analis", kind="recheck")] == [
            made[2], made[0]]  # fmt: skip
        assert [j.id for j in jobs.recent(session, limit=1)] == [plan_job]
        assert session.get(Job, made[1]).requested_at == T0


@pytest.mark.parametrize("role, unit, visible", [("analyst", "", True),
                                                 ("upt_officer", "", True),  # Dit. Siber's
                                                 ("upt_officer", UNIT, False)])  # fmt: skip
def test_a_unit_rechecks_only_the_listings_it_may_read(sessions, role, unit, visible):
    ids = _listings(sessions, 2)
    scope = Scope("petugas", role, unit)
    if visible:
        assert _enqueue(sessions, "recheck", {"listing_ids": ids}, scope=scope)
    else:
        with pytest.raises(jobs.JobNotFound, match=f"no listing {ids[0]}, {ids[1]}"):
            _enqueue(sessions, "recheck", {"listing_ids": ids}, scope=scope)
