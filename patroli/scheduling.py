"""Patrols on their schedules: APScheduler keeps the time, the casebook decides what runs.

Each active plan with a cron line, and the monitoring re-check, is an APScheduler job (cron in
Asia/Jakarta, coalesce, one instance at a time). A periodic sync follows the casebook, so a plan
edited, activated or closed in the UI takes effect within a minute. When a job fires, the
casebook (services.schedule) names the firing it owes — with catch-up after downtime — and
records it, so two scheduler processes never run one firing and a plan never overlaps itself.

A plan's firing runs its crawl as a casebook job, `patroli jobs run ID`, in a child process (as
the web's "run now" does); the re-check's runs `patroli crawl recheck` (the links due again).
SIGTERM or Ctrl-C stops cleanly: no new firings, the children get SIGTERM (the crawls close
what is in flight), and their runs end failed, "interrupted".
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor as Threads
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from casebook.models import utcnow
from casebook.services import schedule
from casebook.services.plans import JAKARTA, cron_fields
from patroli.jobs import runner_environment
from patroli.wiring import Casebook

DEFAULT_RECHECK = "0 6 * * *"  # the monitoring re-check: every morning, 06:00 WIB
SYNC_SECONDS = 30  # how soon a plan edited in the UI is followed
STOP_GRACE = 90  # seconds a stopped crawl may take to close what is in flight
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron's 0..6
log = logging.getLogger("patroli.scheduler")


def cron_trigger(cron: str) -> BaseTrigger:
    """An APScheduler trigger that fires when services.plans says the cron line does.

    CronTrigger.from_crontab alone would not: APScheduler 3 counts weekdays from Monday (cron's
    0 is Sunday) and requires both day fields where cron takes either. So the weekday field is
    written as names, and a line restricting both days is two triggers, either one firing."""
    minute, hour, day, month, _weekday = cron.split()
    _, _, days, _, weekdays = cron_fields(cron)
    names = "*" if len(weekdays) == 7 else ",".join(WEEKDAYS[d] for d in sorted(weekdays))
    if len(days) < 31 and len(weekdays) < 7:
        return OrTrigger([
            CronTrigger.from_crontab(f"{minute} {hour} {day} {month} *", timezone=JAKARTA),
            CronTrigger.from_crontab(f"{minute} {hour} * {month} {names}", timezone=JAKARTA),
        ])  # fmt: skip
    return CronTrigger.from_crontab(f"{minute} {hour} {day} {month} {names}", timezone=JAKARTA)


@dataclass(frozen=True)
class Fired:
    """What one firing came to: the run's id and status ("taken": another scheduler has it)."""

    key: str
    outcome: str  # started | skipped | taken | nothing
    run_id: int | None = None
    status: str = ""
    due_at: datetime | None = None
    missed: int = 0
    reason: str = ""

    def fields(self) -> dict:
        due = self.due_at.astimezone(UTC).isoformat() if self.due_at else None
        return {"key": self.key, "run_id": self.run_id, "status": self.status or self.outcome,
                "due_at": due, "missed": self.missed}  # fmt: skip

    def line(self) -> str:
        when = self.due_at.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB") if self.due_at else ""
        missed = f", stands for {self.missed} missed" if self.missed else ""
        why = f": {self.reason}" if self.reason else ""
        status = "started" if self.status == "running" else self.status
        return f"{self.key} {when}: run {self.run_id} {status}{missed}{why}"


