"""`patroli plans`: patrol plans (SOP step 1) — add, list, show, move along, and their runs."""

from __future__ import annotations

import json
from datetime import date

import click

from casebook.models import CLASSIFICATIONS, PLAN_STATUSES, utcnow
from casebook.services import calendar, plans
from patroli.wiring import open_casebook

ACTOR_HELP = "who acts (recorded in the audit trail)"


def _in_casebook(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session)
    except plans.PlanError as error:
        raise click.ClickException(str(error)) from None


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=option) from None


def _target(value: str) -> dict[str, str]:
    """SPIDER:SITE (a site profile) or SPIDER:URL."""
    spider, sep, where = value.partition(":")
    if not sep or not spider or not where:
        raise click.BadParameter(
            f"{value!r} is not SPIDER:SITE or SPIDER:URL", param_hint="--target"
        )
    key = "url" if where.startswith(("http://", "https://", "//")) else "site"
    return {"spider": spider, key: where.removeprefix("//") if key == "site" else where}


@click.group("plans")
def plans_group() -> None:
    """Patrol plans (SOP step 1, mutu baku 5 HK): what to look for, where, when, by whom."""


@plans_group.command("add")
@click.argument("name")
@click.option("--risk-basis", default="", help="the risk assessment (kajian risiko) it rests on")
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(plans.PRODUCT_CATEGORIES),
    help="product category (repeat)",
)
@click.option("--keyword", "keywords", multiple=True, required=True, help="search word (repeat)")
@click.option("--target", "targets", multiple=True, help="SPIDER:SITE or SPIDER:URL (repeat)")
@click.option("--schedule", default="", help='cron line in Asia/Jakarta time, e.g. "0 2 * * 1-5"')
@click.option("--unit", default="", help="Dit. Siber (default) or the UPT's name")
@click.option("--classification", type=click.Choice(CLASSIFICATIONS), default="biasa",
              show_default=True)  # fmt: skip
@click.option("--start", "period_start", help="first day of the patrol period, YYYY-MM-DD")
@click.option("--end", "period_end", help="last day of the patrol period, YYYY-MM-DD")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def add(name: str, targets: tuple[str, ...], period_start: str | None, period_end: str | None,
        actor: str, **fields) -> None:  # fmt: skip
    """Save a plan as a draft (the same name again updates it). Prints its id."""
    start, end = _date(period_start, "--start"), _date(period_end, "--end")
    parsed = [_target(t) for t in targets]
    plan_id = _in_casebook(lambda s: plans.save_plan(
        s, name, keywords=list(fields.pop("keywords")), targets=parsed,
        categories=list(fields.pop("categories")), period_start=start, period_end=end,
        actor=actor, **fields).id)  # fmt: skip
    click.echo(f"plan {plan_id} saved: {name}")


@plans_group.command("list")
@click.option("--status", type=click.Choice(PLAN_STATUSES))
@click.option("--unit", default="", help="only this unit's plans")
def list_plans(status: str | None, unit: str) -> None:
    """Plans as JSON lines."""
    rows = _in_casebook(lambda s: [_shown(s, p) for p in plans.list_plans(s, status=status,
                                                                           unit=unit)])  # fmt: skip
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


@plans_group.command("show")
@click.argument("plan_id", type=int)
def show(plan_id: int) -> None:
    """One plan as JSON, with its planning due date (5 HK) and next scheduled run."""
    row = _in_casebook(lambda s: _shown(s, plans.get_plan(s, plan_id)))
    click.echo(json.dumps(row, ensure_ascii=False, indent=1))


@plans_group.command("runs")
@click.argument("plan_id", type=int)
def runs(plan_id: int) -> None:
    """The crawl runs the plan produced, as JSON lines with their figures."""
    rows = _in_casebook(lambda s: [run.public() for run in plans.plan_runs(s, plan_id)])
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def _mover(status: str, verb: str):
    @plans_group.command(
        verb, help=f"Mark the plan {status} (draft -> approved -> active -> closed)."
    )
    @click.argument("plan_id", type=int)
    @click.option("--actor", default="cli", help=ACTOR_HELP)
    def move(plan_id: int, actor: str) -> None:
        plan = _in_casebook(lambda s: plans.set_status(s, plan_id, status, actor=actor))
        click.echo(f"plan {plan.id} {plan.status}")

    return move


approve = _mover("approved", "approve")
activate = _mover("active", "activate")
close = _mover("closed", "close")


def _shown(session, plan) -> dict:
    row = plans.public(plan, calendar.working_calendar(session))
    upcoming = plans.next_run(plan.schedule, utcnow()) if plan.status == "active" else None
    row["next_run"] = upcoming.isoformat() if upcoming else None
    return row
