"""Scheduled patrols: which firing of each schedule is due, one run per firing, the history.

A schedule is an active patrol plan's cron line (Asia/Jakarta, services.plans), or the
monitoring re-check's. Its key is "plan:<id>" or "recheck". The rules the scheduler keeps:

- catch-up: after downtime a schedule runs once, not once per missed firing. The run is for
  the latest firing due, and `missed` counts the earlier firings it stands for since the last
  recorded run of the key (never before the plan became active, its period began, or a year);
- one run per firing: (key, due_at) is unique, so a second scheduler process that reaches the
  same firing loses cleanly ("taken");
- no overlap: while a run of the key is still going, a new firing is recorded "skipped" with the
  reason; a "running" run whose scheduler died is marked failed first.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casebook.models import (
    AuditEvent,
    CrawlRun,
    Job,
    PatrolPlan,
    ScheduledRun,
    utcnow,
)
from casebook.services import jobs
from casebook.services.plans import (
    JAKARTA,
    cron_fields,  # the one cron reader
    next_runs,
)

RECHECK = "recheck"
CATCH_UP_LIMIT = timedelta(days=366)  # missed firings older than this are not counted
SCHEDULER = "scheduler"  # who asks for the jobs a schedule starts (the audit trail's actor)


class ScheduleError(ValueError):
    """A history query or a run that cannot be done as asked; the message is one line."""


def plan_key(plan_id: int) -> str:
    return f"plan:{plan_id}"


@dataclass(frozen=True)
class Schedule:
    """What fires: a key, its kind, the cron line, and the span its firings count in."""

    key: str
    kind: str  # crawl_plan | recheck
    cron: str
    plan_id: int | None = None
    since: datetime | None = None  # no firing at or before this counts (the plan's activation)
    until: datetime | None = None  # nor after this (the end of the plan's period)


@dataclass(frozen=True)
class Firing:
    """The one run a schedule owes now: for which firing, and how many earlier ones it covers."""

    key: str
    kind: str
    cron: str
    plan_id: int | None
    due_at: datetime  # UTC
    missed: int


@dataclass(frozen=True)
class Begun:
    """How `begin` ended: "started" (`run` is running), "skipped" (`run` says why) or "taken"
    (another scheduler process has this firing; `run` is None)."""

    outcome: str
    run: ScheduledRun | None = None


# -- what is scheduled -----------------------------------------------------------------------


def schedules(
    session: Session,
    *,
    recheck: str = "",
    recheck_since: datetime | None = None,
    now: datetime | None = None,
) -> list[Schedule]:
    """Every schedule a scheduler runs now: each active plan with a cron line whose period has
    not ended (plans are run while active: services.plans), and the re-check's cron line when
    given (its first firing counts from `recheck_since`, the scheduler's start)."""
    now = now or utcnow()
    found = session.scalars(
        select(PatrolPlan)
        .where(PatrolPlan.status == "active", PatrolPlan.schedule != "")
        .order_by(PatrolPlan.id)
    )
    out = []
    for plan in found:
        since, until = _period(plan)
        if until is not None and until < now:
            continue
        activated = activated_at(session, plan)
        out.append(Schedule(plan_key(plan.id), "crawl_plan", plan.schedule, plan.id,
                            max(filter(None, (since, activated))), until))  # fmt: skip
    if recheck:
        out.append(Schedule(RECHECK, "recheck", recheck, None, recheck_since or now))
    return out


def activated_at(session: Session, plan: PatrolPlan) -> datetime:
    """When the plan last became active (the audit trail says), else when it was approved or
    made: its firings before that were not missed, the plan was not running."""
    events = session.execute(
        select(AuditEvent.at, AuditEvent.after)
        .where(AuditEvent.action == "plan.status", AuditEvent.target == plan_key(plan.id))
        .order_by(AuditEvent.seq.desc())
        .limit(20)
    )
    for at, after in events:
        if (after or {}).get("status") == "active":
            return at
    return plan.approved_at or plan.created_at


def _period(plan: PatrolPlan) -> tuple[datetime | None, datetime | None]:
    """The plan's period as instants: from its first day's midnight to its last day's end, WIB."""
    since = _wib_midnight(plan.period_start) if plan.period_start else None
    until = _wib_midnight(plan.period_end + timedelta(days=1)) - timedelta(seconds=1) if (
        plan.period_end) else None  # fmt: skip
    return since, until


def _wib_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=JAKARTA).astimezone(UTC)


# -- firings ---------------------------------------------------------------------------------


