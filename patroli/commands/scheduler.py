"""`patroli scheduler`: runs patrol plans on their schedules (being built)."""

from __future__ import annotations

import click


@click.group("scheduler")
def scheduler() -> None:
    """Run patrol plans and the monitoring re-checks on their schedules."""
