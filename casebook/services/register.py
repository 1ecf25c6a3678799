"""SOP step 3, Evaluasi: an analyst's decision on a listing becomes its Register Informasi entry.

One entry per listing: deciding again updates it (audited), the same decision twice is a
no-op. The entry keeps what it was decided on — the listing's current findings and captures
at that moment — so a later crawl or catalogue cannot change what the decision stood on.
Two analysts deciding the same entry at once: the second, holding an older version, is told
who decided in between instead of silently overwriting (optimistic versioning).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casebook.models import CLASSIFICATIONS, DECISIONS, Capture, Hit, Listing, RegisterEntry, utcnow
from casebook.services import access, audit

MAX_BULK = 10_000


class RegisterError(ValueError):
    """A decision that cannot be taken; the message names the entry or listing."""


class StaleDecision(RegisterError):
    """The entry changed since the analyst read it."""


def decide(
    session: Session,
    listing_ids: Sequence[int],
    decision: str,
    *,
    reason: str = "",
    actor: str,
    source: str = "patroli",
    unit: str = "",
    classification: str | None = None,
    seen_versions: dict[int, int] | None = None,
    now: datetime | None = None,
) -> list[RegisterEntry]:
    """Decide every listing (takedown / intelligence / dismissed); entries in the given order.

    A new entry is the work of the deciding `unit` ("" is Dit. Siber), classified
    `classification` (biasa unless given); deciding again keeps its unit, and its
    classification unless one is given.

    `seen_versions` maps listing id -> the entry version the analyst saw; an entry that has
    moved on since is refused with StaleDecision, and nothing of the request is written.
    """
    ids = _validated(listing_ids, decision, reason)
    if classification is not None and classification not in CLASSIFICATIONS:
        raise RegisterError(f"unknown classification {classification!r}; "
                            f"one of {', '.join(CLASSIFICATIONS)}")  # fmt: skip
    unit, now = access.home_unit(unit), now or utcnow()
    existing = _entries_by_listing(session, ids)
    _check_versions(existing, seen_versions or {})
    hits, captures = _current_hits(session, ids), _captures(session, ids)
    out: list[RegisterEntry] = []
    changes: list[tuple[RegisterEntry, dict | None]] = []
    for listing_id in ids:
        entry = existing.get(listing_id)
        if (entry is not None and entry.decision == decision and entry.reason == reason.strip()
                and classification in (None, entry.classification)):  # fmt: skip
            out.append(entry)  # repeating a request changes nothing
            continue
        if entry is None:
            entry = RegisterEntry(listing_id=listing_id, source=source, decided_by=actor,
                                  unit=unit, classification=classification or "biasa")  # fmt: skip
            session.add(entry)
        changes.append((entry, public(entry) if entry.id else None))
        entry.classification = classification or entry.classification
        entry.decision, entry.reason = decision, reason.strip()
        entry.hit_ids, entry.capture_ids = hits.get(listing_id, []), captures.get(listing_id, [])
        entry.decided_by, entry.decided_at = actor, now
        out.append(entry)
    flush(session)  # one flush for the whole request: 10,000 entries are one batch
    access.claim_listings(session, unit, [e.listing_id for e, before in changes if before is None],
                          "entry")  # fmt: skip
    audit.record_many(session, actor, [
        ("register.decide", f"register:{entry.id}", before, public(entry))
        for entry, before in changes
    ], now=now)  # fmt: skip
    return out


def flush(session: Session) -> None:
    """Flush, turning a lost race on an entry's version into the domain's error."""
    try:
        session.flush()
    except StaleDataError as error:
        raise StaleDecision(
            "a register entry was decided by someone else meanwhile; reload and decide again"
        ) from error


def get_entry(session: Session, entry_id: int) -> RegisterEntry:
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise RegisterError(f"no register entry {entry_id}")
    return entry


def entries(
    session: Session,
    *,
    decision: str | None = None,
    after_id: int = 0,
    limit: int = 50,
    visible: ColumnElement[bool] | None = None,
) -> list[RegisterEntry]:
    """Entries in id order after a cursor (keyset pagination), optionally of one decision;
    `visible` is the caller's access condition (services.access.entry_condition)."""
    query = select(RegisterEntry).where(RegisterEntry.id > after_id)
    if visible is not None:
        query = query.where(visible)
    if decision:
        query = query.where(RegisterEntry.decision == decision)
    return list(session.scalars(query.order_by(RegisterEntry.id).limit(limit)))


def public(entry: RegisterEntry) -> dict[str, object]:
    return {
        "listing_id": entry.listing_id,
        "decision": entry.decision,
        "reason": entry.reason,
        "source": entry.source,
        "unit": entry.unit,
        "classification": entry.classification,
        "hit_ids": list(entry.hit_ids),
        "capture_ids": list(entry.capture_ids),
    }


def _validated(listing_ids: Iterable[int], decision: str, reason: str) -> list[int]:
    if decision not in DECISIONS:
        raise RegisterError(f"unknown decision {decision!r}; one of {', '.join(DECISIONS)}")
    if decision == "dismissed" and not reason.strip():
        raise RegisterError("a dismissal needs a reason")
    ids = list(dict.fromkeys(int(i) for i in listing_ids))
    if not ids:
        raise RegisterError("no listings to decide")
    if len(ids) > MAX_BULK:
        raise RegisterError(f"{len(ids)} listings in one decision; at most {MAX_BULK}")
    return ids


def _entries_by_listing(session: Session, ids: list[int]) -> dict[int, RegisterEntry]:
    found: set[int] = set()
    entries: dict[int, RegisterEntry] = {}
    for chunk in _chunks(ids):
        found.update(session.scalars(select(Listing.id).where(Listing.id.in_(chunk))))
        query = select(RegisterEntry).where(RegisterEntry.listing_id.in_(chunk))
        entries.update((e.listing_id, e) for e in session.scalars(query))
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise RegisterError(f"no listing {shown}")
    return entries


def _check_versions(existing: dict[int, RegisterEntry], seen: dict[int, int]) -> None:
    for listing_id, version in seen.items():
        entry = existing.get(listing_id)
        current = entry.version if entry else 0
        if current != version:
            who = f" by {entry.decided_by} at {entry.decided_at:%Y-%m-%d %H:%M}" if entry else ""
            raise StaleDecision(
                f"register entry of listing {listing_id} was decided again{who} "
                f"(version {current}, you saw {version}); reload and decide again"
            )


def _current_hits(session: Session, ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = select(Hit.listing_id, Hit.id).where(
            Hit.listing_id.in_(chunk), Hit.superseded_at.is_(None)
        )
        for listing_id, hit_id in session.execute(query.order_by(Hit.id)):
            out[listing_id].append(hit_id)
    return out


def _captures(session: Session, ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = select(Capture.listing_id, Capture.id).where(Capture.listing_id.in_(chunk))
        for listing_id, capture_id in session.execute(query.order_by(Capture.id)):
            out[listing_id].append(capture_id)
    return out


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite caps bound parameters per statement; PostgreSQL is happy either way.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
