"""The triage queue (SOP step 3): listings with findings, filtered, searched, newest first.

Pages are keyset pages over the listing id (newest first): a cursor is the id a page ended
(or began) at, so a page deep in the results costs what the first does, and listings stored
meanwhile never shift the pages an analyst is reading. Full-text search reads the FTS5 tables
on SQLite and GIN indexes over to_tsvector('simple', ...) on PostgreSQL (migrations 0009 and
0011; there the listing's tsvector is a stored generated column). A search matches a listing
when all its words are in the title and description, or all are in the seller's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Integer, Select, exists, func, select, text
from sqlalchemy.orm import Session, selectinload

from casebook.models import Capture, Hit, Listing, RegisteredProduct, RegisterEntry, Seller
from casebook.services import access

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_WORDS = 8
# A search's first id window; each next one is four times wider (see _walk).
FIRST_WINDOW = 16_384
# Up to this many matches in a window are read apart before the other filters apply to them.
RARE_MATCHES = 2_000
# "belum" = not yet in the Register Informasi, "sudah" = decided whatever the decision.
DECIDED_CHOICES = ("belum", "sudah", "takedown", "intelligence", "dismissed")


@dataclass(frozen=True)
class QueueFilter:
    code: str | None = None
    platform: str | None = None
    status: str | None = None
    category: str | None = None
    city: str | None = None
    decided: str | None = None  # one of DECIDED_CHOICES
    since: date | None = None  # first seen on or after
    until: date | None = None  # first seen on or before
    text: str | None = None
    with_hits: bool | None = True  # the queue is listings with current findings


@dataclass(frozen=True)
class QueueRow:
    """What the queue shows of a listing: read as plain columns, not as ORM objects, since a
    page is read at every click (no description, images or evidence JSON are loaded)."""

    id: int
    platform: str
    title: str
    price: float | None
    currency: str | None
    status: str
    seller_name: str
    seller_city: str
    codes: list[str]  # its current findings' violation codes, each once
    decision: str | None  # its Register Informasi decision, if decided


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[QueueRow]
    next_cursor: int | None = None  # pass as `after` for the next (older) page
    prev_cursor: int | None = None  # pass as `before` for the previous (newer) page
    ids: list[int] = field(default_factory=list)


def search_words(phrase: str | None) -> list[str]:
    """The words of a search, lower case, letters and digits only (no query syntax passes)."""
    return re.findall(r"\w+", (phrase or "").casefold())[:MAX_WORDS]


def page(
    session: Session,
    wanted: QueueFilter,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    scope: access.Scope | None = None,
) -> QueuePage:
    """One page of the queue: older than `after`, or newer than `before`, or the newest."""
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    if before is not None:
        ids = _walk(session, wanted, scope, start=before, newer=True, count=limit + 1)
        if len(ids) <= limit:  # reached the newest: show the first page as it is now
            return page(session, wanted, limit=limit, scope=scope)
        ids = ids[:limit][::-1]
        return _page(session, ids, scope, next_cursor=ids[-1], prev_cursor=ids[0])
    ids = _walk(session, wanted, scope, start=after, newer=False, count=limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    return _page(
        session,
        ids,
        scope,
        next_cursor=ids[-1] if more else None,
        prev_cursor=ids[0] if after is not None and ids else None,
    )


def _walk(
    session: Session,
    wanted: QueueFilter,
    scope: access.Scope | None,
    *,
    start: int | None,
    newer: bool,
    count: int,
) -> list[int]:
    """Up to `count` matching ids going away from `start` (exclusive): older ids in descending
    order, or newer ones ascending.

    A search reads the full-text index window by window (id ranges growing fourfold): a
    common word fills the page in the first window, a rare one costs a few range reads of its
    few matches — never fetching and sorting every listing that holds the word."""
    # A past date range is read through the first-seen index and sorted: planners assume
    # matches spread evenly over the ids and would walk every newer listing to reach it.
    key = Listing.id + 0 if wanted.until else Listing.id
    order = key if newer else key.desc()
    words = search_words(wanted.text)
    if not words:
        low, high = (start + 1, None) if newer and start is not None else (None, start)
        query = _visible(select(Listing.id).where(*conditions(wanted, low, high, scope)), scope)
        if start is not None:
            query = query.where(Listing.id > start if newer else Listing.id < start)
        return list(session.scalars(query.order_by(order).limit(count)))
    dialect = session.get_bind().dialect.name
    last = session.scalar(select(func.max(Listing.id))) or 0
    edge = (0 if newer else last + 1) if start is None else start
    found: list[int] = []
    size = FIRST_WINDOW
    while len(found) < count and (edge < last if newer else edge > 1):
        low, high = (edge + 1, edge + 1 + size) if newer else (max(edge - size, 1), edge)
        window = select(Listing.id).where(*conditions(wanted, low, high, scope))
        window = _visible(window, scope).where(Listing.id >= low, Listing.id < high)
        window = window.where(_text_in_window(session, dialect, words, low, high, size))
        found += session.scalars(window.order_by(order).limit(count - len(found)))
        edge, size = (high - 1 if newer else low), size * 4
    return found


def matching_ids(
    session: Session, wanted: QueueFilter, scope: access.Scope | None = None
) -> Select:
    """The ids of the listings `wanted` names (unordered), as far as `scope` may see."""
    query = select(Listing.id).where(*conditions(wanted, scope=scope))
    words = search_words(wanted.text)
    if words:
        dialect = session.get_bind().dialect.name
        query = query.where(Listing.id.in_(_text_matches(dialect, words, 0, 2**62)))
    return _visible(query, scope)


def _visible(query: Select, scope: access.Scope | None) -> Select:
    if scope is not None:
        query = query.where(access.listing_condition(scope))
    return query


def conditions(
    wanted: QueueFilter,
    low: int | None = None,
    high: int | None = None,
    scope: access.Scope | None = None,
) -> list[ColumnElement[bool]]:
    """Every filter of `wanted` but the full-text search, as conditions on listings whose id
    is in [low, high) (the bounds are repeated on the findings, so that a merge join over them
    starts at the page, not at the newest finding). Register entries count as far as `scope`
    may see them."""
    out: list[ColumnElement[bool]] = []
    current = [Hit.listing_id == Listing.id, Hit.superseded_at.is_(None)]
    if low is not None:
        current.append(Hit.listing_id >= low)
    if high is not None:
        current.append(Hit.listing_id < high)
    if wanted.code:
        out.append(exists().where(*current, Hit.code == wanted.code))
    elif wanted.with_hits is not None:
        has = exists().where(*current)
        out.append(has if wanted.with_hits else ~has)
    for column, value in (
        (Listing.platform, wanted.platform),
        (Listing.status, wanted.status),
        (Listing.category, wanted.category),
    ):
        if value:
            out.append(column == value)
    if wanted.city:
        out.append(exists().where(Seller.id == Listing.seller_id, Seller.location == wanted.city))
    if wanted.decided:
        out.append(_decided(wanted.decided, scope))
    if wanted.since:
        out.append(Listing.first_seen >= _midnight(wanted.since))
    if wanted.until:
        out.append(Listing.first_seen < _midnight(wanted.until + timedelta(days=1)))
    return out


def _decided(choice: str, scope: access.Scope | None) -> ColumnElement[bool]:
    entry = exists().where(RegisterEntry.listing_id == Listing.id)
    if scope is not None:
        entry = entry.where(access.entry_condition(scope))
    if choice == "belum":
        return ~entry
    if choice == "sudah":
        return entry
    return entry.where(RegisterEntry.decision == choice)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _text_in_window(
    session: Session, dialect: str, words: list[str], low: int, high: int, size: int
) -> ColumnElement[bool]:
    """The search within ids [low, high), in the form each database plans well."""
    matches = _text_matches(dialect, words, low, high)
    if dialect != "postgresql":
        return Listing.id.in_(matches)  # FTS5 seeks the id range in each word's list
    if size == FIRST_WINDOW:
        return _text_filter(words)
    # A rare word: its few ids in this window first, then the other filters on just those.
    # Joined in one statement, PostgreSQL overestimates the matches and walks the whole window.
    ids = list(session.scalars(select(matches.subquery().c.id).limit(RARE_MATCHES + 1)))
    return Listing.id.in_(ids) if len(ids) <= RARE_MATCHES else Listing.id.in_(matches)


def _text_filter(words: list[str]) -> ColumnElement[bool]:
    """PostgreSQL, first window: the search as a check on each listing walked newest first.

    The stored tsvector makes the check cheap, and a common word (the usual search) fills the
    page after a few hundred rows; through the GIN index the same window would first read the
    word's whole posting list (tens of milliseconds for "krim pemutih")."""
    return text(
        "(listings.search_vector @@ to_tsquery('simple', :terms) OR listings.seller_id IN "
        "(SELECT id FROM sellers WHERE to_tsvector('simple', name) "
        "@@ to_tsquery('simple', :terms)))"
    ).bindparams(terms=" & ".join(words))


