"""Background work asked for from the web or the API, run by `patroli jobs run ID`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# verify_list {"list_id"}, recheck {"listing_ids"}, crawl_plan {"plan_id"}.
JOB_KINDS = ("verify_list", "recheck", "crawl_plan")
# queued -> running -> done | failed; a queued job may also fail (its runner never started).
JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    requested_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    pid: Mapped[int | None]  # the runner's process, to tell a dead run from a slow one
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]
