"""`patroli demo`: the local demo marketplace, crawled, matched, cased and served.

Running it again reuses the database: listings are updated in place, never duplicated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from casebook.config import Config
from casebook.config import load as load_config
from casebook.services import findings, plans
from patroli import demo_people, demo_walk, logins
from patroli.crawling import SpiderRun, require_chromium, run_spiders
from patroli.demo import PATROL_ACCOUNT, DemoMarketplace, DemoPortInUse, build_world
from patroli.jobs import job_waker
from patroli.serving import SERVER_NAME, make_web_server, serve_until_stopped
from patroli.wiring import Casebook, open_casebook

DEMO_DATA = Path(__file__).parent.parent / "demo" / "data"
DEMO_PASSWORD = demo_people.PASSWORD
PLAN_NAME = "Patroli demo: obat, obat tradisional, kosmetik, pangan"
# What officers type: product kinds, substances sold without prescription, and the
# sellers' own selling words ("ready", "ori", "cod", "bpom") that catch the rest.
KEYWORDS = [
    "obat", "jamu", "herbal", "krim", "cream", "serum", "vitamin", "suplemen", "kapsul",
    "tablet", "kopi", "sambal", "keripik", "madu", "susu", "serbuk", "tramadol", "amoxicillin",
    "misoprostol", "alprazolam", "ready", "bpom", "ori", "cod", "grosir", "promo", "murah", "asli",
]  # fmt: skip
# Our own loopback server: no need for the delays a real marketplace deserves.
DEMO_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def step(message: str) -> None:
    click.secho(f"==> {message}", fg="cyan")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="casebook UI address")
@click.option("--port", default=8800, show_default=True, type=int, help="casebook UI port")
@click.option("--no-serve", is_flag=True, help="stop after the crawl (for scripts)")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Demo marketplace -> crawl (HTTP and browser) -> rules -> casebook -> UI."""
    config = dataclasses.replace(load_config(), allow_private=True)
    require_chromium(config)
    step(f"database {config.database_url}")
    casebook = open_casebook(migrate=True, config=config)
    demo_walk.load_registry(casebook, DEMO_DATA, step)
    plan_id = _demo_plan_and_users(casebook)
    try:
        market = DemoMarketplace(build_world()).start()
    except DemoPortInUse as error:
        raise click.ClickException(str(error)) from None
    try:
        for platform, url in market.base_urls.items():
            click.echo(f"    demo {platform}: {url}/")
        _log_in_to_ceritaku(config, market.base_urls["ceritaku"])
        try:
            step("crawling the demo marketplace (Ctrl-C stops)")
            runs = _spider_runs(plan_id, market.base_urls)
            outcomes = run_spiders(config, runs, DEMO_CRAWL_SETTINGS)
        except KeyboardInterrupt:  # Ctrl-C before the crawl took the signals: nothing ran
            outcomes = None
        if outcomes is None or any(outcome.interrupted for outcome in outcomes):
            click.echo("interrupted; what was crawled so far is kept")
            return
        for outcome in outcomes:
            if not outcome.started:
                click.echo(f"{outcome.spider} not started: {outcome.error}", err=True)
        _summary(casebook)
        try:
            demo_walk.walk(casebook, config, market, DEMO_CRAWL_SETTINGS, step)
        except KeyboardInterrupt:  # a later crawl of the walk (scheduled patrol, alerts) stopped
            click.echo("interrupted; what was crawled so far is kept")
            return
        if no_serve:
            _logins()
        else:
            _serve(config, host, port, market.base_urls)
    finally:
        market.stop()


def _log_in_to_ceritaku(config: Config, base_url: str) -> None:
    """Ceritaku shows one page of a feed to strangers, as real social sites do: the demo logs
    its patrol account in, as an officer would once with `patroli crawl login ceritaku`."""
    username, password = PATROL_ACCOUNT
    path = logins.save_login(config, "ceritaku", username, password, base_url)
    step(f"ceritaku: logged in as the patrol account {username} (state in {path})")


def _demo_plan_and_users(casebook: Casebook) -> int:
    demo_people.add_people(casebook, step)
    with casebook.sessions() as session, session.begin():
        plan = plans.save_plan(
            session,
            PLAN_NAME,
            keywords=KEYWORDS,
            targets=[
                {"spider": "marketplace", "site": "pasarku"},
                {"spider": "shop", "site": "tokosehat"},
                {"spider": "social", "site": "ceritaku"},
            ],
            categories=["obat", "obat_tradisional", "suplemen_kesehatan", "kosmetik", "pangan"],
            unit="Direktorat Siber Obat dan Makanan",
            schedule="daily 02:00",
            actor="demo",
        )
        plan_id = plan.id
    demo_people.share_plan_with_upt(casebook, plan_id, step)  # before the crawl: its finds too
    return plan_id


def _spider_runs(plan_id: int, base_urls: dict[str, str]) -> list[SpiderRun]:
    bases = {"bases": base_urls, "plan": plan_id}
    return [
        SpiderRun("marketplace", {"site": "pasarku", **bases}),
        SpiderRun("shop", {"site": "tokosehat", **bases}),
        SpiderRun("social", {"site": "ceritaku", **bases}),
    ]


def _summary(casebook: Casebook) -> None:
    with casebook.sessions() as session:
        summary = findings.summary(session)
    step(f"{summary.listings} listings in the casebook, {summary.with_hits} with violations")
    for code, count in sorted(summary.by_code.items(), key=lambda kv: -kv[1]):
        click.echo(f"    {code:22} {count}")


def _logins() -> None:
    click.echo(f"    demo logins, each with the password `{DEMO_PASSWORD}`:")
    for line in demo_people.printed():
        click.echo(f"      {line}")


def _serve(config: Config, host: str, port: int, bases: dict[str, str]) -> None:
    web = make_web_server(config, host, port)
    # "Verify now" and re-checks from the UI and the API reach the demo marketplace's ports.
    overrides = tuple(f"{name}={value}" for name, value in DEMO_CRAWL_SETTINGS.items())
    web.app.config["PATROLI_JOB_WAKER"] = job_waker(config, bases, overrides)

    def announce() -> None:  # once Ctrl-C and SIGTERM stop the server cleanly
        step(f"casebook UI: {web.url}  ({SERVER_NAME}, {web.threads} threads)")
        _logins()
        click.echo("    Ctrl-C stops everything")

    serve_until_stopped(web, announce)