def _text_matches(dialect: str, words: list[str], low: int, high: int):
    """Listing ids in [low, high) whose title + description hold every word, or whose
    seller's name does."""
    if dialect == "postgresql":
        terms = " & ".join(words)  # \w+ words only: nothing of tsquery's syntax gets through
        sql = (
            "SELECT id FROM listings WHERE search_vector @@ to_tsquery('simple', :terms) "
            "AND id >= :low AND id < :high UNION "
            "SELECT id FROM listings WHERE seller_id IN (SELECT id FROM sellers "
            "WHERE to_tsvector('simple', name) @@ to_tsquery('simple', :terms)) "
            "AND id >= :low AND id < :high"
        )
    else:
        terms = " ".join(f'"{word}"' for word in words)  # quoted: FTS5 operators are words
        sql = (
            "SELECT rowid AS id FROM listing_search WHERE listing_search MATCH :terms "
            "AND rowid >= :low AND rowid < :high UNION "
            "SELECT id FROM listings WHERE seller_id IN "
            "(SELECT rowid FROM seller_search WHERE seller_search MATCH :terms) "
            "AND id >= :low AND id < :high"
        )
    return text(sql).bindparams(terms=terms, low=low, high=high).columns(id=Integer)


def _page(
    session: Session,
    ids: list[int],
    scope: access.Scope | None,
    *,
    next_cursor: int | None,
    prev_cursor: int | None,
) -> QueuePage:
    if not ids:
        return QueuePage([], next_cursor, prev_cursor, ids)
    codes: dict[int, list[str]] = {i: [] for i in ids}
    current = select(Hit.listing_id, Hit.code).where(
        Hit.listing_id.in_(ids), Hit.superseded_at.is_(None)
    )
    for listing_id, code in session.execute(current.order_by(Hit.id)):
        if code not in codes[listing_id]:
            codes[listing_id].append(code)
    decided = select(RegisterEntry.listing_id, RegisterEntry.decision).where(
        RegisterEntry.listing_id.in_(ids)
    )
    if scope is not None:  # an entry above the user's clearance shows as not decided
        decided = decided.where(access.entry_condition(scope))
    decisions = dict(session.execute(decided).all())
    columns = select(
        Listing.id, Listing.platform, Listing.title, Listing.price, Listing.currency,
        Listing.status, Seller.name, Seller.location,
    ).outerjoin(Seller, Seller.id == Listing.seller_id)  # fmt: skip
    found = {
        row[0]: QueueRow(*row[:6], row[6] or "", row[7] or "", codes[row[0]], decisions.get(row[0]))
        for row in session.execute(columns.where(Listing.id.in_(ids)))
    }
    return QueuePage([found[i] for i in ids if i in found], next_cursor, prev_cursor, ids)


