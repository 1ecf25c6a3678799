"""`patroli sla`: due dates in Indonesian working days (hari kerja), as the SOP counts them, and
the office's holiday overrides (`patroli sla holidays`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from casebook import config as config_module
from casebook.services import calendar
from casebook.sla import MUTU_BAKU, WorkingCalendar
from patroli.wiring import open_casebook


def _day(value: str, hint: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=hint) from None


@click.group("sla")
def sla() -> None:
    """Mutu baku: SOP stages' due dates in working days (holidays and cuti bersama excluded)."""


@sla.command("due")
@click.option("--start", "start", required=True, help="start date, YYYY-MM-DD (not counted)")
@click.option("--days", type=click.IntRange(min=0), help="number of working days (HK)")
@click.option("--stage", type=click.Choice(sorted(MUTU_BAKU)), help="an SOP stage's mutu baku")
def due(start: str, days: int | None, stage: str | None) -> None:
    """Print the DAYS-th working day after START (START not counted), as YYYY-MM-DD. The
    casebook's holiday overrides apply when there is a casebook."""
    first = _day(start, "--start")
    if (days is None) == (stage is None):
        raise click.UsageError("give either --days N or --stage NAME")
    click.echo(_calendar().add(first, MUTU_BAKU[stage] if stage else days).isoformat())


def _calendar() -> WorkingCalendar:
    """The casebook's calendar; the package's alone when no casebook has been made yet (a
    date sum creates no database)."""
    url = make_url(config_module.load().database_url)
    if url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or not Path(url.database).exists()
    ):
        return WorkingCalendar()
    casebook = open_casebook()
    with casebook.sessions() as session:
        return calendar.working_calendar(session)


@sla.group("holidays")
def holidays_group() -> None:
    """The office's corrections of the holiday calendar (cuti bersama decreed after the
    package): days declared off, or working after all."""


@holidays_group.command("add")
@click.argument("day")
@click.option("--off/--working", "off", required=True, help="the day is off, or a working day")
@click.option("--name", default="", help='why, e.g. "Cuti bersama Idul Fitri (SKB 2027)"')
@click.option("--actor", default="cli", help="who declares it (recorded in the audit trail)")
def add(day: str, off: bool, name: str, actor: str) -> None:
    """Declare DAY (YYYY-MM-DD) off or working; declaring it again replaces the first."""
    when = _day(day, "DAY")
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            calendar.set_override(session, when, off=off, name=name, actor=actor)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{when.isoformat()} declared {'off' if off else 'working'}")


@holidays_group.command("remove")
@click.argument("day")
@click.option("--actor", default="cli", help="who removes it (recorded in the audit trail)")
def remove(day: str, actor: str) -> None:
    """Go back to the package's calendar for DAY."""
    when = _day(day, "DAY")
    casebook = open_casebook()
    with casebook.sessions() as session, session.begin():
        removed = calendar.remove_override(session, when, actor=actor)
    if not removed:
        raise click.ClickException(f"no override for {when.isoformat()}")
    click.echo(f"{when.isoformat()} override removed")


@holidays_group.command("list")
@click.option("--year", type=int, help="only this year")
def list_overrides(year: int | None) -> None:
    """The overrides, one a line: DAY<TAB>off|working<TAB>NAME."""
    since, until = (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)
    casebook = open_casebook()
    with casebook.sessions() as session:
        for override in calendar.list_overrides(session, since=since, until=until):
            state = "off" if override.off else "working"
            click.echo(f"{override.day.isoformat()}\t{state}\t{override.name}")
