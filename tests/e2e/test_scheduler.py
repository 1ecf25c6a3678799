"""The scheduler end to end: `patroli scheduler run` as a real process runs a plan scheduled
every minute against the demo marketplace (a casebook job, a crawl that stores listings), stops
cleanly on SIGTERM, and `--once` catches up a daily plan that missed days — once, with the
missed firings counted — and right after runs nothing. A SIGTERM mid-crawl ends the run
failed, "interrupted". The APScheduler triggers fire when the casebook's cron reader says."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor as Threads
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from sqlalchemy import select

from casebook.models import CrawlRun, Job, ScheduledRun, utcnow
from casebook.services import plans, schedule
from casebook.services.plans import JAKARTA
from patroli.scheduling import Fired, Scheduler, cron_trigger

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
PATIENCE = 300  # seconds to wait for the casebook to show a state (a hang, not a measurement)


@pytest.mark.parametrize(
    "cron", ["* * * * *", "0 6 * * *", "0 2 * * 0", "0 2 * * 7", "30 8 * * 1-5",
             "0 6 10 * 1", "*/20 8-9 1,15 * *", "0 0 31 * *"],
)  # fmt: skip
def test_the_triggers_fire_when_the_casebook_says(cron):
    """APScheduler's from_crontab alone reads 0 as Monday and ANDs the day fields."""
    trigger, at = cron_trigger(cron), datetime(2026, 11, 1, 0, 0, tzinfo=JAKARTA)
    fired, previous = [], None
    for _ in range(8):
        previous = at = trigger.get_next_fire_time(previous, at + timedelta(seconds=1))
        fired.append(at)
    expected = plans.next_runs(cron, datetime(2026, 11, 1, 0, 0, tzinfo=JAKARTA), 8)
    assert [a.astimezone(UTC) for a in fired] == [e.astimezone(UTC) for e in expected]


def _plan(patroli, name: str, cron: str, activated: datetime, keywords=("obat", "krim")) -> int:
    with patroli.sessions()() as session, session.begin():
        plan = plans.save_plan(session, name, keywords=list(keywords),
                               targets=[{"spider": "marketplace", "site": "pasarku"}],
                               risk_basis="kajian risiko", schedule=cron, actor="analis",
                               now=activated - timedelta(minutes=2))  # fmt: skip
        plans.set_status(session, plan.id, "approved", actor="analis", now=activated)
        plans.set_status(session, plan.id, "active", actor="analis", now=activated)
        return plan.id


def _runs(patroli, plan_id: int) -> list[ScheduledRun]:
    with patroli.sessions()() as session:
        query = select(ScheduledRun).where(ScheduledRun.plan_id == plan_id)
        return list(session.scalars(query.order_by(ScheduledRun.id)))


def _stored(patroli, run: ScheduledRun) -> int:
    with patroli.sessions()() as session:
        ids = run.result.get("crawl_runs") or []
        found = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(ids)))
        return sum(int((c.stats or {}).get("patroli/stored", 0)) for c in found)