def entries_of(session: Session, listing_ids: Sequence[int]) -> dict[int, RegisterEntry]:
    """The Register Informasi entry of each listing that has one."""
    if not listing_ids:
        return {}
    query = select(RegisterEntry).where(RegisterEntry.listing_id.in_(list(listing_ids)))
    return {entry.listing_id: entry for entry in session.scalars(query)}


def choices(session: Session) -> dict[str, list[str]]:
    """The values the queue's filters offer: platforms, categories, statuses, seller cities.

    Each is read by skipping through an index (one probe per distinct value), not by scanning
    a million rows for DISTINCT."""
    return {
        "platform": _distinct(session, "listings", "platform"),
        "category": _distinct(session, "listings", "category"),
        "status": _distinct(session, "listings", "status"),
        "city": _distinct(session, "sellers", "location", limit=500),
    }


def _distinct(session: Session, table: str, column: str, *, limit: int = 200) -> list[str]:
    # A loose index scan written as a recursive CTE; table and column names are ours, not input.
    skip = text(
        f"WITH RECURSIVE v(x) AS ("
        f" SELECT (SELECT min({column}) FROM {table} WHERE {column} > '')"
        f" UNION ALL"
        f" SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.x) FROM v"
        f" WHERE v.x IS NOT NULL)"
        f" SELECT x FROM v WHERE x IS NOT NULL LIMIT :limit"
    )
    return list(session.scalars(skip, {"limit": limit}))