def firings(cron: str, after: datetime, until: datetime) -> tuple[datetime | None, int]:
    """The last time in (after, until] the cron line names (Asia/Jakarta, as plans.next_run
    reads it), and how many times it names in that span before it. Counted per day, so a year
    of a once-a-minute schedule takes milliseconds."""
    minutes, hours, days, months, weekdays = cron_fields(cron)
    either = len(days) < 31 and len(weekdays) < 7  # cron: both day fields set -> either one
    times = sorted(time(h, m) for h in hours for m in minutes)
    start, end = after.astimezone(JAKARTA), until.astimezone(JAKARTA)
    last, count, day = None, 0, start.date()
    while start < end and day <= end.date():
        weekday = (day.weekday() + 1) % 7
        hit = (day.day in days or weekday in weekdays) if either else (
            day.day in days and weekday in weekdays)  # fmt: skip
        if day.month in months and hit:
            if start.date() < day < end.date():
                count += len(times)
                last = datetime.combine(day, times[-1], tzinfo=JAKARTA)
            else:
                moments = (datetime.combine(day, t, tzinfo=JAKARTA) for t in times)
                inside = [at for at in moments if start < at <= end]
                count += len(inside)
                last = inside[-1] if inside else last
        day += timedelta(days=1)
    return last, max(count - 1, 0)


def due(session: Session, schedule: Schedule, *, now: datetime | None = None) -> Firing | None:
    """The firing `schedule` owes at `now`: the latest one due that no run of its key is
    recorded for yet, with the earlier ones since the last recorded run as `missed` — or None."""
    now = now or utcnow()
    last = session.scalar(
        select(ScheduledRun.due_at)
        .where(ScheduledRun.key == schedule.key)
        .order_by(ScheduledRun.due_at.desc())
        .limit(1)
    )
    floor = max(filter(None, (last, schedule.since, now - CATCH_UP_LIMIT)))
    end = min(filter(None, (now, schedule.until)))
    at, missed = firings(schedule.cron, floor, end)
    if at is None:
        return None
    return Firing(schedule.key, schedule.kind, schedule.cron, schedule.plan_id,
                  at.astimezone(UTC), missed)  # fmt: skip


def next_firings(cron: str, count: int = 3, *, now: datetime | None = None) -> list[datetime]:
    """The next `count` firings of a cron line, in Asia/Jakarta."""
    return next_runs(cron, now or utcnow(), count) if cron else []


# -- one run per firing ------------------------------------------------------------------------


