"""The audit trail: every change of record appended as a hash-chained event, and its check.

Each event's hash covers its content and the previous event's hash; events are numbered 1, 2,
3, ... (`seq`) without gaps; the head row (AuditHead) holds the last number and hash and is
updated in the same transaction as each append. So `verify` names an edited event (its hash no
longer matches), a deleted one (a gap in the numbers, or the chain ending before the head), and
an inserted one (it does not follow the event before, or the chain runs past the head).

Limits, honestly: the hash is not keyed, so someone who can write to the database can rewrite
the events *and* the head consistently, and nothing inside the database can tell. The witness
file (`read_witness` / `write_witness`: the head as the last clean verify saw it, kept in the
data dir) catches a trail cut back or rewritten since that verify, as long as the data dir is
out of that person's reach; publishing the head hash elsewhere (in a letter, a ticket) does
the same for any period.

Concurrent writers take turns at the tail: an append starts by updating the head row, which
holds PostgreSQL's row lock (or SQLite's write lock) until the transaction ends.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from casebook.models import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64
HEAD_ID = 1

# (action, target, before, after): one change, as services.register hands a bulk decision over.
Change = tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]


class AuditHeadMissing(RuntimeError):
    """The head row is gone while events exist: the trail was tampered with; nothing is
    appended until someone looks (`patroli audit verify`)."""


@dataclass(frozen=True)
class ChainBreak:
    seq: int  # the event's place in the chain (the first missing one's, for a deletion)
    event_id: int | None  # its row id; None for a missing event
    reason: str
    summary: str = ""  # what the event says it is: action, target, actor, time

    def __str__(self) -> str:
        what = f" ({self.summary})" if self.summary else ""
        return f"audit event {self.seq}{what}: {self.reason}"


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event; its hash covers its content and the previous event's hash."""
    (row,) = _chain(session, actor, [(action, target, before, after)], now)
    event = AuditEvent(**row)
    session.add(event)
    session.flush()
    return event


def record_many(
    session: Session,
    actor: str,
    events: Iterable[Change],
    *,
    now: datetime | None = None,
) -> int:
    """Append (action, target, before, after) events in order, chained in memory and written
    in one INSERT: a bulk decision of 10,000 entries takes the tail once. Returns how many."""
    rows = _chain(session, actor, list(events), now)
    if rows:
        session.execute(insert(AuditEvent), rows)
    return len(rows)


def _chain(
    session: Session, actor: str, changes: list[Change], now: datetime | None
) -> list[dict[str, Any]]:
    if not changes:
        return []
    last_seq, prev_hash = _take_tail(session, len(changes))
    # Hashed as stored: the database gives timestamps back in UTC.
    at = (now or utcnow()).astimezone(UTC)
    rows = []
    for seq, (action, target, before, after) in enumerate(changes, start=last_seq + 1):
        row = {"seq": seq, "at": at, "actor": actor, "action": action, "target": target,
               "before": before, "after": after, "prev_hash": prev_hash}  # fmt: skip
        row["hash"] = prev_hash = _hash(row)
        rows.append(row)
    session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(hash=prev_hash),
        execution_options={"synchronize_session": False},
    )
    return rows


def _take_tail(session: Session, count: int) -> tuple[int, str]:
    """Reserve `count` places after the chain's last event: (its seq, its hash). The UPDATE
    locks the head row until the transaction ends, so a concurrent writer waits its turn."""
    reserve = (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.hash)
    )
    row = session.execute(reserve, execution_options={"synchronize_session": False}).first()
    if row is None:
        if session.scalar(select(AuditEvent.id).limit(1)) is not None:
            raise AuditHeadMissing(
                "the audit trail's head row is missing although events exist: the trail was "
                "tampered with; run `patroli audit verify`"
            )
        session.add(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS))  # a schema made without it
        session.flush()
        return _take_tail(session, count)
    return row.seq - count, row.hash


def event_hash(event: AuditEvent) -> str:
    return _hash(
        {"at": event.at, "actor": event.actor, "action": event.action, "target": event.target,
         "before": event.before, "after": event.after, "prev_hash": event.prev_hash}
    )  # fmt: skip


