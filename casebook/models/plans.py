"""Patrol plans (SOP step 1): what to look for, where, how often, by which unit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base


class PatrolPlan(Base):
    __tablename__ = "patrol_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    categories: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    # [{"spider": "marketplace", "site": "pasarku"}, {"spider": "shop", "url": "..."}]
    targets: Mapped[list[Any]] = mapped_column(default=list)
    schedule: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
