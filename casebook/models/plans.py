"""Patrol plans (SOP step 1): what to look for, where, how often, by which unit, on what risk."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# Naskah dinas classification: who may see the plan (and the letters it leads to).
CLASSIFICATIONS = ("biasa", "terbatas", "rahasia")
# draft -> approved -> active -> closed; a draft may also be closed (dropped).
PLAN_STATUSES = ("draft", "approved", "active", "closed")


class PatrolPlan(Base):
    __tablename__ = "patrol_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")  # Dit. Siber or an UPT
    risk_basis: Mapped[str] = mapped_column(Text, default="")  # the kajian risiko it rests on
    categories: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    # [{"spider": "marketplace", "site": "pasarku"}, {"spider": "shop", "url": "..."}]
    targets: Mapped[list[Any]] = mapped_column(default=list)
    # Cron-like ("0 2 * * 1-5"), read in Asia/Jakarta time.
    schedule: Mapped[str] = mapped_column(String(100), default="")
    classification: Mapped[str] = mapped_column(String(16), default="biasa")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
