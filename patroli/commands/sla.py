"""`patroli sla due`: due dates in Indonesian working days (hari kerja), as the SOP counts them."""

from __future__ import annotations

from datetime import date

import click

from casebook.sla import MUTU_BAKU, WorkingCalendar


@click.group("sla")
def sla() -> None:
    """Mutu baku: SOP stages' due dates in working days (holidays and cuti bersama excluded)."""


@sla.command("due")
@click.option("--start", "start", required=True, help="start date, YYYY-MM-DD (not counted)")
@click.option("--days", type=click.IntRange(min=0), help="number of working days (HK)")
@click.option("--stage", type=click.Choice(sorted(MUTU_BAKU)), help="an SOP stage's mutu baku")
def due(start: str, days: int | None, stage: str | None) -> None:
    """Print the DAYS-th working day after START (START not counted), as YYYY-MM-DD."""
    try:
        first = date.fromisoformat(start)
    except ValueError:
        raise click.BadParameter(
            f"not a date (YYYY-MM-DD): {start!r}", param_hint="--start"
        ) from None
    if (days is None) == (stage is None):
        raise click.UsageError("give either --days N or --stage NAME")
    click.echo(WorkingCalendar().add(first, MUTU_BAKU[stage] if stage else days).isoformat())