class Scheduler:
    """The scheduler of one process: `start()` and `stop()`, or `run_once()`."""

    def __init__(
        self,
        casebook: Casebook,
        *,
        recheck: str = DEFAULT_RECHECK,
        bases: Iterable[str] = (),
        settings: Iterable[str] = (),
        runner: tuple[str, ...] = (sys.executable, "-m", "patroli"),
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.casebook, self.recheck, self.say = casebook, recheck, say
        self.passed_on = [*_pairs("--base", bases), *_pairs("-s", settings)]
        self.runner = runner
        self.started = utcnow()
        self.stopping = threading.Event()
        self.children: dict[int, subprocess.Popen] = {}  # run id -> its child process
        self.crons: dict[str, str] = {}  # key -> the cron line its APScheduler job follows
        self.aps = BackgroundScheduler(
            timezone=JAKARTA,
            executors={"default": ThreadPoolExecutor(32)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.aps.add_listener(self._overlapped, EVENT_JOB_MAX_INSTANCES)

    def tell(self, message: str, **fields) -> None:
        """Log what happened (PATROLI_LOG_FORMAT=json: the fields become fields of their own),
        and say it to whoever watches (the demo's steps)."""
        log.info(message, extra=fields)
        if self.say is not None:
            self.say(message)

    # -- what is scheduled ---------------------------------------------------------------------

    def schedules(self) -> dict[str, schedule.Schedule]:
        with self.casebook.sessions() as session:
            found = schedule.schedules(session, recheck=self.recheck, recheck_since=self.started)
        return {one.key: one for one in found}

    def start(self) -> None:
        self.aps.start()
        self.aps.add_job(self.sync, "interval", seconds=SYNC_SECONDS, id="sync",
                         next_run_time=datetime.now(JAKARTA))  # fmt: skip

    def sync(self) -> None:
        """Follow the casebook: a job per schedule, added, changed or removed. A new job fires
        at once, so what was missed while the scheduler was down is caught up."""
        if self.stopping.is_set():
            return
        wanted = self.schedules()
        for key in set(self.crons) - set(wanted):
            self.aps.remove_job(key)
            self.tell(f"{key}: no longer scheduled", key=key)
            del self.crons[key]
        for key, one in wanted.items():
            if self.crons.get(key) == one.cron:
                continue
            if key in self.crons:
                self.aps.reschedule_job(key, trigger=cron_trigger(one.cron))
            else:
                self.aps.add_job(self.fire, cron_trigger(one.cron), args=[key], id=key,
                                 name=key, next_run_time=datetime.now(JAKARTA))  # fmt: skip
            self.crons[key] = one.cron
            upcoming = schedule.next_firings(one.cron, 1)
            when = upcoming[0].strftime("%Y-%m-%d %H:%M WIB") if upcoming else "never"
            self.tell(f"{key}: scheduled '{one.cron}', next {when}", key=key, schedule=one.cron)

    # -- firing --------------------------------------------------------------------------------

    def fire(self, key: str) -> Fired:
        """Run the firing `key` owes now, if any, to its end."""
        if self.stopping.is_set():
            return Fired(key, "nothing")
        found = self.schedules().get(key)
        with self.casebook.sessions() as session, session.begin():
            firing = schedule.due(session, found) if found else None
            if firing is None:
                return Fired(key, "nothing")
            begun = schedule.begin(session, firing)
            run = begun.run
            shown = Fired(key, begun.outcome, run and run.id, run.status if run else "",
                          firing.due_at, firing.missed, run.reason if run else "")  # fmt: skip
            job_id = run.job_id if run else None
        if begun.outcome != "started":
            self.tell(
                shown.line() if run else f"{key}: taken by another scheduler", **shown.fields()
            )
            return shown
        self.tell(shown.line(), **shown.fields())
        return self._run(shown, firing, job_id)

    def _run(self, shown: Fired, firing: schedule.Firing, job_id: int | None) -> Fired:
        run_id = shown.run_id
        try:
            if firing.kind == "crawl_plan":
                self._child(run_id, ["jobs", "run", str(job_id)], f"jobs/{job_id}.log")
                with self.casebook.sessions() as session, session.begin():
                    run = schedule.finish_from_job(session, run_id,
                                                   interrupted=self.stopping.is_set())  # fmt: skip
                    status, reason = run.status, run.reason
            else:
                code, tail = self._child(run_id, ["crawl", "recheck"],
                                         f"scheduler/recheck-{run_id}.log")  # fmt: skip
                with self.casebook.sessions() as session, session.begin():
                    run = schedule.finish_recheck(session, run_id, code, error=tail,
                                                  interrupted=self.stopping.is_set())  # fmt: skip
                    status, reason = run.status, run.reason
        except Exception as error:  # a bug or a lost database must not leave the run "running"
            log.exception("scheduled run %s", run_id)
            status, reason = "failed", f"{type(error).__name__}: {error}"
            with self.casebook.sessions() as session, session.begin():
                schedule.finish(session, run_id, status, reason=reason)
        ended = Fired(shown.key, shown.outcome, run_id, status, shown.due_at, shown.missed, reason)
        self.tell(ended.line(), **ended.fields())
        return ended

    def _child(self, run_id: int, args: list[str], log_name: str) -> tuple[int, str]:
        """Run `patroli ARGS` in a session of its own (a terminal's Ctrl-C reaches us, and we
        pass it on), its output kept in the data dir; (exit status, its last line)."""
        config = self.casebook.config
        path = Path(config.data_dir) / log_name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as output:
            child = subprocess.Popen(
                [*self.runner, *args, *self.passed_on], env=runner_environment(config),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.children[run_id] = child
        try:
            with self.casebook.sessions() as session, session.begin():
                schedule.started_child(session, run_id, child.pid)
            if self.stopping.is_set():  # stopped while it was being started
                child.terminate()
            code = child.wait()
        finally:
            self.children.pop(run_id, None)
        lines = path.read_text(errors="replace").strip().splitlines()
        return code, (lines[-1] if lines and code else "")

    def _overlapped(self, event: JobSubmissionEvent) -> None:
        """APScheduler did not start a firing: the key's last one still runs in this process."""
        found = self.schedules().get(event.job_id)
        if found is None:
            return
        with self.casebook.sessions() as session, session.begin():
            firing = schedule.due(session, found)
            if firing is None:
                return
            begun = schedule.skip(session, firing, "the previous run of this schedule is still "
                                  "going in this scheduler")  # fmt: skip
            if begun.run is not None:
                self.tell(f"{event.job_id}: skipped run {begun.run.id}: {begun.run.reason}",
                          key=event.job_id, run_id=begun.run.id, status="skipped")  # fmt: skip

    # -- stopping, and once --------------------------------------------------------------------

    def interrupt(self) -> None:
        """No new firings; the running children are asked to stop (safe in a signal handler)."""
        self.stopping.set()
        for child in list(self.children.values()):
            with contextlib.suppress(OSError):
                child.terminate()

    def stop(self) -> None:
        """Stop cleanly: no new firings, children stopped (killed after STOP_GRACE), every run
        this process began ended."""
        self.interrupt()
        if self.aps.running:
            self.aps.pause()
        for child in list(self.children.values()):
            try:
                child.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                _kill_group(child)
        if self.aps.running:
            self.aps.shutdown(wait=True)

    def run_once(self, keys: Iterable[str] | None = None) -> list[Fired]:
        """Fire what is due now (with catch-up), all together, and wait for them."""
        wanted = list(keys) if keys is not None else list(self.schedules())
        if not wanted:
            return []
        with Threads(max_workers=len(wanted), thread_name_prefix="once") as pool:
            return list(pool.map(self.fire, wanted))


def serve_until_stopped(scheduler: Scheduler) -> None:
    """Run until SIGTERM or Ctrl-C, then stop cleanly."""
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
        while not stop.wait(1):
            pass
    finally:
        scheduler.tell("stopping: no new firings, running crawls are asked to stop")
        scheduler.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def once_until_done(scheduler: Scheduler, keys: Iterable[str] | None = None) -> list[Fired]:
    """`run_once`, where SIGTERM or Ctrl-C stops the children (their runs end interrupted)."""
    previous = {s: signal.signal(s, lambda *_: scheduler.interrupt())
                for s in (signal.SIGTERM, signal.SIGINT)}  # fmt: skip
    try:
        return scheduler.run_once(keys)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _pairs(option: str, values: Iterable[str] | Mapping[str, str]) -> list[str]:
    if isinstance(values, Mapping):
        values = [f"{name}={value}" for name, value in values.items()]
    return [part for value in values for part in (option, value)]


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
