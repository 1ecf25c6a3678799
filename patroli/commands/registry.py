"""`patroli registry import` and `patroli warnings import`: upsert CSV files into the casebook."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from casebook.services import registry as registry_service
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
    from rules.tables import read_registry

    _import(path, read_registry, registry_service.import_registry, "registry")


@warnings.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_warnings(path: Path) -> None:
    """Upsert public warnings; bad rows are reported by line, good rows kept."""
    from rules.tables import read_warnings

    _import(path, read_warnings, registry_service.import_warnings, "warnings")


def _import(path: Path, reader: Callable, service: Callable, what: str) -> None:
    casebook = open_casebook()
    errors: list = []
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as lines:
        good = _report_errors(reader(lines), errors, path)
        with casebook.sessions() as session, session.begin():
            result = service(session, good)
    click.echo(
        f"{what} {path.name}: {result.read} rows read, {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged, {len(errors)} rejected"
    )
    if errors:  # the good rows are stored; the exit status still tells scripts to look
        sys.exit(1)


def _report_errors(rows: Iterable, errors: list, path: Path):
    from rules.tables import RowError

    for row in rows:
        if isinstance(row, RowError):
            errors.append(row)
            click.echo(f"{path}:{row.line}: {row.reason}", err=True)
        else:
            yield row
