"""`patroli registry import` and `patroli warnings import`: upsert CSV files into the casebook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from patroli.progress import count_rows, progress
from patroli.wiring import open_casebook


@click.group("registry")
def registry() -> None:
    """The NIE registry (Cek BPOM style CSV)."""


@click.group("warnings")
def warnings() -> None:
    """The public-warning list (CSV)."""


@registry.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_registry(path: Path) -> None:
    """Upsert registry rows by NIE; bad rows are reported by line, good rows kept."""
    _import(path, "registry")


@warnings.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_warnings(path: Path) -> None:
    """Upsert public warnings; bad rows are reported by line, good rows kept."""
    _import(path, "warnings")


def _import(path: Path, kind: str) -> None:
    from casebook.services import imports  # here: `patroli --help` need not load the tables

    def rejected(row) -> None:
        click.echo(f"{path}:{row.line}: {row.reason}", err=True)

    casebook = open_casebook()
    with (
        progress(f"{kind} import", count_rows(path)) as advance,
        casebook.sessions() as session,
        session.begin(),  # one audit event per import, as the UI
    ):
        report = imports.import_file(session, kind, path, filename=path.name, actor="cli",
                                     rejected=rejected, progress=advance)  # fmt: skip
    click.echo(
        f"{kind} {path.name}: {report.read} rows read, {report.new} added, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected"
    )
    if report.rejected:  # the good rows are stored; the exit status still tells scripts to look
        sys.exit(1)