def registry_rows(session: Session, listing: Listing) -> dict[str, RegisteredProduct]:
    """The registry rows a listing's findings were compared with, by NIE: the NIEs the listing
    claims and those its hits name, as the registry holds them now."""
    nies = {str(nie) for nie in listing.nies or []}
    for hit in [*listing.hits, *listing.past_hits]:
        compared = (hit.evidence or {}).get("compared_with") or {}
        if isinstance(compared, dict) and compared.get("nie"):
            nies.add(str(compared["nie"]))
    if not nies:
        return {}
    query = select(RegisteredProduct).where(RegisteredProduct.nie.in_(sorted(nies)[:500]))
    return {row.nie: row for row in session.scalars(query)}


# ---- Register Informasi: entries, newest first, keyset pages -------------------------------


@dataclass(frozen=True)
class EntryFilter:
    decision: str | None = None
    source: str | None = None
    decided_by: str | None = None
    since: date | None = None  # decided on or after
    until: date | None = None  # decided on or before


@dataclass(frozen=True)
class EntryPage:
    rows: Sequence[tuple[RegisterEntry, Listing]]
    next_cursor: int | None = None
    prev_cursor: int | None = None


def entry_page(
    session: Session,
    wanted: EntryFilter,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    scope: access.Scope | None = None,
) -> EntryPage:
    """One page of Register Informasi entries with their listings, newest decision id first."""
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    query = select(RegisterEntry.id).where(*_entry_conditions(wanted))
    if scope is not None:
        query = query.where(access.entry_condition(scope))
    if before is not None:
        query = query.where(RegisterEntry.id > before).order_by(RegisterEntry.id)
        ids = list(session.scalars(query.limit(limit + 1)))
        if len(ids) <= limit:
            return entry_page(session, wanted, limit=limit, scope=scope)
        ids = ids[:limit][::-1]
        return EntryPage(_entries(session, ids), ids[-1], ids[0])
    if after is not None:
        query = query.where(RegisterEntry.id < after)
    ids = list(session.scalars(query.order_by(RegisterEntry.id.desc()).limit(limit + 1)))
    more, ids = len(ids) > limit, ids[:limit]
    prev = ids[0] if after is not None and ids else None
    return EntryPage(_entries(session, ids), ids[-1] if more else None, prev)


