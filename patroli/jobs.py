"""Running the casebook's background jobs, and waking a runner when the web asks for one.

A job runs the very command an officer would type — `patroli takedown verify`, `patroli crawl
recheck --ids`, `patroli crawl plan` — in this process: the crawl itself already runs in a
child process of its own (patroli.crawling), so no Twisted reactor is started here and
`patroli jobs work` can run one job after another.

The web app may not import the crawler or these commands; the composition root hands it a
waker (`job_waker`) that starts `patroli jobs run ID` as a detached process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import click

from casebook.config import Config
from casebook.db import make_engine, make_session_factory
from casebook.services import jobs
from patroli.wiring import Casebook


@dataclass(frozen=True)
class Ended:
    job_id: int
    status: str  # done | failed
    error: str | None = None


def run_job(
    casebook: Casebook, job_id: int, *, bases: tuple[str, ...] = (), settings: tuple[str, ...] = ()
) -> Ended:
    """Claim the job, run its command, record how it ended. A job another runner took already
    is a one-line error (click.ClickException)."""
    try:
        with casebook.sessions() as session, session.begin():
            job = jobs.claim(session, job_id, os.getpid())
            kind, args, actor = job.kind, dict(job.args), job.requested_by
    except jobs.JobError as error:
        raise click.ClickException(str(error)) from None
    error = _run_command(kind, args, actor, bases, settings)
    with casebook.sessions() as session, session.begin():
        if error is None:
            jobs.finish(session, job_id, jobs.summary(session, jobs.get(session, job_id)))
        else:
            jobs.fail(session, job_id, error)
    return Ended(job_id, "done" if error is None else "failed", error)


def _run_command(kind: str, args: dict, actor: str, bases, settings) -> str | None:
    """None when the command succeeded, else why it did not, in one line."""
    try:
        command, params = _command(kind, args, actor, bases, settings)
        click.get_current_context().invoke(command, **params)
    except click.ClickException as error:
        return error.format_message()
    except SystemExit as stop:  # a crawl stopped by Ctrl-C or SIGTERM exits 130
        if stop.code in (0, None):
            return None
        return "interrupted" if stop.code == 130 else f"exited with status {stop.code}"
    except Exception as error:  # a bug must not leave the job running: say it, keep the trace
        traceback.print_exc()
        return f"{type(error).__name__}: {error}"
    return None


def _command(kind: str, args: dict, actor: str, bases, settings):
    """The click command and its parameters for one job; its arguments were checked when it
    was queued, but the casebook may have changed since (the command says so if it did)."""
    from patroli.commands import casework, crawl  # here: `patroli jobs` loads them when it runs

    if kind == "verify_list":
        return casework.verify, {"list_id": int(args["list_id"]), "actor": actor, "bases": bases}
    crawling = {"bases": bases, "settings": settings}
    if kind == "recheck":
        ids = ",".join(str(int(i)) for i in args["listing_ids"])
        return crawl.recheck, {"ids": ids, **crawling}
    if kind == "crawl_plan":
        return crawl.plan, {"plan_id": int(args["plan_id"]), **crawling}
    raise click.ClickException(f"job kind {kind!r} is not one this Patroli runs")


def run_pending(casebook: Casebook, **options) -> list[Ended]:
    """Run every queued job once, oldest first (jobs queued meanwhile too); a job another
    runner claimed first is skipped."""
    ended = []
    while True:
        with casebook.sessions() as session:
            job_id = jobs.next_queued(session)
        if job_id is None:
            return ended
        try:
            ended.append(run_job(casebook, job_id, **options))
        except click.ClickException:
            continue  # another runner won the race for it


# -- the web's waker ---------------------------------------------------------------------------


@dataclass
class JobWaker:
    """Starts `patroli jobs run ID` detached from the web server: the job outlives a request,
    and a restarted server leaves it running. Site overrides (`--base site=URL`, as for the
    demo marketplace) and crawl settings pass through."""

    config: Config
    bases: Mapping[str, str] = field(default_factory=dict)
    settings: tuple[str, ...] = ()
    runner: tuple[str, ...] = (sys.executable, "-m", "patroli")  # how to start `patroli`

    def __call__(self, job_id: int) -> None:
        command = [*self.runner, "jobs", "run", str(job_id)]
        for site, url in self.bases.items():
            command += ["--base", f"{site}={url}"]
        for setting in self.settings:
            command += ["-s", setting]
        log = self.config.data_dir / "jobs" / f"{job_id}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            child = subprocess.Popen(
                command, env=runner_environment(self.config), stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        watcher = threading.Thread(target=self._watch, args=(child, job_id, log),
                                   name=f"job-{job_id}", daemon=True)  # fmt: skip
        watcher.start()

    def _watch(self, child: subprocess.Popen, job_id: int, log) -> None:
        """Reap the runner when it ends (a zombie would look alive), and fail the job if the
        runner died before claiming it (a broken install, a bad environment): otherwise it
        would wait for `patroli jobs work` with nobody knowing why."""
        if child.wait() == 0:
            return
        engine = make_engine(self.config.database_url)
        try:
            with make_session_factory(engine)() as session, session.begin():
                job = jobs.get(session, job_id)
                if job.status == "queued":
                    jobs.fail(session, job_id, f"the runner exited with status "
                              f"{child.returncode} before it started; see {log}")  # fmt: skip
        finally:
            engine.dispose()


def job_waker(
    config: Config, bases: Mapping[str, str] | None = None, settings: tuple[str, ...] = ()
) -> Callable[[int], None]:
    return JobWaker(config, dict(bases or {}), tuple(settings))


def runner_environment(config: Config) -> dict[str, str]:
    """The web's configuration, for a runner that loads its own from the environment: the
    same database and data dir, and private addresses allowed if the web allows them (the
    demo marketplace runs on loopback)."""
    env = dict(os.environ)
    env.update({
        "PATROLI_DATA_DIR": str(config.data_dir),
        "PATROLI_DATABASE_URL": config.database_url,
        "PATROLI_ALLOW_PRIVATE": "1" if config.allow_private else "0",
    })  # fmt: skip
    if config.chromium:
        env["PATROLI_CHROMIUM"] = config.chromium
    return env