def _hash(row: dict[str, Any]) -> str:
    # `seq` is not hashed (events recorded before it existed keep their hashes); the chain
    # already fixes the order, seq only tells a gap from an edit.
    body = {
        "at": row["at"].isoformat(),
        "actor": row["actor"],
        "action": row["action"],
        "target": row["target"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": row["prev_hash"],
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify(session: Session, *, progress: Callable[[int], None] | None = None) -> list[ChainBreak]:
    """Walk the chain from the first event; every edited, deleted or inserted event shows.
    `progress` hears of every event walked (a progress bar's advance)."""
    breaks: list[ChainBreak] = []
    expected_seq, expected_prev, two_back = 1, GENESIS, None
    last: AuditEvent | None = None
    inserted = 0  # insertions found on the way explain a chain longer than its head
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if progress is not None:
            progress(1)
        if event.seq < expected_seq:
            breaks.append(_break(event, f"numbered out of sequence ({event.seq}): inserted"))
            inserted += 1
            continue
        gap = event.seq > expected_seq
        if gap:
            breaks.append(_missing(expected_seq, event.seq - 1, "deleted"))
        if event_hash(event) != event.hash:
            breaks.append(_break(event, "edited: its content does not match its hash"))
        elif event.prev_hash != expected_prev and not gap:
            if event.prev_hash == two_back and last is not None:
                if breaks and breaks[-1].event_id == last.id:
                    breaks.pop()  # what was wrong with it is that it should not be there
                breaks.append(_break(last, "inserted: the event after it follows the one before"))
                inserted += 1
            else:
                reason = (
                    f"does not follow event {expected_seq - 1}: inserted, or that one rewritten"
                )
                breaks.append(_break(event, reason))
        two_back, expected_prev = expected_prev, event.hash
        expected_seq, last = event.seq + 1, event
    breaks.extend(_against_head(session, last, inserted))
    return breaks


def _against_head(session: Session, last: AuditEvent | None, inserted: int) -> list[ChainBreak]:
    head = recorded_head(session)
    last_seq = last.seq if last is not None else 0
    if head is None:
        return [ChainBreak(last_seq, None, "the chain's head row is missing: tampered with")]
    if last_seq < head.seq:
        return [_missing(last_seq + 1, head.seq, "deleted from the end of the trail")]
    if last is not None and last_seq - inserted == head.seq + 1 == last_seq:
        return [_break(last, f"is past the chain's recorded head ({head.seq}): inserted")]
    if last is not None and last_seq - inserted > head.seq:
        reason = f"events {head.seq + 1}-{last_seq} are past the chain's recorded head: inserted"
        return [ChainBreak(head.seq + 1, None, reason)]
    if last is not None and last_seq == head.seq and last.hash != head.hash:
        return [_break(last, "is not the event the chain's head records: replaced")]
    return []


def recorded_head(session: Session) -> Head | None:
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID))
    found = row.first()
    return Head(found.seq, found.hash) if found else None


def _break(event: AuditEvent, reason: str) -> ChainBreak:
    summary = f"{event.action} {event.target} by {event.actor} at {event.at:%Y-%m-%dT%H:%M:%SZ}"
    return ChainBreak(event.seq, event.id, reason, summary.replace("  ", " "))


def _missing(first: int, last: int, how: str) -> ChainBreak:
    which = f"events {first}-{last} are" if last > first else "this event is"
    return ChainBreak(first, None, f"missing: {which} {how}")


# The witness: the head as the last clean verify saw it, kept outside the database.


def check_witness(session: Session, witnessed: Head, seen_at: str = "") -> list[ChainBreak]:
    """The event a previous verify saw as the head must still be there, unchanged."""
    if witnessed.seq == 0:
        return []
    found = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == witnessed.seq))
    if found == witnessed.hash:
        return []
    when = f" ({seen_at})" if seen_at else ""
    what = "is missing" if found is None else "has changed"
    reason = f"was the chain's head at the last verify{when} and {what}: cut back or rewritten"
    return [ChainBreak(witnessed.seq, None, reason)]


def read_witness(path: Path, database: str) -> tuple[Head, str] | None:
    """(head, when it was seen) for this database, from the witness file; None if none yet."""
    try:
        entry = json.loads(path.read_text())[database]
        return Head(int(entry["seq"]), str(entry["hash"])), str(entry.get("verified_at", ""))
    except (FileNotFoundError, KeyError):
        return None


def write_witness(path: Path, database: str, head: Head, *, now: datetime | None = None) -> None:
    """Keep `head` for this database beside the others' (one file may witness several)."""
    try:
        witnessed = json.loads(path.read_text())
    except FileNotFoundError:
        witnessed = {}
    at = (now or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    witnessed[database] = {"seq": head.seq, "hash": head.hash, "verified_at": at}
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(json.dumps(witnessed, indent=1, sort_keys=True) + "\n")
    draft.replace(path)  # atomic: a crash never leaves half a witness


def chain_end(session: Session) -> Head:
    """The last event's place and hash, as the events say (not the head row)."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return Head(row.seq, row.hash) if row else Head(0, GENESIS)
