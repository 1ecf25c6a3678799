"""What the casework pages read (SOP steps 4-8): takedown lists with their counts, the entries
ready to be listed, a list's links with the listing behind each, letters with their deadlines.

Read-only, in bulk, and always under an access condition (casebook.services.access) that the
caller passes, so a page shows exactly what its user may see. Lists and letters come newest
first, a page at a time (keyset: `before_id`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from casebook.letters.gather import gather, local_date
from casebook.letters.xlsx import Row
from casebook.models import (
    Letter,
    LetterResponse,
    Listing,
    RegisterEntry,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.services.takedown import OPEN

PAGE = 50


@dataclass
class ListRow:
    """A takedown list as the index shows it."""

    id: int
    status: str
    unit: str
    note: str
    created_by: str
    created_at: datetime
    verified_at: datetime | None
    links: int = 0
    by_recipient: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    letters: int = 0


@dataclass(frozen=True)
class ReadyEntry:
    """A register entry decided `takedown` that no open list carries yet."""

    id: int
    listing_id: int
    title: str
    url: str
    platform: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class LinkRow:
    """One link of a list, with the listing's title and the proposals before this one."""

    link: TakedownLink
    title: str
    earlier: tuple[tuple[int, int], ...]  # (list id, proposal) of each earlier proposal


@dataclass(frozen=True)
class LetterRow:
    letter: Letter
    responses: int
    overdue: bool  # the working-day due date passed with no answer recorded
    late: bool  # the platform's deadline passed while a link is still up


def lists(
    session: Session, condition: ColumnElement[bool], *, before_id: int | None = None
) -> list[ListRow]:
    """A page of takedown lists, newest first, with link counts per recipient and status."""
    query = select(TakedownList).where(condition)
    if before_id is not None:
        query = query.where(TakedownList.id < before_id)
    found = session.scalars(query.order_by(TakedownList.id.desc()).limit(PAGE)).all()
    rows = {
        x.id: ListRow(x.id, x.status, x.unit, x.note, x.created_by, x.created_at, x.verified_at)
        for x in found
    }
    if not rows:
        return []
    counted = session.execute(
        select(TakedownLink.list_id, TakedownLink.recipient, TakedownLink.link_status, func.count())
        .where(TakedownLink.list_id.in_(rows))
        .group_by(TakedownLink.list_id, TakedownLink.recipient, TakedownLink.link_status)
    )
    for list_id, recipient, status, count in counted:
        row = rows[list_id]
        row.links += count
        row.by_recipient[recipient] += count
        row.by_status[status] += count
    letters = select(Letter.list_id, func.count()).where(Letter.list_id.in_(rows))
    for list_id, count in session.execute(letters.group_by(Letter.list_id)):
        rows[list_id].letters = count
    return list(rows.values())


