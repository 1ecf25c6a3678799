"""Background jobs: verifying a takedown list, re-checking listings, running a patrol plan now.

Asked for from the web or the API (`enqueue`), run by `patroli jobs run ID` (`claim`, then
`finish` or `fail`). Progress is not reported by the runner: it is read from the casebook
itself — the re-check results and crawl runs that land while the job runs — so a page polling
a job shows exactly what the casebook already holds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from casebook.models import (
    JOB_KINDS,
    CrawlRun,
    Job,
    Listing,
    ListingChange,
    PatrolPlan,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.services import access, audit
from casebook.services.access import Scope, list_condition, listing_condition, plan_condition

MAX_LISTINGS = 500  # one re-check job, as the API's collections
ACTIVE = ("queued", "running")
MAX_ERROR = 1000


class JobError(ValueError):
    """A job that cannot be asked for or run as given; the message is one line."""


class JobNotFound(JobError):
    """The job, or what it names (a list, listings, a plan), does not exist or is not visible."""


class JobNotQueued(JobError):
    """A runner asked for a job another runner already took, or that already ended."""


# -- asking ----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    kind: str,
    args: dict[str, Any],
    requested_by: str,
    *,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> Job:
    """A queued job, its arguments checked against the casebook (and, with `scope`, against
    what that user may see). The same work already queued or running is that job, not a second
    one: a double click on "verify now" starts one crawl."""
    clean = _checked(session, kind, args, scope)
    for job in session.scalars(select(Job).where(Job.kind == kind, Job.status.in_(ACTIVE))):
        if job.args == clean:
            return job
    job = Job(kind=kind, args=clean, status="queued", requested_by=requested_by,
              requested_at=now or utcnow())  # fmt: skip
    session.add(job)
    session.flush()
    audit.record(session, requested_by, "job.enqueue", f"job:{job.id}", None,
                 {"kind": kind, **clean}, now=job.requested_at)  # fmt: skip
    return job


def _checked(session: Session, kind: str, args: Any, scope: Scope | None) -> dict[str, Any]:
    if kind not in JOB_KINDS:
        raise JobError(f"unknown job kind {kind!r} (one of {', '.join(JOB_KINDS)})")
    if not isinstance(args, dict):
        raise JobError(f"{kind}: arguments must be an object, not {type(args).__name__}")
    if kind == "verify_list":
        return {"list_id": _visible_list(session, _whole(args, "list_id", kind), scope)}
    if kind == "recheck":
        return {"listing_ids": _known_listings(session, args.get("listing_ids"), scope)}
    return {"plan_id": _runnable_plan(session, _whole(args, "plan_id", kind), scope)}


def _whole(args: dict[str, Any], name: str, kind: str) -> int:
    value = args.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise JobError(f"{kind}: {name} must be a whole number, not {value!r}")
    return value


def _visible_list(session: Session, list_id: int, scope: Scope | None) -> int:
    query = select(TakedownList.id).where(TakedownList.id == list_id)
    if scope is not None:
        query = query.where(list_condition(scope))
    if session.scalar(query) is None:
        raise JobNotFound(f"no takedown list {list_id}")
    return list_id


def _known_listings(session: Session, value: Any, scope: Scope | None) -> list[int]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in value)
    ):
        raise JobError("recheck: listing_ids must be a non-empty list of whole numbers")
    ids = list(dict.fromkeys(value))
    if len(ids) > MAX_LISTINGS:
        raise JobError(f"recheck: at most {MAX_LISTINGS} listings at once, not {len(ids)}")
    query = select(Listing.id).where(Listing.id.in_(ids))
    if scope is not None:
        query = query.where(listing_condition(scope))
    found = set(session.scalars(query))
    missing = [i for i in ids if i not in found]
    if missing:
        raise JobNotFound(f"no listing {', '.join(map(str, missing))}")
    return ids


def _runnable_plan(session: Session, plan_id: int, scope: Scope | None) -> int:
    query = select(PatrolPlan).where(PatrolPlan.id == plan_id)
    if scope is not None:
        query = query.where(plan_condition(scope))
    plan = session.scalar(query)
    if plan is None:
        raise JobNotFound(f"no patrol plan {plan_id}")
    if plan.status == "closed":
        raise JobError(f"patrol plan {plan_id} ({plan.name}) is closed")
    if not plan.targets:
        raise JobError(f"patrol plan {plan_id} ({plan.name}) names no targets")
    return plan_id


def listing_statuses(session: Session, ids: list[int]) -> dict[int, str]:
    """Listing id -> its status now (what a re-check job starts from)."""
    rows = session.execute(select(Listing.id, Listing.status).where(Listing.id.in_(ids)))
    return {listing_id: status for listing_id, status in rows}


# -- running ---------------------------------------------------------------------------------


def next_queued(session: Session) -> int | None:
    """The oldest job waiting for a runner."""
    return session.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))


def claim(session: Session, job_id: int, pid: int, *, now: datetime | None = None) -> Job:
    """Mark a queued job running in process `pid`. Two runners may race for one job (the web's
    waker and `patroli jobs work`): the conditional update lets exactly one win."""
    won = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", pid=pid, started_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    job = get(session, job_id)
    session.refresh(job)
    if not won:
        raise JobNotQueued(f"job {job_id} is {job.status}, not queued")
    return job


def finish(
    session: Session, job_id: int, result: dict[str, Any], *, now: datetime | None = None
) -> Job:
    job = get(session, job_id)
    job.status, job.finished_at, job.result, job.error = "done", now or utcnow(), result, None
    return job


def fail(session: Session, job_id: int, error: str, *, now: datetime | None = None) -> Job:
    """A failed job keeps the first line of why (a command's one-line error)."""
    job = get(session, job_id)
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    message = (lines[0] if lines else "failed")[:MAX_ERROR]
    job.status, job.finished_at, job.error = "failed", now or utcnow(), message
    return job


def get(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise JobNotFound(f"no job {job_id}")
    return job


def visible(session: Session, job_id: int, scope: Scope) -> Job:
    """The job, when `scope` may see it: the one who asked for it, the national roles, and
    whoever sees all of its work (the list, the plan, every listing). Otherwise JobNotFound, as
    for a job that does not exist: another unit's job ids cannot be probed."""
    job = session.get(Job, job_id)
    if job is not None and (
        scope.national or job.requested_by == scope.username or _work_visible(session, job, scope)
    ):
        return job
    raise JobNotFound(f"no job {job_id}")


def _work_visible(session: Session, job: Job, scope: Scope) -> bool:
    args = job.args or {}
    try:
        if job.kind == "verify_list":
            return access.visible(session, scope, "list", int(args["list_id"]))
        if job.kind == "crawl_plan":
            return access.visible(session, scope, "plan", int(args["plan_id"]))
        if job.kind == "recheck":
            access.require_visible(session, scope, "listing", list(args["listing_ids"]))
            return bool(args["listing_ids"])
    except (access.NotVisible, KeyError, TypeError, ValueError):
        return False
    return False


def recent(
    session: Session, *, requested_by: str | None = None, kind: str | None = None, limit: int = 20
) -> list[Job]:
    """The newest jobs first, of one user or kind when given."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if requested_by is not None:
        query = query.where(Job.requested_by == requested_by)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query))


# -- a runner that died ----------------------------------------------------------------------


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and not ours to judge
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: the signal said it exists
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def reap(session: Session, job: Job, *, alive=process_alive, now: datetime | None = None) -> bool:
    """A running job whose process is gone failed (killed, the machine restarted): say so
    rather than show it running forever. True when the job was marked failed now."""
    if job.status != "running" or (job.pid is not None and alive(job.pid)):
        return False
    fail(session, job.id, f"the runner (process {job.pid}) stopped before the job ended", now=now)
    return True


# -- progress --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a job is: `done` of `total` items (links, listings, spiders), and what the
    results so far say (`detail`: verdict counts, or each crawl run's figures)."""

    job: Job
    done: int
    total: int
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.job.status in ("done", "failed")


def progress(session: Session, job: Job, *, alive=process_alive) -> Progress:
    """The job's progress as the casebook shows it now; a dead runner's job is failed first
    (the caller commits that)."""
    reap(session, job, alive=alive)
    if job.kind == "verify_list":
        ids = list(session.scalars(
            select(TakedownLink.listing_id).where(TakedownLink.list_id == job.args["list_id"])
        ))  # fmt: skip
        return _listings_progress(session, job, ids)
    if job.kind == "recheck":
        return _listings_progress(session, job, list(job.args["listing_ids"]))
    if job.kind == "crawl_plan":
        return _plan_progress(session, job)
    return Progress(job, 0, 0)


def summary(session: Session, job: Job) -> dict[str, Any]:
    """What a finished job leaves as its result: its final progress."""
    done = progress(session, job, alive=lambda pid: True)
    return {"done": done.done, "total": done.total, **done.detail}


def _listings_progress(session: Session, job: Job, ids: list[int]) -> Progress:
    """Listings re-checked since the job started: a verdict sets status_checked_at; an unknown
    result on a link already down leaves its status alone but is kept in its history."""
    if job.started_at is None or not ids:
        return Progress(job, 0, len(ids), _counts({}))
    since = job.started_at
    changed = exists().where(ListingChange.listing_id == Listing.id, ListingChange.seen_at >= since)
    rows = session.execute(
        select(Listing.status, func.count())
        .where(Listing.id.in_(ids), or_(Listing.status_checked_at >= since, changed))
        .group_by(Listing.status)
    )
    counts = dict(rows.all())
    return Progress(job, sum(counts.values()), len(ids), _counts(counts))


def _counts(counts: dict[str, int]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in ("active", "nonactive", "unknown")}


# A crawl run's figures as a job shows them, from the run's Scrapy stats.
STAT_KEYS = {
    "pages": "response_received_count",
    "stored": "patroli/stored",
    "with_violations": "patroli/listings_with_hits",
    "failed": "patroli/failed_urls",
}


def _plan_progress(session: Session, job: Job) -> Progress:
    plan = session.get(PatrolPlan, job.args["plan_id"])
    total = len(plan.targets) if plan is not None else 0
    if job.started_at is None:
        return Progress(job, 0, total, {"runs": []})
    runs = session.scalars(
        select(CrawlRun)
        .where(CrawlRun.plan_id == job.args["plan_id"], CrawlRun.started_at >= job.started_at)
        .order_by(CrawlRun.id)
    ).all()
    shown = [
        {"id": run.id, "spider": run.spider, "status": run.status,
         **{name: int((run.stats or {}).get(key, 0) or 0) for name, key in STAT_KEYS.items()}}
        for run in runs
    ]  # fmt: skip
    done = sum(run.finished_at is not None for run in runs)
    return Progress(job, done, max(total, len(runs)), {"runs": shown})


def public(done: Progress) -> dict[str, Any]:
    """A job and its progress as JSON values (times ISO 8601 UTC with a Z), for the web's
    polling and the API alike."""
    job = done.job
    return {
        "id": job.id,
        "kind": job.kind,
        "args": dict(job.args),
        "status": job.status,
        "requested_by": job.requested_by,
        "requested_at": _iso(job.requested_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "error": job.error,
        "result": job.result,
        "progress": {"done": done.done, "total": done.total, **done.detail},
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