def _wait_for(what: str, check, process: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + PATIENCE
    while True:
        found = check()
        if found:
            return found
        ended = process is not None and process.poll() is not None
        if ended or time.monotonic() > deadline:
            shown = log.read_text()[-4000:] if log is not None and log.exists() else ""
            raise AssertionError(f"no {what} ({'exited' if ended else 'timed out'}):\n{shown}")
        time.sleep(1)


def _scheduler(patroli, demo, *args: str, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "patroli", "scheduler", "run", "--recheck-schedule", "",
               "--base", f"pasarku={demo.base_urls['pasarku']}", *FAST, *args]  # fmt: skip
    return _started(command, patroli, log)


def _started(command: list[str], patroli, log) -> subprocess.Popen:
    with log.open("wb") as output:  # the child keeps its own copy
        return subprocess.Popen(command, env=patroli.env, stdout=output, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_a_plan_runs_by_itself_and_catches_up_once(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    every_minute = _plan(patroli, "Patroli tiap menit", "* * * * *", utcnow())
    log = tmp_path / "scheduler.log"
    running = _scheduler(patroli, demo, log=log)
    try:

        def finished():
            return [r for r in _runs(patroli, every_minute) if r.status == "done"]

        done = _wait_for("done scheduled run", finished, running, log)
        assert done[0].job_id is not None and done[0].missed == 0
        assert _stored(patroli, done[0]) > 0, done[0].result
        with patroli.sessions()() as session:
            job = session.get(Job, done[0].job_id)
            assert (job.kind, job.status, job.requested_by) == ("crawl_plan", "done", "scheduler")
    finally:
        running.send_signal(signal.SIGTERM)
        code = running.wait(timeout=PATIENCE)
    output = log.read_text()
    assert code == 0, output
    assert "scheduler stopped" in output
    # Nothing is left running: a firing the stop caught mid-crawl ended interrupted.
    for run in _runs(patroli, every_minute):
        assert run.status in ("done", "skipped") or (run.status, run.reason) == (
            "failed", "interrupted"), (run.status, run.reason)  # fmt: skip

    # Catch-up: a daily plan last run three days before its latest firing runs once.
    with patroli.sessions()() as session, session.begin():
        plans.set_status(session, every_minute, "closed", actor="analis")
    now = utcnow()
    latest, _ = schedule.firings("0 6 * * *", now - timedelta(days=2), now)
    daily = _plan(patroli, "Patroli harian", "0 6 * * *", latest - timedelta(days=10))
    with patroli.sessions()() as session, session.begin():
        session.add(ScheduledRun(key=f"plan:{daily}", kind="crawl_plan", plan_id=daily,
                                 schedule="0 6 * * *", due_at=latest - timedelta(days=3),
                                 started_at=latest - timedelta(days=3), status="done",
                                 finished_at=latest - timedelta(days=3)))  # fmt: skip
    once = patroli.run("scheduler", "run", "--once", "--recheck-schedule", "",
                       "--base", f"pasarku={demo.base_urls['pasarku']}", *FAST)  # fmt: skip
    assert "1 firing(s), 0 failed" in once.stdout, once.stdout
    caught = _runs(patroli, daily)[-1]
    assert (caught.due_at, caught.missed, caught.status) == (latest, 2, "done")
    assert _stored(patroli, caught) > 0
    again = patroli.run("scheduler", "run", "--once", "--recheck-schedule", "")
    assert "0 firing(s), 0 failed" in again.stdout, again.stdout
    assert len(_runs(patroli, daily)) == 2
    history = patroli.run("scheduler", "history", "--plan", str(daily)).stdout
    assert f"{caught.id}" in history and "missed 2" in history and "done" in history


@pytest.mark.slow
def test_sigterm_mid_crawl_ends_the_run_interrupted(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    now = utcnow()
    latest, _ = schedule.firings("0 6 * * *", now - timedelta(days=2), now)
    plan_id = _plan(patroli, "Patroli lambat", "0 6 * * *", latest - timedelta(days=1))
    log = tmp_path / "once.log"
    command = [sys.executable, "-m", "patroli", "scheduler", "run", "--once",
               "--recheck-schedule", "", "--base", f"pasarku={demo.base_urls['pasarku']}",
               "-s", "DOWNLOAD_DELAY=3", "-s", "AUTOTHROTTLE_ENABLED=0"]  # fmt: skip
    once = _started(command, patroli, log)
    try:

        def crawling():
            with patroli.sessions()() as session:
                return session.scalar(select(CrawlRun.id).where(CrawlRun.plan_id == plan_id))

        _wait_for("crawl run started", crawling, once, log)
    finally:
        once.send_signal(signal.SIGTERM)
        code = once.wait(timeout=PATIENCE)
    (run,) = _runs(patroli, plan_id)
    assert (run.status, run.reason) == ("failed", "interrupted"), log.read_text()
    assert code == 1
    with patroli.sessions()() as session:
        job = session.get(Job, run.job_id)
        assert (job.status, job.error) == ("failed", "interrupted")


# -- the wiring, with a stand-in for `patroli` (a real child process that sleeps or exits) ------


@pytest.fixture
def casebook(config):
    from patroli.wiring import open_casebook

    opened = open_casebook(migrate=True, config=config)
    yield opened
    opened.engine.dispose()


def _stand_in(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)  # `jobs run ID ...` follow, unread


def _daily_plan(casebook, name: str = "Patroli harian") -> int:
    now = utcnow()
    latest, _ = schedule.firings("0 6 * * *", now - timedelta(days=2), now)

    class Shim:  # _plan wants something with sessions()()
        def sessions(self):
            return casebook.sessions

    return _plan(Shim(), name, "0 6 * * *", latest - timedelta(days=1, hours=1))


@pytest.mark.parametrize(
    "code, status, reason, missed",
    [
        ("print('ok')", "done", "", 0),
        ("import sys; print('no patrol plan 9'); sys.exit(1)", "failed", "no patrol plan 9", 0),
    ],
)
def test_a_recheck_firing_ends_as_its_command(casebook, code, status, reason, missed):
    runner = Scheduler(casebook, recheck="0 6 * * *", runner=_stand_in(code), say=lambda _: None)
    runner.started = utcnow() - timedelta(days=2)  # it has been running: a firing is due
    (fired,) = runner.run_once()
    assert (fired.key, fired.status, fired.reason) == ("recheck", status, reason)
    with casebook.sessions() as session:
        run = session.get(ScheduledRun, fired.run_id)
        assert (run.kind, run.status, run.missed, run.job_id) == ("recheck", status, 1, None)
        assert run.result["exit_status"] == (0 if status == "done" else 1)
    assert runner.run_once() == [Fired("recheck", "nothing")]  # nothing twice


def test_interrupt_stops_the_child_and_ends_the_run_interrupted(casebook):
    plan_id = _daily_plan(casebook)
    runner = Scheduler(casebook, recheck="", runner=_stand_in("import time; time.sleep(120)"),
                       say=lambda _: None)  # fmt: skip
    with Threads(max_workers=1) as pool:
        firing = pool.submit(runner.fire, schedule.plan_key(plan_id))
        _wait_for("child started", lambda: runner.children)
        child = next(iter(runner.children.values()))
        runner.interrupt()
        fired = firing.result(timeout=PATIENCE)
    assert child.returncode == -signal.SIGTERM
    assert (fired.outcome, fired.status, fired.reason) == ("started", "failed", "interrupted")
    with casebook.sessions() as session:
        run = session.get(ScheduledRun, fired.run_id)
        job = session.get(Job, run.job_id)
        assert (run.status, run.result["child_pid"]) == ("failed", child.pid)
        assert (job.status, job.error) == ("failed", "the scheduler stopped before the job ran")
    assert runner.fire(schedule.plan_key(plan_id)) == Fired(schedule.plan_key(plan_id), "nothing")


def test_a_firing_apscheduler_held_back_is_recorded_skipped(casebook):
    plan_id = _daily_plan(casebook)
    runner = Scheduler(casebook, recheck="", say=lambda _: None)
    key = schedule.plan_key(plan_id)
    runner._overlapped(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, key, "default", []))
    (run,) = _runs_of(casebook, plan_id)
    assert (run.status, run.missed, run.job_id) == ("skipped", 1, None)
    assert "still going in this scheduler" in run.reason
    runner._overlapped(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, key, "default", []))
    assert len(_runs_of(casebook, plan_id)) == 1  # that firing is recorded: nothing again


def _runs_of(casebook, plan_id: int) -> list[ScheduledRun]:
    with casebook.sessions() as session:
        query = select(ScheduledRun).where(ScheduledRun.plan_id == plan_id)
        return list(session.scalars(query.order_by(ScheduledRun.id)))


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--recheck-schedule", "61 * * * *"], "minute '61' is out of 0-59"),
        (["run", "--recheck-schedule", "0 6 * *"], "needs 5 fields"),
        (["history", "--limit", "0"], "0 is not in the range"),
        (["next", "--recheck-schedule", "x"], "needs 5 fields"),
    ],
)
def test_bad_input_is_one_line_naming_it(tmp_path, new_casebook, args, message):
    patroli = new_casebook(tmp_path / "casebook")
    answer = patroli.run("scheduler", *args, check=False)
    assert answer.returncode == 2 and message in answer.stderr, answer.stderr


