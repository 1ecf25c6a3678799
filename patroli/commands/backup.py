"""`patroli backup` and `patroli restore` (being built)."""

from __future__ import annotations

import click


@click.command("backup")
def backup() -> None:
    """Back up the casebook and its evidence files."""
    raise click.ClickException("not built yet")


@click.command("restore")
def restore() -> None:
    """Restore a backup made by `patroli backup`."""
    raise click.ClickException("not built yet")
