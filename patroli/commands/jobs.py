"""`patroli jobs`: run the background jobs the web and the API queue (verify a list, re-check
listings, run a plan now)."""

from __future__ import annotations

import click

from patroli.jobs import run_job, run_pending
from patroli.wiring import open_casebook


def runner_options(command):
    """What a runner passes on to the crawl: site mirrors (the demo) and Scrapy settings."""
    command = click.option(
        "-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
        help="Scrapy setting for the crawls (not for verify, which takes none)",
    )(command)  # fmt: skip
    return click.option(
        "--base", "bases", multiple=True, metavar="SITE=URL",
        help="serve a site profile from another address (a mirror, the demo)",
    )(command)  # fmt: skip


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs queued from the web and the API."""


@jobs_group.command("run")
@click.argument("job_id", type=int)
@runner_options
def run(job_id: int, bases: tuple[str, ...], settings: tuple[str, ...]) -> None:
    """Run one queued job now; exit 1 if it failed."""
    ended = run_job(open_casebook(), job_id, bases=bases, settings=settings)
    _say(ended)
    if ended.status == "failed":
        raise SystemExit(1)


@jobs_group.command("work")
@runner_options
def work(bases: tuple[str, ...], settings: tuple[str, ...]) -> None:
    """Run every queued job once, oldest first (for a server without a waker, or from cron)."""
    ended = run_pending(open_casebook(), bases=bases, settings=settings)
    for one in ended:
        _say(one)
    click.echo(f"{len(ended)} job(s) run, {sum(e.status == 'failed' for e in ended)} failed")


def _say(ended) -> None:
    why = f": {ended.error}" if ended.error else ""
    click.echo(f"job {ended.job_id} {ended.status}{why}", err=ended.status == "failed")