@pytest.mark.slow
def test_the_demo_gives_the_schedule_page_a_real_run(casebook, demo):
    from patroli.demo_schedule import scheduled_patrol

    said: list[str] = []
    fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
    scheduled_patrol(casebook, demo, fast, said.append)
    with casebook.sessions() as session:
        (run,) = session.scalars(select(ScheduledRun)).all()
        stored = sum(int((c.stats or {}).get("patroli/stored", 0)) for c in session.scalars(
            select(CrawlRun).where(CrawlRun.id.in_(run.result["crawl_runs"]))))  # fmt: skip
    assert (run.status, run.missed, run.kind) == ("done", 2, "crawl_plan"), said
    assert stored > 0
    scheduled_patrol(casebook, demo, fast, said.append)  # the same day: nothing runs twice
    assert said[-1].endswith("nothing due")
    with casebook.sessions() as session:
        assert len(session.scalars(select(ScheduledRun)).all()) == 1


@pytest.mark.slow
def test_two_schedulers_run_one_firing_once(tmp_path, demo, new_casebook):
    """Two `--once` started together on one casebook: one runs the plan's firing, the other
    finds it recorded (or loses the insert to UNIQUE(key, due_at)) and runs nothing."""
    patroli = new_casebook(tmp_path / "casebook")
    now = utcnow()
    latest, _ = schedule.firings("0 6 * * *", now - timedelta(days=2), now)
    plan_id = _plan(patroli, "Patroli harian", "0 6 * * *", latest - timedelta(hours=1))
    command = [sys.executable, "-m", "patroli", "scheduler", "run", "--once",
               "--recheck-schedule", "", "--base", f"pasarku={demo.base_urls['pasarku']}",
               *FAST]  # fmt: skip
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    both = [_started(command, patroli, log) for log in logs]
    codes = [process.wait(timeout=PATIENCE) for process in both]
    said = sorted(log.read_text().strip().splitlines()[-1] for log in logs)
    assert codes == [0, 0], said
    assert said[0] in ("0 firing(s), 0 failed", "0 firing(s), 0 failed, 1 taken by another "
                       "scheduler") and said[1] == "1 firing(s), 0 failed"  # fmt: skip
    (run,) = _runs(patroli, plan_id)
    assert (run.due_at, run.status) == (latest, "done")
    with patroli.sessions()() as session:
        assert len(session.scalars(select(Job)).all()) == 1
