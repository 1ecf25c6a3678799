"""`patroli crawl ...`: run spiders against the configured casebook, with progress."""

from __future__ import annotations

import click

from casebook.models import PatrolPlan
from patroli.crawling import SpiderRun, run_spiders
from patroli.wiring import open_casebook


@click.group("crawl")
def crawl() -> None:
    """Crawl marketplaces, shops and social media (SOP step 2) and re-check links."""


def _run(runs: list[SpiderRun], jobdir: str | None = None) -> None:
    casebook = open_casebook()
    overrides = {"JOBDIR": jobdir} if jobdir else {}
    outcomes = run_spiders(casebook.config, runs, overrides)
    for outcome in outcomes:
        stats = outcome.stats
        click.echo(
            f"{outcome.spider}: {outcome.reason}; {stats.get('response_received_count', 0)} pages, "
            f"{stats.get('patroli/stored', 0)} stored, "
            f"{stats.get('patroli/listings_with_hits', 0)} with violations, "
            f"{stats.get('patroli/failed_urls', 0)} failed"
        )
    if any(o.interrupted for o in outcomes):
        raise SystemExit(130)


@crawl.command("run")
@click.argument("spider")
@click.option("-a", "arguments", multiple=True, metavar="NAME=VALUE", help="spider argument")
@click.option("--jobdir", help="resumable crawl state (a killed crawl continues from here)")
def run(spider: str, arguments: tuple[str, ...], jobdir: str | None) -> None:
    """Run one spider (marketplace, shop, social, urls, recheck)."""
    parsed = {}
    for argument in arguments:
        name, sep, value = argument.partition("=")
        if not sep:
            raise click.BadParameter(f"{argument!r} is not NAME=VALUE", param_hint="-a")
        parsed[name] = value
    _run([SpiderRun(spider, parsed)], jobdir)


@crawl.command("urls")
@click.argument("source", metavar="FILE|-")
@click.option("--jobdir", help="resumable crawl state")
def urls(source: str, jobdir: str | None) -> None:
    """Fetch ad-hoc URLs (one per line; `-` reads stdin) with evidence."""
    _run([SpiderRun("urls", {"file": source})], jobdir)


@crawl.command("plan")
@click.argument("plan_id", type=int)
@click.option("--jobdir", help="resumable crawl state")
def plan(plan_id: int, jobdir: str | None) -> None:
    """Run the spiders a patrol plan names, with its keywords."""
    casebook = open_casebook()
    with casebook.sessions() as session:
        found = session.get(PatrolPlan, plan_id)
        if found is None:
            raise click.ClickException(f"no patrol plan {plan_id}")
        targets = list(found.targets)
    runs = [
        SpiderRun(
            target["spider"],
            {"plan": plan_id, **{k: v for k, v in target.items() if k != "spider"}},
        )
        for target in targets
    ]
    if not runs:
        raise click.ClickException(f"patrol plan {plan_id} names no targets")
    _run(runs, jobdir)


@crawl.command("recheck")
@click.option("--ids", default="", help="listing ids, comma-separated")
@click.option("--status", type=click.Choice(["active", "nonactive"]), help="only these")
@click.option("--platform", default="", help="only this platform")
def recheck(ids: str, status: str | None, platform: str) -> None:
    """Re-check known links: still up (active) or gone (nonactive)?"""
    _run([SpiderRun("recheck", {"ids": ids, "status": status or "", "platform": platform})])
