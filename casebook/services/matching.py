"""Running the rules for the casebook: one matcher built from the stored registry and warnings.

The registry index of a large registry is kept in the data dir (`index/registry-*.idx`),
keyed by the registry's content and the matching code, so a crawl or a rematch starts in
seconds instead of re-indexing 500,000 names: see `stored_registry_index`.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import rules.index_store
import rules.model
import rules.name_tables
import rules.names
import rules.nie
import rules.registry
import rules.text
from casebook.models import Listing, RegisteredProduct, utcnow
from casebook.services import registry as registry_service
from casebook.services.listings import ListingRecord, SellerRecord, apply_verdict
from rules.catalogue import Catalogue, load_catalogue
from rules.index_store import IndexFileError, registry_from_bytes, registry_to_bytes
from rules.matcher import check
from rules.model import Listing as RulesListing
from rules.model import RegistryProduct, Verdict
from rules.registry import PRODUCT_COLUMNS, RegistryIndex, WarningIndex

logger = logging.getLogger(__name__)

# Below this many rows an index builds faster than a stored one is checked: none is written.
PERSIST_FROM_ROWS = 20_000


class Matcher:
    """Registry index, warning index and catalogue, built once and reused for every listing."""

    def __init__(self, registry: RegistryIndex, warnings: WarningIndex, catalogue: Catalogue):
        self.registry, self.warnings, self.catalogue = registry, warnings, catalogue
        self.index_source = "built"  # or where the registry index was read from

    @classmethod
    def from_session(
        cls,
        session: Session,
        catalogue: Catalogue | None = None,
        *,
        index_dir: Path | None = None,
        persist_from: int = PERSIST_FROM_ROWS,
    ) -> Matcher:
        """The matcher for the registry as stored now; its index read from `index_dir`
        (default: the data dir's `index/`) when the registry has not changed since."""
        stored = stored_registry_index(
            index_dir or default_index_dir(),
            *_registry_rows(session),
            persist_from=persist_from,
        )
        matcher = cls(
            stored.index,
            WarningIndex.build(registry_service.public_warnings(session)),
            catalogue or load_catalogue(),
        )
        matcher.index_source = stored.source
        if stored.problem:
            logger.warning("%s; rebuilt", stored.problem)
        logger.info("registry index %s in %.1f s", stored.source, stored.seconds)
        return matcher

    @property
    def version(self) -> str:
        return self.catalogue.version

    def check(self, record: ListingRecord, *, today: date) -> Verdict:
        return check(
            to_rules_listing(record), self.registry, self.warnings, self.catalogue, today=today
        )


def to_rules_listing(record: ListingRecord, listing_id: str = "") -> RulesListing:
    seller = record.seller or SellerRecord(platform=record.platform)
    phones = [value for kind, value in seller.identifiers if kind in ("phone", "whatsapp")]
    return RulesListing(
        id=listing_id or record.url,
        title=record.title,
        description=record.description,
        url=record.url,
        platform=record.platform,
        price=record.price,
        currency=record.currency,
        seller_name=seller.name,
        seller_url=seller.url,
        seller_location=seller.location,
        seller_phone=phones[0] if phones else "",
    )


def record_of(listing: Listing) -> ListingRecord:
    seller = None
    if listing.seller is not None:
        seller = SellerRecord(
            platform=listing.seller.platform,
            name=listing.seller.name,
            url=listing.seller.url,
            location=listing.seller.location,
            identifiers=tuple((i.kind, i.value) for i in listing.seller.identifiers),
        )
    return ListingRecord(
        url=listing.url,
        platform=listing.platform,
        title=listing.title,
        description=listing.description,
        price=listing.price,
        currency=listing.currency,
        external_id=listing.external_id,
        images=tuple(listing.images or ()),
        seller=seller,
    )


def rematch(session: Session, matcher: Matcher, *, today: date, now: datetime | None = None) -> int:
    """Re-run the rules over every stored listing (after a registry import or a new catalogue)."""
    now = now or utcnow()
    count = 0
    query = select(Listing).options(selectinload(Listing.hits), selectinload(Listing.seller))
    for listing in session.scalars(query.execution_options(yield_per=500)):
        apply_verdict(listing, matcher.check(record_of(listing), today=today), now)
        count += 1
    return count


# --- the stored registry index ---------------------------------------------------------------
@dataclass(frozen=True)
class StoredIndex:
    """A registry index, where it came from, and the notes saved with it."""

    index: RegistryIndex
    notes: list[str]
    read_from: Path | None  # the file it was read from; None when built now
    problem: str  # why a stored file was not used ("" when none was refused)
    seconds: float

    @property
    def source(self) -> str:
        if self.read_from is not None:
            return f"read from {self.read_from}"
        return f"built ({self.problem}; rebuilt)" if self.problem else "built"


def default_index_dir() -> Path:
    """`$PATROLI_DATA_DIR/index` (the data dir defaults to ./var, as in casebook.config)."""
    return Path(os.environ.get("PATROLI_DATA_DIR") or "./var").resolve() / "index"


@cache
def code_version() -> str:
    """Digest of the code an index depends on: tokenising, weighting, tables, NIE form.

    Taken from the modules' source, so any change to them (a new synonym, a new weight)
    makes every stored index stale without anyone remembering to bump a number.
    """
    digest = hashlib.sha256(f"format {rules.index_store.FORMAT}, numpy {np.__version__}".encode())
    for module in (rules.names, rules.name_tables, rules.text, rules.registry,
                   rules.index_store, rules.model, rules.nie):  # fmt: skip
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def stored_registry_index(
    directory: Path,
    content_digest: str,
    build: Callable[[], tuple[RegistryIndex, list[str]]],
    *,
    persist_from: int = PERSIST_FROM_ROWS,
) -> StoredIndex:
    """The index for a registry whose content has `content_digest`: read back from
    `directory` when a file for exactly this content and code is there and intact,
    else built with `build()` (which also returns notes, e.g. rows it skipped, kept with
    the index so a warm start repeats them) and stored for next time.

    A stale, damaged or foreign file is never used: it is reported and rebuilt.
    """
    started = time.perf_counter()
    key = hashlib.sha256(f"{content_digest}|{code_version()}".encode()).hexdigest()
    path = directory / f"registry-{key[:32]}.idx"
    problem = ""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    except OSError as error:
        data, problem = None, f"stored index {path} unreadable ({error.strerror})"
    if data is not None:
        try:
            index, notes = registry_from_bytes(data, key)
            return StoredIndex(index, notes, path, "", time.perf_counter() - started)
        except IndexFileError as error:
            problem = f"stored index {path} not used: {error}"
    index, notes = build()
    if len(index) >= persist_from:
        _store(directory, path, registry_to_bytes(index, key, notes))
    return StoredIndex(index, notes, None, problem, time.perf_counter() - started)


def _store(directory: Path, path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half a file); older registry indexes go."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
        for old in directory.glob("registry-*.idx"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:  # a read-only data dir costs speed, not results
        logger.warning("registry index not stored in %s: %s", directory, error.strerror)


def _registry_rows(session: Session) -> tuple[str, Callable[[], tuple[RegistryIndex, list[str]]]]:
    """The registry's content digest, and how to build its index from the very rows hashed.

    Rows are read as the driver gives them (ORM rows for 500,000 products cost seconds) and
    in the table's own order: sorting by NIE would double the read, and the same content
    stored in another order only costs one rebuild, never a wrong index.
    """
    table = RegisteredProduct.__table__
    query = select(*(table.c[name] for name in PRODUCT_COLUMNS))
    sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    rows = session.connection().exec_driver_sql(sql).cursor.fetchall()
    try:  # marshal format 2 has no back-references: equal rows, equal bytes
        data = marshal.dumps(rows, 2)
    except ValueError:  # dates from PostgreSQL
        data = repr(rows).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()

    def build() -> tuple[RegistryIndex, list[str]]:
        return RegistryIndex.build(_product(row) for row in rows), []

    return digest, build


def _product(row: tuple) -> RegistryProduct:
    nie, name, brand, category, registrant, form, issued, expires, status = row
    return RegistryProduct(nie, name, brand, category, registrant or "", form or "",
                           _day(issued), _day(expires), status)  # fmt: skip


def _day(value: date | str | None) -> date | None:
    # SQLite hands dates over as ISO text, PostgreSQL as dates
    return date.fromisoformat(value) if isinstance(value, str) else value
