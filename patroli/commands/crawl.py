"""`patroli crawl ...`: run spiders against the configured casebook, with progress."""

from __future__ import annotations

import tempfile

import click

from casebook.config import load as load_config
from casebook.models import PatrolPlan
from patroli import logins
from patroli.crawling import SpiderRun, run_spiders
from patroli.wiring import open_casebook


@click.group("crawl")
def crawl() -> None:
    """Crawl marketplaces, shops and social media (SOP step 2) and re-check links."""


def crawl_options(command):
    """Options every crawl command takes: resumable state, setting overrides, site mirrors."""
    command = click.option(
        "--jobdir", help="resumable crawl state: a killed crawl continues from here"
    )(command)
    command = click.option(
        "-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting"
    )(command)
    return click.option(
        "--base", "bases", multiple=True, metavar="SITE=URL",
        help="serve a site profile from another address (a mirror, the demo)",
    )(command)  # fmt: skip


def queue_options(command):
    """A crawl shared through Redis: this process, N-1 more here, and any on other machines."""
    command = click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
        help="crawl processes on this machine working the queue (needs --queue)",
    )(command)  # fmt: skip
    return click.option(
        "--queue", metavar="NAME",
        help="work the shared crawl queue NAME in PATROLI_REDIS_URL; the same command on "
        "other machines joins it",
    )(command)  # fmt: skip


def _queue_overrides(config, queue: str | None, workers: int, jobdir: str | None) -> dict:
    """The settings of a shared crawl, or a one-line refusal."""
    if queue is None and workers == 1:
        return {}
    if not config.redis_url:
        raise click.ClickException(
            "--queue and --workers need PATROLI_REDIS_URL (a Redis every worker reaches)"
        )
    if queue is None:
        raise click.ClickException("--workers needs --queue NAME (the queue they share)")
    if jobdir:
        raise click.ClickException(
            "--jobdir and --queue do not go together: the queue keeps the crawl's state"
        )
    from crawler.distributed import queue_keys

    try:
        queue_keys(queue)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _reach_redis(config.redis_url)
    return {"PATROLI_QUEUE": queue}


def _reach_redis(url: str) -> None:
    """A Redis that does not answer is one line naming it (without its password)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10)
    except ValueError as error:
        raise click.ClickException(f"PATROLI_REDIS_URL: {error}") from None
    found = client.get_connection_kwargs()
    where = found.get("path") or f"{found.get('host')}:{found.get('port')}/{found.get('db', 0)}"
    try:
        client.ping()
    except redis.RedisError as error:
        raise click.ClickException(f"Redis at {where} does not answer: {error}") from None
    finally:
        client.close()


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint=option)
        pairs[name] = rest
    return pairs


def _run(runs: list[SpiderRun], jobdir=None, settings=(), bases=(), queue=None, workers=1):
    overrides = _pairs(settings, "-s")
    config = load_config()
    overrides.update(_queue_overrides(config, queue, workers, jobdir))  # refused before anything
    casebook = open_casebook(config=config)
    if jobdir:
        overrides["JOBDIR"] = jobdir
    site_bases = _pairs(bases, "--base")
    if site_bases:
        runs = [SpiderRun(r.spider, {"bases": site_bases, **r.arguments}) for r in runs]
    outcomes = run_spiders(casebook.config, runs, overrides, workers=workers)
    for outcome in outcomes:
        if not outcome.started:
            continue
        stats = outcome.stats
        click.echo(
            f"{outcome.spider}: {outcome.reason}{_by_worker(outcome.workers)}; "
            f"{stats.get('response_received_count', 0)} pages, "
            f"{stats.get('patroli/stored', 0)} stored, "
            f"{stats.get('patroli/listings_with_hits', 0)} with violations, "
            f"{stats.get('patroli/failed_urls', 0)} failed" + _verdicts(stats)
        )
    if any(o.interrupted for o in outcomes):
        raise SystemExit(130)
    refused = [f"{o.spider} not started: {o.error}" for o in outcomes if not o.started]
    if refused:
        raise click.ClickException("; ".join(refused))


def _by_worker(reasons: list[str]) -> str:
    """How each local worker ended, when they did not all finish alike."""
    if len(set(reasons)) <= 1:
        return f" ({len(reasons)} workers)" if reasons else ""
    return " (workers: " + ", ".join(reasons) + ")"


def _verdicts(stats: dict) -> str:
    """A re-check's verdicts, when the crawl was one."""
    counts = {v: stats.get(f"patroli/recheck/{v}", 0) for v in ("active", "nonactive", "unknown")}
    if not any(counts.values()):
        return ""
    return "; re-checked: " + ", ".join(f"{n} {verdict}" for verdict, n in counts.items())


