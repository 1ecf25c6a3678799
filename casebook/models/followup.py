"""Follow-up of a sent letter (SOP step 6): the escalation stages Komdigi reaches on an order."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# Komdigi escalates an ignored order in stages (DESIGN §1): the order itself is the sent
# letter; then warning letters ST1 and ST2 (surat teguran), then blocking (pemutusan akses).
ESCALATION_STAGES = ("st1", "st2", "blocking")


class LetterEscalation(Base):
    """One stage Komdigi reached on a letter's order, on a date; stages only move forward."""

    __tablename__ = "letter_escalations"
    __table_args__ = (UniqueConstraint("letter_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    reached_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
