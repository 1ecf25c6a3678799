"""`patroli rules check|eval|rematch`: the rule catalogue over JSONL listings or the casebook."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from rules.catalogue import load_catalogue
from rules.evaluate import evaluate, format_table
from rules.matcher import check as check_listing
from rules.model import Listing
from rules.registry import RegistryIndex, WarningIndex
from rules.tables import RowError, read_registry, read_warnings

_CSV = click.Path(exists=True, dir_okay=False, path_type=Path)
_JSONL = click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)


@click.group("rules")
def rules() -> None:
    """Check listings against the registry, warnings and the rule catalogue."""


@rules.command("check")
@click.option("--registry", "registry_path", type=_CSV, required=True, help="Registry CSV.")
@click.option("--warnings", "warnings_path", type=_CSV, help="Public-warning CSV.")
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help="Also flag valid rows past expires_on."
)
@click.argument("listings", type=_JSONL)
def check(registry_path: Path, warnings_path: Path | None, today, listings: Path) -> None:
    """Write one JSON line per listing: {"id", "nies", "violations": [...]}."""
    registry, warnings, catalogue = _load(registry_path, warnings_path)
    day = today.date() if today else None
    out = sys.stdout
    for _, data in _listings(listings):
        verdict = check_listing(Listing.from_dict(data), registry, warnings, catalogue, today=day)
        out.write(json.dumps(verdict.as_dict(), ensure_ascii=False) + "\n")


@rules.command("eval")
@click.option("--registry", "registry_path", type=_CSV, required=True, help="Registry CSV.")
@click.option("--warnings", "warnings_path", type=_CSV, help="Public-warning CSV.")
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help="Also flag valid rows past expires_on."
)
@click.argument("labeled", type=_JSONL)
def eval_(registry_path: Path, warnings_path: Path | None, today, labeled: Path) -> None:
    """Print per-code and overall precision/recall/F1 against each line's "expected" codes."""
    registry, warnings, catalogue = _load(registry_path, warnings_path)
    day = today.date() if today else None
    pairs = []
    for line_number, data in _listings(labeled):
        expected = data.get("expected")
        if not isinstance(expected, list):
            _warn(f'{labeled}:{line_number}: no "expected" list of codes; skipped')
            continue
        verdict = check_listing(Listing.from_dict(data), registry, warnings, catalogue, today=day)
        pairs.append((expected, verdict.codes))
    click.echo(f"catalogue {catalogue.version}, registry {len(registry)} rows, "
               f"warnings {len(warnings)} rows")  # fmt: skip
    click.echo(format_table(evaluate(pairs)))


def _load(registry_path: Path, warnings_path: Path | None):
    registry = _registry(registry_path)
    warnings = WarningIndex.build(_rows(warnings_path, read_warnings) if warnings_path else [])
    return registry, warnings, load_catalogue()


def _registry(path: Path) -> RegistryIndex:
    """The registry's index, read from the data dir when this exact file was indexed before
    (keyed by the file's SHA-256), else built from the CSV and stored there."""
    from casebook.services.matching import default_index_dir, stored_registry_index

    def build() -> tuple[RegistryIndex, list[str]]:
        notes: list[str] = []
        index = RegistryIndex.build(_rows(path, read_registry, notes))
        return index, notes

    stored = stored_registry_index(default_index_dir(), _file_digest(path), build)
    if stored.problem:
        _warn(f"{stored.problem}; rebuilt")
    if stored.read_from is not None:
        for note in stored.notes:  # the rows the first reading skipped, said again
            _warn(f"{path}:{note}")
    return stored.index


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(path: Path, reader, notes: list[str] | None = None) -> Iterator[Any]:
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as lines:
        for row in reader(lines):
            if isinstance(row, RowError):
                _warn(f"{path}:{row.line}: {row.reason}")
                if notes is not None:
                    notes.append(f"{row.line}: {row.reason}")
            else:
                yield row


def _listings(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) per JSONL line; a broken line is reported and skipped."""
    stream = click.open_file(str(path), encoding="utf-8", errors="replace")
    with stream:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                _warn(f"{path}:{line_number}: not valid JSON ({error.msg}); skipped")
                continue
            if not isinstance(data, dict):
                _warn(f"{path}:{line_number}: not a JSON object; skipped")
                continue
            yield line_number, data


def _warn(message: str) -> None:
    click.echo(message, err=True)


@rules.command("rematch")
def rematch() -> None:
    """Re-run the rules over every listing in the casebook (after a registry or warning
    import, or a new catalogue): hits follow the registry as it is now."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from casebook.services.matching import Matcher
    from casebook.services.matching import rematch as rematch_all
    from patroli.wiring import open_casebook

    casebook = open_casebook()
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    with casebook.sessions() as session, session.begin():
        matcher = Matcher.from_session(session)
        count = rematch_all(session, matcher, today=today)
    click.echo(f"{count} listings re-checked with catalogue {matcher.version}")