@crawl.command("run")
@click.argument("spider")
@click.option("-a", "arguments", multiple=True, metavar="NAME=VALUE", help="spider argument")
@crawl_options
@queue_options
def run(spider: str, arguments: tuple[str, ...], **options) -> None:
    """Run one spider (marketplace, shop, social, urls, recheck)."""
    _run([SpiderRun(spider, _pairs(arguments, "-a"))], **options)


@crawl.command("urls")
@click.argument("source", metavar="FILE|-")
@crawl_options
@queue_options
def urls(source: str, **options) -> None:
    """Fetch ad-hoc URLs (one per line; `-` reads stdin) with evidence."""
    if source != "-" or options["workers"] == 1:
        _run([SpiderRun("urls", {"file": source})], **options)
        return
    # Several workers cannot share one stdin: they read a copy of it.
    with tempfile.NamedTemporaryFile("w", prefix="patroli-urls-", suffix=".txt") as copy:
        copy.write(click.get_text_stream("stdin").read())
        copy.flush()
        _run([SpiderRun("urls", {"file": copy.name})], **options)


@crawl.command("plan")
@click.argument("plan_id", type=int)
@crawl_options
@queue_options
def plan(plan_id: int, **options) -> None:
    """Run the spiders a patrol plan names, with its keywords."""
    casebook = open_casebook()
    with casebook.sessions() as session:
        found = session.get(PatrolPlan, plan_id)
        if found is None:
            raise click.ClickException(f"no patrol plan {plan_id}")
        if found.status == "closed":
            raise click.ClickException(f"patrol plan {plan_id} ({found.name}) is closed")
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
    _run(runs, **options)


@crawl.command("recheck")
@click.option("--ids", default="", help="listing ids, comma-separated (checked now)")
@click.option("--status", type=click.Choice(["active", "nonactive", "unknown"]), help="only these")
@click.option("--platform", default="", help="only this platform")
@click.option(
    "--ignore-backoff", is_flag=True, help="also links not due again after an unknown result"
)
@crawl_options
def recheck(ids: str, status: str | None, platform: str, ignore_backoff: bool, **options) -> None:
    """Re-check known links: still up (active), gone (nonactive), or unknown (a bot block, a
    wall, a timeout: tried again after 1 h, 4 h, then daily). Without --ids, links still
    backing off are left for later."""
    arguments = {"ids": ids, "status": status or "", "platform": platform}
    if ignore_backoff:
        arguments["due"] = "0"
    _run([SpiderRun("recheck", arguments)], **options)


@crawl.command("login")
@click.argument("site")
@click.option("--username", help="the patrol account's user name (asked when missing)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--base", "bases", multiple=True, metavar="SITE=URL",
              help="serve a site profile from another address (a mirror, the demo)")  # fmt: skip
@click.option("--forget", is_flag=True, help="delete the saved login state instead")
def login(site: str, username: str | None, password_stdin: bool, bases: tuple, forget: bool):
    """Log the patrol account in to SITE once; later crawls of SITE read as that account."""
    config = load_config()
    if forget:
        gone = logins.forget_login(config, site)
        click.echo(f"{site}: login state deleted" if gone else f"{site}: no saved login state")
        return
    username = username or click.prompt("user name")
    password = (
        click.get_text_stream("stdin").readline().rstrip("\n")
        if password_stdin
        else click.prompt("password", hide_input=True)
    )
    base = _pairs(bases, "--base").get(site)
    path = logins.save_login(config, site, username, password, base)
    click.echo(f"{site}: logged in as {username}; state saved to {path} (keep it private)")
