"""Importing a registry or public-warning CSV file: good rows upserted, bad rows reported by line.

The file is read line by line (rules.tables) and written in batches (services.registry), so a
500,000-row file never sits in memory whole; the caller's one transaction keeps a failed import
from leaving half a registry behind. Every import is an audit event (`registry.import`,
`warnings.import`) with its counts, which is also the history of imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.models import AuditEvent
from casebook.services import audit, registry
from rules.tables import RowError, read_registry, read_warnings

# The largest CSV an upload (the page or the API) may send: a 500,000-row registry is ~80 MB.
# PATROLI_IMPORT_MAX_BYTES in the web app's config overrides it (tests).
MAX_BYTES = 200 * 1024 * 1024

KINDS: dict[str, tuple[Callable, Callable]] = {
    "registry": (read_registry, registry.import_registry),
    "warnings": (read_warnings, registry.import_warnings),
}
ERRORS_KEPT = 1000  # a file of nothing but bad lines is still reported in full by count


@dataclass
class ImportReport:
    kind: str
    filename: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first ERRORS_KEPT

    @property
    def errors_cut(self) -> int:
        return self.rejected - len(self.errors)


def import_file(
    session: Session, kind: str, path: Path, *, filename: str, actor: str,
    rejected: Callable[[RowError], None] | None = None, now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:  # fmt: skip
    """Import `path` (a CSV as DESIGN §3 describes it) as `kind`, registry or warnings.
    `rejected` hears of every bad line as it is read (the report keeps the first ERRORS_KEPT);
    `progress` hears of every row read, good or bad (a progress bar's advance)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import {kind!r}; one of {', '.join(KINDS)}")
    reader, upsert = KINDS[kind]
    report = ImportReport(kind, filename)
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as lines:
        rows = _good_rows(reader(lines), report, rejected, progress)
        result = upsert(session, rows, now=now)
    report.read, report.new, report.updated = result.read, result.added, result.updated
    report.unchanged = result.unchanged
    audit.record(session, actor, f"{kind}.import", f"import:{filename[:150]}", None,
                 {"file": filename, "new": report.new, "updated": report.updated,
                  "unchanged": report.unchanged, "rejected": report.rejected}, now=now)  # fmt: skip
    return report


def _good_rows(
    rows: Iterable, report: ImportReport, rejected: Callable | None, progress: Callable | None
) -> Iterator:
    for row in rows:
        if progress is not None:
            progress(1)
        if isinstance(row, RowError):
            report.rejected += 1
            if rejected is not None:
                rejected(row)
            if len(report.errors) < ERRORS_KEPT:
                report.errors.append(row)
        else:
            yield row


def history(session: Session, *, limit: int = 50) -> list[AuditEvent]:
    """Past imports, newest first (their audit events)."""
    query = select(AuditEvent).where(AuditEvent.action.in_([f"{k}.import" for k in KINDS]))
    return list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit)))