def _entry_conditions(wanted: EntryFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if wanted.decision:
        out.append(RegisterEntry.decision == wanted.decision)
    if wanted.source:
        out.append(RegisterEntry.source == wanted.source)
    if wanted.decided_by:
        out.append(RegisterEntry.decided_by == wanted.decided_by)
    if wanted.since:
        out.append(RegisterEntry.decided_at >= _midnight(wanted.since))
    if wanted.until:
        out.append(RegisterEntry.decided_at < _midnight(wanted.until + timedelta(days=1)))
    return out


def _entries(session: Session, ids: list[int]) -> list[tuple[RegisterEntry, Listing]]:
    query = (
        select(RegisterEntry, Listing)
        .join(Listing, Listing.id == RegisterEntry.listing_id)
        .where(RegisterEntry.id.in_(ids))
        .options(selectinload(Listing.seller))
    )
    found = {entry.id: (entry, listing) for entry, listing in session.execute(query)}
    return [found[i] for i in ids if i in found]


def entry_choices(session: Session, scope: access.Scope | None = None) -> dict[str, list[str]]:
    """The sources (patrol, or the unit a tip came from) and deciders the filters offer: of the
    entries `scope` may see only, so a filter never names another unit's tipsters or analysts."""
    if scope is None or scope.national:
        return {
            "source": _distinct(session, "register_entries", "source"),
            "decided_by": _distinct(session, "register_entries", "decided_by"),
        }
    seen = access.entry_condition(scope)
    columns = {"source": RegisterEntry.source, "decided_by": RegisterEntry.decided_by}
    return {name: _distinct_seen(session, column, seen) for name, column in columns.items()}


def _distinct_seen(session: Session, column, seen: ColumnElement[bool]) -> list[str]:
    query = select(column).where(seen, column > "").distinct().order_by(column).limit(200)
    return list(session.scalars(query))


def decided_on(session: Session, entry: RegisterEntry) -> tuple[list[Hit], list[Capture]]:
    """The findings and captures an entry was decided on, as recorded at the decision."""
    hit_ids = [int(i) for i in entry.hit_ids or []]
    capture_ids = [int(i) for i in entry.capture_ids or []]
    hits = (
        list(session.scalars(select(Hit).where(Hit.id.in_(hit_ids)).order_by(Hit.id)))
        if hit_ids
        else []
    )
    captures = (
        list(
            session.scalars(select(Capture).where(Capture.id.in_(capture_ids)).order_by(Capture.id))
        )
        if capture_ids
        else []
    )
    return hits, captures


# ---- tips from other units: URLs pasted into the register -----------------------------------


@dataclass(frozen=True)
class Tip:
    known: dict[str, int]  # url -> listing id
    unknown: list[str]  # well-formed URLs the casebook has not crawled yet
    errors: list[str]  # one line per bad line, naming it


def read_tip(session: Session, pasted: str, *, max_urls: int = 5_000) -> Tip:
    """Sort pasted lines into URLs the casebook holds, URLs still to crawl, and bad lines."""
    known: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[str] = []
    urls: list[str] = []
    for number, line in enumerate(pasted.splitlines(), 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE) or any(c.isspace() for c in url):
            errors.append(f"baris {number}: bukan URL http(s): {url[:200]}")
        elif len(urls) >= max_urls:
            errors.append(
                f"baris {number}: lebih dari {max_urls} URL sekaligus; sisanya tidak dibaca"
            )
            break
        elif url not in urls:
            urls.append(url)
    for start in range(0, len(urls), 900):
        chunk = urls[start : start + 900]
        query = select(Listing.url, Listing.id).where(Listing.url.in_(chunk))
        known.update({url: listing_id for url, listing_id in session.execute(query)})
    unknown = [url for url in urls if url not in known]
    return Tip(known, unknown, errors)


def visible_entry(
    session: Session, entry_id: int, scope: access.Scope | None = None
) -> tuple[RegisterEntry, Listing] | None:
    """One entry with its listing, or None when there is none `scope` may see."""
    query = select(RegisterEntry.id).where(RegisterEntry.id == entry_id)
    if scope is not None:
        query = query.where(access.entry_condition(scope))
    found = _entries(session, list(session.scalars(query)))
    return found[0] if found else None
