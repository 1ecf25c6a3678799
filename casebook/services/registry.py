"""Registry and public-warning imports (upsert, idempotent) and loading them for the rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casebook.models import PublicWarningEntry, RegisteredProduct, utcnow
from rules.model import PublicWarning, RegistryProduct

BATCH = 10_000  # rows per executemany
_REGISTRY_FIELDS = (
    "product_name", "brand", "category", "registrant", "form", "issued_on", "expires_on", "status",
)  # fmt: skip
_WARNING_FIELDS = ("product_name", "brand", "nie", "category", "hazard", "published_on")


@dataclass
class ImportResult:
    read: int = 0
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.read - self.added - self.updated


def import_registry(
    session: Session, products: Iterable[RegistryProduct], *, now: datetime | None = None
) -> ImportResult:
    """Upsert registry rows by NIE; re-importing the same file changes nothing."""
    now = now or utcnow()
    rows = ({"nie": p.nie, **{f: getattr(p, f) for f in _REGISTRY_FIELDS}} for p in products)
    return _upsert(session, RegisteredProduct, rows, ("nie",), _REGISTRY_FIELDS, now)


def import_warnings(
    session: Session, warnings: Iterable[PublicWarning], *, now: datetime | None = None
) -> ImportResult:
    """Upsert warnings by NIE, or by brand + product name when they carry none."""
    now = now or utcnow()
    rows = (
        {"key": warning_key(w), **{f: getattr(w, f) for f in _WARNING_FIELDS}} for w in warnings
    )
    return _upsert(session, PublicWarningEntry, rows, ("key",), _WARNING_FIELDS, now)


def warning_key(warning: PublicWarning) -> str:
    if warning.nie:
        return f"nie:{warning.nie}"
    return f"name:{warning.brand.casefold().strip()}|{warning.product_name.casefold().strip()}"


def _batched(rows: Iterable[dict], size: int) -> Iterator[tuple[dict, ...]]:
    iterator = iter(rows)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _upsert(session, model, rows, key_columns, fields, now) -> ImportResult:
    table = model.__table__
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    excluded = statement.excluded
    # One statement, executed for many rows: an unchanged row is not touched at all.
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={**{f: excluded[f] for f in fields}, "imported_at": excluded.imported_at},
        where=_any_differs(table, excluded, fields),
    )
    result = ImportResult()
    before = session.scalar(select(func.count()).select_from(table)) or 0
    changed = 0
    for chunk in _batched(rows, BATCH):
        unique = {tuple(row[k] for k in key_columns): row for row in chunk}  # last row wins
        result.read += len(chunk)
        values = [{**row, "imported_at": now} for row in unique.values()]
        # Rows returned = rows written: executemany's rowcount is -1 on PostgreSQL drivers.
        changed += len(session.execute(statement.returning(table.c[key_columns[0]]), values).all())
    after = session.scalar(select(func.count()).select_from(table)) or 0
    result.added = after - before
    result.updated = changed - result.added
    return result


def _any_differs(table, excluded, fields):
    return or_(*(table.c[f].is_distinct_from(excluded[f]) for f in fields))


def registry_products(session: Session) -> Iterator[RegistryProduct]:
    columns = [RegisteredProduct.nie, *(getattr(RegisteredProduct, f) for f in _REGISTRY_FIELDS)]
    query = select(*columns).order_by(RegisteredProduct.nie)  # the same order on every engine
    for row in session.execute(query).yield_per(10_000):
        yield RegistryProduct(**row._asdict())


def public_warnings(session: Session) -> Iterator[PublicWarning]:
    columns = [getattr(PublicWarningEntry, f) for f in _WARNING_FIELDS]
    query = select(*columns).order_by(PublicWarningEntry.key)
    for row in session.execute(query).yield_per(10_000):
        yield PublicWarning(**row._asdict())
