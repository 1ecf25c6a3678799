"""`patroli scheduler`: run patrol plans and the monitoring re-checks on their schedules, and
show what ran and what runs next."""

from __future__ import annotations

import click

from casebook.services import access, schedule, schedule_history
from casebook.services.access import Scope
from casebook.services.plans import JAKARTA, normalize_schedule
from patroli import logs
from patroli.commands.jobs import runner_options
from patroli.scheduling import DEFAULT_RECHECK, Scheduler, once_until_done, serve_until_stopped
from patroli.wiring import open_casebook

NATIONAL = Scope("scheduler", "admin")  # the command line reads every unit's history


def _cron(ctx, param, value: str) -> str:
    try:
        return normalize_schedule(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def recheck_option(command):
    return click.option(
        "--recheck-schedule", default=DEFAULT_RECHECK, show_default=True, metavar="CRON",
        callback=_cron, help="when the monitoring re-check runs (WIB); '' for never",
    )(command)  # fmt: skip


@click.group("scheduler")
def scheduler() -> None:
    """Run patrol plans and the monitoring re-checks on their schedules."""


@scheduler.command("run")
@click.option("--once", is_flag=True, help="fire what is due now (with catch-up), wait, exit")
@recheck_option
@runner_options
def run(once: bool, recheck_schedule: str, bases: tuple[str, ...], settings: tuple[str, ...]):
    """Run every active plan with a schedule, and the re-check, until SIGTERM or Ctrl-C. After
    downtime a schedule runs once for what it missed; a run still going is never overlapped."""
    logs.configure()  # each firing is a log line (PATROLI_LOG_FORMAT=json: one JSON object)
    casebook = open_casebook()
    runner = Scheduler(casebook, recheck=recheck_schedule, bases=bases, settings=settings)
    if not once:
        click.echo(f"scheduler started ({len(runner.schedules())} schedule(s)); SIGTERM stops it")
        serve_until_stopped(runner)
        click.echo("scheduler stopped")
        return
    ended = once_until_done(runner)
    fired = [f for f in ended if f.outcome in ("started", "skipped")]
    failed = [f for f in fired if f.status == "failed"]
    taken = sum(f.outcome == "taken" for f in ended)
    click.echo(f"{len(fired)} firing(s), {len(failed)} failed"
               + (f", {taken} taken by another scheduler" if taken else ""))  # fmt: skip
    if failed:
        raise SystemExit(1)


@scheduler.command("history")
@click.option("--plan", "plan_id", type=int, help="only this plan's runs")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
def history(plan_id: int | None, limit: int) -> None:
    """The scheduled runs, newest first: due (WIB), status, missed firings, job, crawl runs."""
    casebook = open_casebook()
    with casebook.sessions() as session:
        where = access.plan_condition(NATIONAL)
        found = schedule_history.history(session, where, national=True, plan_id=plan_id,
                                         newest_first=True, limit=limit)  # fmt: skip
        shown = [(run, schedule_history.public(run)) for run in found]
    if not shown:
        click.echo("no scheduled runs yet")
    for run, fields in shown:
        extra = [f"missed {run.missed}" if run.missed else "",
                 f"job {run.job_id}" if run.job_id else "",
                 "crawl runs " + ",".join(map(str, fields["crawl_run_ids"]))
                 if fields["crawl_run_ids"] else "", run.reason]  # fmt: skip
        click.echo(f"{run.id:>5} {run.key:<10} {_wib(run.due_at)}  {run.status:<8} "
                   + "  ".join(x for x in extra if x))  # fmt: skip


def _wib(moment) -> str:
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB")


@scheduler.command("next")
@click.option("--count", type=click.IntRange(1, 50), default=3, show_default=True)
@recheck_option
def next_firings(count: int, recheck_schedule: str) -> None:
    """Each schedule's next firings (WIB)."""
    casebook = open_casebook()
    with casebook.sessions() as session:
        found = schedule.schedules(session, recheck=recheck_schedule)
    if not found:
        click.echo("nothing scheduled (a plan runs on its schedule while it is active)")
    for one in found:
        times = ", ".join(at.strftime("%Y-%m-%d %H:%M") for at in
                          schedule.next_firings(one.cron, count))  # fmt: skip
        click.echo(f"{one.key:<10} '{one.cron}': {times or 'never'} WIB")
