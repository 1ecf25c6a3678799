"""SOP steps 5-6: the letters of a takedown list — made, numbered, sent, answered.

Kinds (casebook.letters.content.KINDS): Surat Rekomendasi Takedown, one per recipient the
list's links are routed to (IdEA, Komdigi, Dit. Was); Surat Tembusan; Surat Tindak Lanjut
Hasil Pengawasan; Surat Permintaan Data to IdEA; Rekomendasi Pelaku to Dit. Was, Dit. Intelijen
or an UPT. Links verified `nonactive` are already down and are left out. Asking again for a
kind and recipient of a list returns the letter already made: a number is never spent twice.
The files are written inside the caller's transaction: a failure rolls the number back too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from casebook.letters import content, numbering, render
from casebook.letters.gather import WIB, gather, local_date
from casebook.letters.office import Office
from casebook.models import (
    Letter,
    LetterResponse,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.services import audit, calendar, takedown
from casebook.sla import MUTU_BAKU

OUTCOMES = ("done", "refused", "more_info", "partial")


class LetterError(ValueError):
    """A letter that cannot be made, sent or answered; the message names the letter or list.
    Bad values (a kind, recipient, outcome, link or date that does not fit) raise this class."""


class NoSuchLetter(LetterError):
    """The letter or takedown list does not exist (the API's 404)."""


class LetterConflict(LetterError):
    """The request does not fit the letter's or list's state (the API's 409): every link is
    down already, the letter went out on another day, or it has not gone out yet."""


def make_letters(
    session: Session,
    list_id: int,
    kind: str,
    *,
    actor: str,
    office: Office,
    recipient: str | None = None,
    classification: str = "biasa",
    with_pdf: bool = True,
    now: datetime | None = None,
) -> list[Letter]:
    """The letters of this kind for the list, made now or found from an earlier request."""
    spec = content.KINDS.get(kind)
    if spec is None:
        raise LetterError(f"unknown kind of letter {kind!r}; one of {', '.join(content.KINDS)}")
    try:
        takedown_list = takedown.get_list(session, list_id)
    except takedown.TakedownError as error:
        raise NoSuchLetter(str(error)) from None
    _serialise(session, list_id)
    live = [link for link in takedown_list.links if link.link_status != "nonactive"]
    if not live:
        raise LetterConflict(
            f"takedown list {list_id} has no link left to act on: "
            f"all {len(takedown_list.links)} were verified nonactive"
        )
    existing = {
        letter.recipient: letter
        for letter in session.scalars(
            select(Letter).where(Letter.list_id == list_id, Letter.kind == kind)
        )
    }
    made = []
    for to, links in _addressed(spec, kind, live, recipient).items():
        made.append(existing.get(to) or _make(session, kind, to, links, live, actor=actor,
                                              office=office, classification=classification,
                                              with_pdf=with_pdf, now=now or utcnow()))  # fmt: skip
    return made


def mark_sent(
    session: Session,
    letter_id: int,
    sent_on: date,
    *,
    actor: str,
    platform_hours: int = 24,
    follow_up_days: int = MUTU_BAKU["follow_up"],
    now: datetime | None = None,
) -> Letter:
    """Sent on `sent_on`: due in the SOP's working days, the platform's deadline in hours.

    The hours count from the end of the sending day in Jakarta time: the letter may have gone
    out at any hour of it, and a platform must never be shown late before it is.
    """
    letter = get_letter(session, letter_id)
    if letter.status == "sent":
        if letter.sent_on == sent_on:
            return letter
        raise LetterConflict(f"letter {letter.id} ({letter.number}) was already sent on "
                          f"{letter.sent_on:%Y-%m-%d}")  # fmt: skip
    if sent_on < local_date(letter.created_at):
        raise LetterError(f"letter {letter.id} ({letter.number}) cannot be sent on {sent_on} "
                          f"before it was made ({local_date(letter.created_at)})")  # fmt: skip
    before = public(letter)
    letter.status, letter.sent_on = "sent", sent_on
    letter.due_on = calendar.working_calendar(session).add(sent_on, follow_up_days)
    day_end = datetime.combine(sent_on + timedelta(days=1), time(), tzinfo=WIB)
    letter.deadline_at = (day_end + timedelta(hours=platform_hours)).astimezone(UTC)
    audit.record(session, actor, "letter.sent", f"letter:{letter.id}", before, public(letter),
                 now=now)  # fmt: skip
    _close_list_when_sent(session, letter, actor, now)
    return letter


def record_response(
    session: Session,
    letter_id: int,
    outcome: str,
    *,
    link_ids: Sequence[int] | None = None,
    note: str = "",
    received_on: date,
    actor: str,
    now: datetime | None = None,
) -> list[LetterResponse]:
    """The recipient's answer about some (default: all) of the letter's links."""
    if outcome not in OUTCOMES:
        raise LetterError(f"unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
    letter = get_letter(session, letter_id)
    if letter.status != "sent" or letter.sent_on is None:
        raise LetterConflict(f"letter {letter.id} ({letter.number}) has not been sent yet")
    if received_on < letter.sent_on:
        raise LetterError(f"a response received on {received_on} predates letter {letter.id} "
                          f"({letter.number}), sent on {letter.sent_on}")  # fmt: skip
    ours = list(letter_link_ids(letter))
    chosen = ours if link_ids is None else list(dict.fromkeys(int(i) for i in link_ids))
    strangers = [i for i in chosen if i not in ours]
    if strangers:
        raise LetterError(f"link {', '.join(map(str, strangers))} is not in letter {letter.id} "
                          f"({letter.number})")  # fmt: skip
    now = now or utcnow()
    links = {link.id: link for link in _links(session, chosen)}
    responses = []
    for link_id in chosen or [None]:
        if link_id is not None:
            links[link_id].response, links[link_id].responded_at = outcome, now
        responses.append(LetterResponse(letter_id=letter.id, link_id=link_id, outcome=outcome,
                                        note=note.strip(), received_on=received_on,
                                        recorded_by=actor, recorded_at=now))  # fmt: skip
    session.add_all(responses)
    session.flush()
    audit.record(session, actor, "letter.response", f"letter:{letter.id}", None,
                 {"outcome": outcome, "link_ids": chosen, "note": note.strip(),
                  "received_on": received_on.isoformat()}, now=now)  # fmt: skip
    return responses


def get_letter(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NoSuchLetter(f"no letter {letter_id}")
    return letter


def letters(
    session: Session,
    *,
    list_id: int | None = None,
    status: str | None = None,
    where: ColumnElement[bool] | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[Letter]:
    """Letters in id order after a cursor (keyset pagination), optionally of one list, of one
    status, and only those an access condition (services.access.letter_condition) lets through."""
    query = select(Letter).where(Letter.id > after_id)
    if list_id is not None:
        query = query.where(Letter.list_id == list_id)
    if status:
        query = query.where(Letter.status == status)
    if where is not None:
        query = query.where(where)
    return list(session.scalars(query.order_by(Letter.id).limit(limit)))


def responses(session: Session, letter_id: int) -> list[LetterResponse]:
    query = select(LetterResponse).where(LetterResponse.letter_id == letter_id)
    return list(session.scalars(query.order_by(LetterResponse.id)))


def letter_link_ids(letter: Letter) -> list[int]:
    """The links a letter covers (kept with its files: a link carries one letter_id only, that
    of its takedown recommendation)."""
    return [int(i) for i in (letter.files or {}).get("link_ids", ())]


def public(letter: Letter) -> dict[str, object]:
    return {
        "kind": letter.kind,
        "list_id": letter.list_id,
        "recipient": letter.recipient,
        "number": letter.number,
        "status": letter.status,
        "link_count": letter.link_count,
        "sent_on": letter.sent_on.isoformat() if letter.sent_on else None,
        "due_on": letter.due_on.isoformat() if letter.due_on else None,
        "deadline_at": letter.deadline_at.isoformat() if letter.deadline_at else None,
    }


def _serialise(session: Session, list_id: int) -> None:
    """Requests for one list's letters take turns, so that two at once find each other's
    letters instead of both numbering a new one: a no-op UPDATE of the list row takes its row
    lock on PostgreSQL and the write lock on SQLite, both held until the caller commits."""
    session.execute(
        update(TakedownList)
        .where(TakedownList.id == list_id)
        .values(status=TakedownList.status)
        .execution_options(synchronize_session=False)
    )


def _addressed(spec: content.Kind, kind: str, live: list[TakedownLink],
               recipient: str | None) -> dict[str, list[TakedownLink]]:  # fmt: skip
    """Recipient -> the links its letter covers."""
    if recipient is not None and recipient not in spec.recipients:
        raise LetterError(f"a letter {kind} goes to {', '.join(spec.recipients)}, "
                          f"not {recipient!r}")  # fmt: skip
    if spec.default_recipient is None:  # routed: one letter per recipient of the links
        groups: dict[str, list[TakedownLink]] = {}
        for link in live:
            if recipient in (None, link.recipient):
                groups.setdefault(link.recipient, []).append(link)
        if not groups:
            raise LetterConflict(f"no link of the list is routed to {recipient}")
        return groups
    links = [x for x in live if x.platform_kind == "marketplace"] if spec.marketplace_only else live
    if not links:
        raise LetterConflict(f"a letter {kind} needs marketplace links; the list has none left")
    return {recipient or spec.default_recipient: links}


def _make(session: Session, kind: str, recipient: str, links: list[TakedownLink],
          live: list[TakedownLink], *, actor: str, office: Office, classification: str,
          with_pdf: bool, now: datetime) -> Letter:  # fmt: skip
    dated = local_date(now)
    code = office.classification_code(classification)  # an unknown one fails before numbering
    seq = numbering.next_seq(session, dated.year)
    number = numbering.format_number(office, classification, seq, dated, kind)
    letter = Letter(kind=kind, list_id=links[0].list_id, recipient=recipient, year=dated.year,
                    seq=seq, number=number,
                    classification=classification, link_count=len(links), files={},
                    created_by=actor, created_at=now)  # fmt: skip
    session.add(letter)
    session.flush()
    if kind == "rekomendasi_takedown":
        _address_links(session, links, letter.id)
    facts = gather(session, links)
    routed = tuple(dict.fromkeys(office.recipient(x.recipient).agency for x in live))
    values = content.context(office, content.Facts(
        kind=kind, recipient=recipient, number=letter.number, classification=classification,
        dated=dated, link_count=len(links), platforms=facts.platforms,
        violations=facts.violations, seller_count=facts.seller_count, period=facts.period,
        routed_to=routed))  # fmt: skip
    folder = office.letters_dir / str(dated.year) / str(letter.id)
    files = render(office, folder, kind, values, facts.rows, facts.evidence, with_pdf=with_pdf)
    letter.files = {**files, "link_ids": [link.id for link in links]}
    audit.record(session, actor, "letter.create", f"letter:{letter.id}", None,
                 {**public(letter), "classification_code": code,
                  "files": {k: v["sha256"] for k, v in files.items()}}, now=now)  # fmt: skip
    return letter


def _address_links(session: Session, links: list[TakedownLink], letter_id: int) -> None:
    """Each link points at the recommendation that orders its takedown. One UPDATE per chunk:
    the ORM would flush 10,000 single-row updates."""
    ids = [link.id for link in links]
    for start in range(0, len(ids), 900):
        session.execute(
            update(TakedownLink)
            .where(TakedownLink.id.in_(ids[start : start + 900]))
            .values(letter_id=letter_id)
            .execution_options(synchronize_session=False)
        )
    for link in links:
        set_committed_value(link, "letter_id", letter_id)


def _links(session: Session, ids: list[int]) -> list[TakedownLink]:
    found: list[TakedownLink] = []
    for start in range(0, len(ids), 900):
        query = select(TakedownLink).where(TakedownLink.id.in_(ids[start : start + 900]))
        found.extend(session.scalars(query))
    return found


def _close_list_when_sent(session: Session, letter: Letter, actor: str,
                          now: datetime | None) -> None:  # fmt: skip
    """A list whose takedown recommendations have all gone out is `sent` (no longer open)."""
    if letter.kind != "rekomendasi_takedown" or letter.list_id is None:
        return
    takedown_list = takedown.get_list(session, letter.list_id)
    statuses = session.scalars(select(Letter.status).where(
        Letter.list_id == letter.list_id, Letter.kind == "rekomendasi_takedown"))  # fmt: skip
    if takedown_list.status != "sent" and all(status == "sent" for status in statuses):
        takedown_list.status = "sent"
        audit.record(session, actor, "takedown_list.sent", f"takedown_list:{takedown_list.id}",
                     None, {"status": "sent"}, now=now)  # fmt: skip