def owner() -> dict[str, Any]:
    """Who runs a firing: this machine and process (the overlap guard asks if it still lives)."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def owner_alive(session: Session, run: ScheduledRun) -> bool:
    """Whether a "running" run is still going: its scheduler or the child it started lives on
    this machine, or its job still runs. A scheduler on another machine cannot be asked: its
    run counts as going while its job has not ended."""
    result = run.result or {}
    job = session.get(Job, run.job_id) if run.job_id else None
    if (result.get("owner") or {}).get("host") != socket.gethostname():
        return job is None or job.status in jobs.ACTIVE
    pids = [(result.get("owner") or {}).get("pid"), result.get("child_pid")]
    if any(isinstance(pid, int) and jobs.process_alive(pid) for pid in pids):
        return True
    return job is not None and job.status == "running" and not jobs.reap(session, job)


def started_child(session: Session, run_id: int, pid: int) -> None:
    """Note the process a run started (`patroli jobs run`, `patroli crawl recheck`): the overlap
    guard asks whether it still lives when its scheduler is gone."""
    run = session.get_one(ScheduledRun, run_id)
    run.result = {**(run.result or {}), "child_pid": pid}


def begin(
    session: Session,
    firing: Firing,
    *,
    alive: Callable[[Session, ScheduledRun], bool] = owner_alive,
    now: datetime | None = None,
) -> Begun:
    """Record that `firing` runs now, in this process (the caller commits). A run of the same key
    still going makes it "skipped"; a "running" run whose scheduler died is failed first; a
    firing another scheduler recorded first is "taken". A plan's firing also queues its crawl
    job (ScheduledRun.job_id), unless the plan is being crawled already (run by hand)."""
    now = now or utcnow()
    if _recorded(session, firing):
        return Begun("taken")
    for running in _running(session, firing.key):
        if alive(session, running):
            when = running.due_at.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB")
            return _record(session, firing, now, "skipped",
                           f"the run for {when} (#{running.id}) is still going")  # fmt: skip
        ended = session.get(Job, running.job_id) if running.job_id else None
        if ended is not None and ended.status in ("done", "failed"):
            finish_from_job(session, running.id, now=now)  # it ended while nobody watched
            continue
        who = (running.result or {}).get("owner") or {}
        finish(session, running.id, "failed", now=now,
               reason=f"the scheduler (process {who.get('pid')} on {who.get('host')}) "
                      "stopped before the run ended")  # fmt: skip
    busy = _plan_job(session, firing.plan_id) if firing.kind == "crawl_plan" else None
    if busy is not None:
        why = f"job {busy.id} ({busy.requested_by}) is crawling this plan already"
        return _record(session, firing, now, "skipped", why)
    begun = _record(session, firing, now, "running", "")
    if begun.outcome == "started" and firing.kind == "crawl_plan":
        job = jobs.enqueue(session, "crawl_plan", {"plan_id": firing.plan_id}, SCHEDULER, now=now)
        begun.run.job_id = job.id
        session.flush()
    return begun


def skip(session: Session, firing: Firing, reason: str, *, now: datetime | None = None) -> Begun:
    """Record a firing that does not run (the scheduler's own overlap guard caught it)."""
    if _recorded(session, firing):
        return Begun("taken")
    return _record(session, firing, now or utcnow(), "skipped", reason)


def _recorded(session: Session, firing: Firing) -> bool:
    query = select(ScheduledRun.id).where(
        ScheduledRun.key == firing.key, ScheduledRun.due_at == firing.due_at
    )
    return session.scalar(query) is not None


def _running(session: Session, key: str) -> list[ScheduledRun]:
    query = select(ScheduledRun).where(ScheduledRun.key == key, ScheduledRun.status == "running")
    return list(session.scalars(query.order_by(ScheduledRun.id)))


def _plan_job(session: Session, plan_id: int | None) -> Job | None:
    """A crawl of the plan queued or running (someone pressed "run now") whose runner lives."""
    query = select(Job).where(Job.kind == "crawl_plan", Job.status.in_(jobs.ACTIVE))
    for job in session.scalars(query.order_by(Job.id)):
        if (job.args or {}).get("plan_id") == plan_id and not jobs.reap(session, job):
            return job
    return None


def _record(session: Session, firing: Firing, now: datetime, status: str, reason: str) -> Begun:
    """Insert the firing's row in a SAVEPOINT: when another scheduler process recorded the same
    (key, due_at) first, the UNIQUE constraint refuses ours and this session goes on."""
    run = ScheduledRun(
        key=firing.key, kind=firing.kind, plan_id=firing.plan_id, schedule=firing.cron,
        due_at=firing.due_at, missed=firing.missed, started_at=now, status=status,
        reason=reason, result={"owner": owner()},
        finished_at=None if status == "running" else now,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return Begun("taken")
    return Begun("started" if status == "running" else "skipped", run)


def finish(
    session: Session,
    run_id: int,
    status: str,
    *,
    reason: str = "",
    result: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> ScheduledRun:
    """End a running run: done or failed (with why), its result merged in."""
    if status not in ("done", "failed"):
        raise ScheduleError(f"status: a run ends done or failed, not {status!r}")
    run = session.get(ScheduledRun, run_id)
    if run is None:
        raise ScheduleError(f"no scheduled run {run_id}")
    run.status, run.finished_at, run.reason = status, now or utcnow(), reason[:1000]
    run.result = {**(run.result or {}), **(result or {})}
    session.flush()
    return run


def finish_from_job(
    session: Session, run_id: int, *, interrupted: bool = False, now: datetime | None = None
) -> ScheduledRun:
    """End a plan's run as its crawl job ended: done with the crawl runs it made, or failed with
    the job's error ("interrupted" when the scheduler stopped it)."""
    run = session.get_one(ScheduledRun, run_id)
    job = jobs.get(session, run.job_id)
    jobs.reap(session, job, now=now)  # a runner killed mid-job leaves it "running"
    if job.status == "queued":
        jobs.fail(session, job.id, "the scheduler stopped before the job ran", now=now)
    result = {"crawl_runs": [r["id"] for r in (job.result or {}).get("runs", [])],
              "job_status": job.status}  # fmt: skip
    if not result["crawl_runs"]:
        result["crawl_runs"] = _crawl_runs_since(session, run, plan_id=run.plan_id)
    if job.status == "done" and not interrupted:
        return finish(session, run_id, "done", result=result, now=now)
    why = "interrupted" if interrupted else (job.error or f"job {job.id} {job.status}")
    return finish(session, run_id, "failed", reason=why, result=result, now=now)


def finish_recheck(
    session: Session,
    run_id: int,
    exit_status: int,
    *,
    interrupted: bool = False,
    error: str = "",
    now: datetime | None = None,
) -> ScheduledRun:
    """End a re-check run from how `patroli crawl recheck` exited."""
    run = session.get_one(ScheduledRun, run_id)
    result = {"exit_status": exit_status, "crawl_runs": _crawl_runs_since(session, run)}
    if exit_status == 0 and not interrupted:
        return finish(session, run_id, "done", result=result, now=now)
    why = "interrupted" if interrupted else (error or f"exited with status {exit_status}")
    return finish(session, run_id, "failed", reason=why, result=result, now=now)


def _crawl_runs_since(session: Session, run: ScheduledRun, *, plan_id: int | None = None):
    query = select(CrawlRun.id).where(CrawlRun.started_at >= run.started_at)
    if plan_id is None:
        query = query.where(CrawlRun.spider == "recheck", CrawlRun.plan_id.is_(None))
    else:
        query = query.where(CrawlRun.plan_id == plan_id)
    return list(session.scalars(query.order_by(CrawlRun.id)))