def lists_after(
    session: Session,
    condition: ColumnElement[bool],
    *,
    status: str | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[TakedownList]:
    """Takedown lists in id order after a cursor (the API's keyset pages), links loaded."""
    query = select(TakedownList).where(condition, TakedownList.id > after_id)
    if status:
        query = query.where(TakedownList.status == status)
    query = query.options(selectinload(TakedownList.links)).order_by(TakedownList.id)
    return list(session.scalars(query.limit(limit)))


def visible_list(
    session: Session, list_id: int, condition: ColumnElement[bool]
) -> TakedownList | None:
    """The list if it exists and the condition lets its reader see it."""
    query = select(TakedownList).where(TakedownList.id == list_id, condition)
    return session.scalar(query)


def ready_entries(
    session: Session, condition: ColumnElement[bool], *, limit: int = 200
) -> list[ReadyEntry]:
    """Entries decided `takedown` and on no open list, oldest decision first."""
    listed = (
        select(TakedownLink.id)
        .join(TakedownList, TakedownList.id == TakedownLink.list_id)
        .where(TakedownLink.entry_id == RegisterEntry.id, TakedownList.status.in_(OPEN))
        .exists()
    )
    query = (
        select(
            RegisterEntry.id,
            RegisterEntry.listing_id,
            Listing.title,
            Listing.url,
            Listing.platform,
            RegisterEntry.decided_by,
            RegisterEntry.decided_at,
        )
        .join(Listing, Listing.id == RegisterEntry.listing_id)
        .where(RegisterEntry.decision == "takedown", ~listed, condition)
        .order_by(RegisterEntry.decided_at, RegisterEntry.id)
        .limit(limit)
    )
    return [ReadyEntry(*row) for row in session.execute(query)]


def link_rows(session: Session, takedown_list: TakedownList) -> list[LinkRow]:
    """The list's links with their listings' titles and each link's earlier proposals."""
    links = list(takedown_list.links)
    titles = dict(
        _chunked(
            session,
            select(Listing.id, Listing.title),
            Listing.id,
            [link.listing_id for link in links],
        )
    )
    earlier = _earlier_proposals(session, [x for x in links if x.previous_link_id])
    return [LinkRow(x, titles.get(x.listing_id) or "", earlier.get(x.id, ())) for x in links]


def export_rows(session: Session, takedown_list: TakedownList) -> list[Row]:
    """The list as the letters' attachment has it (DESIGN §7 columns), every link included."""
    return gather(session, list(takedown_list.links)).rows


def letters(
    session: Session,
    condition: ColumnElement[bool],
    *,
    list_id: int | None = None,
    status: str | None = None,
    before_id: int | None = None,
    now: datetime | None = None,
) -> list[LetterRow]:
    """A page of letters, newest first, that the condition lets the reader see."""
    query = select(Letter).where(condition)
    if list_id is not None:
        query = query.where(Letter.list_id == list_id)
    if status:
        query = query.where(Letter.status == status)
    if before_id is not None:
        query = query.where(Letter.id < before_id)
    found = session.scalars(query.order_by(Letter.id.desc()).limit(PAGE)).all()
    return letter_rows(session, found, now=now)


def letter_rows(
    session: Session, found: Sequence[Letter], *, now: datetime | None = None
) -> list[LetterRow]:
    now = now or utcnow()
    ids = [letter.id for letter in found]
    answered = dict(
        _chunked(
            session,
            select(LetterResponse.letter_id, func.count()),
            LetterResponse.letter_id,
            ids,
            group=True,
        )
    )
    still_up = {
        letter_id
        for (letter_id,) in _chunked(
            session,
            select(TakedownLink.letter_id),
            TakedownLink.letter_id,
            ids,
            TakedownLink.link_status == "active",
        )
    }
    today = local_date(now)
    return [
        LetterRow(
            letter,
            answered.get(letter.id, 0),
            overdue=bool(letter.due_on and letter.due_on < today and not answered.get(letter.id)),
            late=bool(letter.deadline_at and letter.deadline_at < now and letter.id in still_up),
        )
        for letter in found
    ]


def overdue_letters(
    session: Session, condition: ColumnElement[bool], *, now: datetime | None = None
) -> list[LetterRow]:
    """Sent letters past their working-day due date unanswered, or past the platform's deadline
    with a link still up; most overdue first."""
    now = now or utcnow()
    query = (
        select(Letter)
        .where(condition, Letter.status == "sent")
        .where((Letter.due_on < local_date(now)) | (Letter.deadline_at < now))
        .order_by(Letter.deadline_at, Letter.id)
        .limit(PAGE * 4)
    )
    rows = letter_rows(session, session.scalars(query).all(), now=now)
    return [row for row in rows if row.overdue or row.late][:PAGE]


def visible_letter(
    session: Session, letter_id: int, condition: ColumnElement[bool]
) -> Letter | None:
    """The letter if it exists and the condition lets its reader see it."""
    return session.scalar(select(Letter).where(Letter.id == letter_id, condition))


def letter_links(session: Session, letter: Letter, link_ids: Sequence[int]) -> list[LinkRow]:
    """The links a letter covers, with titles (no earlier proposals: the list page has those)."""
    links = [
        link for (link,) in _chunked(session, select(TakedownLink), TakedownLink.id, list(link_ids))
    ]
    links.sort(key=lambda link: link.id)
    titles = dict(
        _chunked(
            session,
            select(Listing.id, Listing.title),
            Listing.id,
            [link.listing_id for link in links],
        )
    )
    return [LinkRow(x, titles.get(x.listing_id) or "", ()) for x in links]


def working_days_left(calendar, due_on: date | None, today: date) -> int | None:
    """Working days from today to the due date (negative: that many days late)."""
    if due_on is None:
        return None
    if due_on >= today:
        return calendar.between(today, due_on)
    return -calendar.between(due_on, today)


def _earlier_proposals(session: Session, links: list[TakedownLink]) -> dict[int, tuple]:
    """Link id -> (list id, proposal) of every earlier proposal, first to last."""
    out: dict[int, tuple] = {}
    known: dict[int, tuple[int | None, int, int]] = {}  # id -> (previous id, list id, proposal)
    wanted = {x.previous_link_id for x in links if x.previous_link_id}
    while wanted:
        query = select(
            TakedownLink.id,
            TakedownLink.previous_link_id,
            TakedownLink.list_id,
            TakedownLink.proposal,
        )
        rows = list(_chunked(session, query, TakedownLink.id, sorted(wanted)))
        for link_id, previous, list_id, proposal in rows:
            known[link_id] = (previous, list_id, proposal)
        wanted = {
            previous for previous, _, _ in known.values() if previous and previous not in known
        }
    for link in links:
        chain, step = [], link.previous_link_id
        while step is not None and step in known:
            previous, list_id, proposal = known[step]
            chain.append((list_id, proposal))
            step = previous
        out[link.id] = tuple(reversed(chain))
    return out


def _chunked(session: Session, query, column, ids: list[int], *where, group: bool = False):
    """Rows of `query` for `ids`, 900 at a time (SQLite caps bound parameters)."""
    grouped: dict = defaultdict(int)
    for start in range(0, len(ids), 900):
        chunk = query.where(column.in_(ids[start : start + 900]), *where)
        if group:
            for key, count in session.execute(chunk.group_by(column)):
                grouped[key] += count
        else:
            yield from session.execute(chunk)
    if group:
        yield from grouped.items()
