"""Follow-up (SOP step 6): the stages Komdigi reaches on an order it sent a platform.

Komdigi escalates an ignored takedown order in stages (DESIGN §1): the order (our sent letter),
warning letters ST1 and ST2, then blocking. Only a letter to Komdigi that has gone out can
escalate; stages only move forward (a later stage may follow a skipped one, never an earlier
one), each on a date no earlier than the letter's sending or the stage before. Recording the
same stage on the same date again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.letters.gather import local_date
from casebook.models import Letter, LetterEscalation, utcnow
from casebook.models.followup import ESCALATION_STAGES
from casebook.services import audit

LABELS = {"order": "Perintah", "st1": "Surat Teguran 1", "st2": "Surat Teguran 2",
          "blocking": "Pemutusan akses"}  # fmt: skip


class EscalationError(ValueError):
    """A stage that cannot be recorded; the message names the letter and the stage."""


def escalate(
    session: Session,
    letter_id: int,
    stage: str,
    reached_on: date,
    *,
    actor: str,
    note: str = "",
    now: datetime | None = None,
) -> LetterEscalation:
    """Record that Komdigi reached `stage` on the letter's order on `reached_on`."""
    if stage not in ESCALATION_STAGES:
        raise EscalationError(f"unknown stage {stage!r}; one of {', '.join(ESCALATION_STAGES)}")
    now = now or utcnow()
    letter = _sent_to_komdigi(session, letter_id)
    reached = stages(session, letter.id)
    same = next((x for x in reached if x.stage == stage), None)
    if same is not None:
        if same.reached_on == reached_on:
            return same
        raise EscalationError(f"letter {letter.id} ({letter.number}) reached {stage} already "
                              f"on {same.reached_on}")  # fmt: skip
    if reached and _rank(reached[-1].stage) > _rank(stage):
        raise EscalationError(f"letter {letter.id} ({letter.number}) is at "
                              f"{reached[-1].stage} already: stages only move forward, "
                              f"not back to {stage}")  # fmt: skip
    since, what = (reached[-1].reached_on, reached[-1].stage) if reached else (letter.sent_on,
                                                                               "sent")  # fmt: skip
    if since is not None and reached_on < since:
        raise EscalationError(f"letter {letter.id} ({letter.number}): {stage} on {reached_on} "
                              f"predates {what} on {since}")  # fmt: skip
    if reached_on > local_date(now):
        raise EscalationError(f"letter {letter.id} ({letter.number}): {stage} on {reached_on} "
                              "is in the future")  # fmt: skip
    row = LetterEscalation(letter_id=letter.id, stage=stage, reached_on=reached_on,
                           note=note.strip(), recorded_by=actor, recorded_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    before = {"stage": reached[-1].stage if reached else "order"}
    audit.record(session, actor, "letter.escalate", f"letter:{letter.id}", before,
                 {"stage": stage, "reached_on": reached_on.isoformat(), "note": row.note},
                 now=now)  # fmt: skip
    return row


def stages(session: Session, letter_id: int) -> list[LetterEscalation]:
    """The stages a letter reached, first to last."""
    rows = session.scalars(select(LetterEscalation).where(LetterEscalation.letter_id == letter_id))
    return sorted(rows, key=lambda row: _rank(row.stage))


def current(session: Session, letter_ids: list[int]) -> dict[int, LetterEscalation]:
    """The latest stage of each letter that escalated (letters still at the order are absent)."""
    latest: dict[int, LetterEscalation] = {}
    for start in range(0, len(letter_ids), 900):
        query = select(LetterEscalation).where(
            LetterEscalation.letter_id.in_(letter_ids[start : start + 900])
        )
        for row in session.scalars(query):
            known = latest.get(row.letter_id)
            if known is None or _rank(row.stage) > _rank(known.stage):
                latest[row.letter_id] = row
    return latest


def _sent_to_komdigi(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise EscalationError(f"no letter {letter_id}")
    if letter.recipient != "komdigi":
        raise EscalationError(f"letter {letter.id} ({letter.number}) went to "
                              f"{letter.recipient}: only Komdigi escalates an order")  # fmt: skip
    if letter.status != "sent":
        raise EscalationError(f"letter {letter.id} ({letter.number}) has not been sent yet: "
                              "mark it sent first")  # fmt: skip
    return letter


def _rank(stage: str) -> int:
    return ESCALATION_STAGES.index(stage)
