"""Reading the audit trail: events filtered by actor, action, object and time, newest first.

Pages are keyset pages on the chain's sequence number (`before_seq`), so page 1,000 costs what
page 1 costs. An event's target is "kind:id" (user:3, letter:12, day:2026-12-24); the object
filters match on that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.models import AuditEvent
from casebook.services import audit
from casebook.services.audit import ChainBreak, Head

WITNESS = "audit-head"  # in the data dir, shared with `patroli audit verify`
MAX_PAGE = 500  # as the API's collections


@dataclass(frozen=True)
class EventFilter:
    actor: str = ""
    action: str = ""  # exact, or a prefix ending in "." (e.g. "user.")
    kind: str = ""  # the target's kind, before the colon
    object_id: str = ""  # the target's id, after the colon (needs `kind`)
    since: date | None = None  # inclusive, UTC days
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    next_before: int | None  # the seq to pass as `before_seq` for the next (older) page


def events(
    session: Session, where: EventFilter, *, before_seq: int | None = None, limit: int = 50
) -> EventPage:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(AuditEvent)
    for condition in _conditions(where):
        query = query.where(condition)
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    found = list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    return EventPage(found, found[-1].seq if more and found else None)


def _conditions(where: EventFilter) -> list:
    conditions = []
    if where.actor:
        conditions.append(AuditEvent.actor == where.actor)
    if where.action.endswith("."):
        conditions.append(AuditEvent.action.startswith(where.action, autoescape=True))
    elif where.action:
        conditions.append(AuditEvent.action == where.action)
    if where.kind and where.object_id:
        conditions.append(AuditEvent.target == f"{where.kind}:{where.object_id}")
    elif where.kind:
        conditions.append(AuditEvent.target.startswith(f"{where.kind}:", autoescape=True))
    if where.since:
        conditions.append(AuditEvent.at >= datetime.combine(where.since, time(), UTC))
    if where.until:
        conditions.append(
            AuditEvent.at < datetime.combine(where.until + timedelta(days=1), time(), UTC)
        )
    return conditions


def actions(session: Session) -> list[str]:
    """Every action recorded so far, for the filter's choices."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


@dataclass(frozen=True)
class ChainCheck:
    first_break: ChainBreak | None  # None: the chain holds
    breaks: int
    end: Head  # the last event's seq and hash


def check_chain(session: Session, witness: Path | None = None, database: str = "") -> ChainCheck:
    """Walk the chain (as `patroli audit verify`); with the data dir's witness file, also that
    the head a previous clean check saw is still there. A clean check moves the witness on."""
    breaks = audit.verify(session)
    witnessed = audit.read_witness(witness, database) if witness else None
    if witnessed is not None:
        breaks += audit.check_witness(session, *witnessed)
    end = audit.chain_end(session)
    if witness and not breaks:
        audit.write_witness(witness, database, end)
    return ChainCheck(breaks[0] if breaks else None, len(breaks), end)
