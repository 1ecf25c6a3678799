"""The office's holiday overrides (cuti bersama decreed after the `holidays` package was made),
and the working calendar they give: days declared off, and days declared working after all."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.models import HolidayOverride, utcnow
from casebook.services import audit
from casebook.sla import Override, WorkingCalendar


def set_override(
    session: Session,
    day: date,
    *,
    off: bool,
    name: str = "",
    actor: str,
    now: datetime | None = None,
) -> HolidayOverride:
    """Declare `day` off (a holiday) or working; declaring it again replaces the earlier
    declaration, and the same one twice is a no-op."""
    name = " ".join(name.split())
    if len(name) > 200:
        raise ValueError("name: longer than 200 characters")
    override = session.get(HolidayOverride, day)
    before = _public(override) if override else None
    if override is None:
        override = HolidayOverride(day=day, off=off, name=name, created_by=actor,
                                   created_at=now or utcnow())  # fmt: skip
        session.add(override)
    elif (override.off, override.name) == (off, name):
        return override
    override.off, override.name = off, name
    override.created_by, override.created_at = actor, now or utcnow()
    session.flush()
    audit.record(session, actor, "calendar.override", f"day:{day.isoformat()}", before,
                 _public(override), now=now)  # fmt: skip
    return override


def remove_override(
    session: Session, day: date, *, actor: str, now: datetime | None = None
) -> bool:
    """Go back to the package's calendar for `day`; False when there was nothing to remove."""
    override = session.get(HolidayOverride, day)
    if override is None:
        return False
    before = _public(override)
    session.delete(override)
    session.flush()
    audit.record(session, actor, "calendar.override_removed", f"day:{day.isoformat()}", before,
                 None, now=now)  # fmt: skip
    return True


def list_overrides(
    session: Session, *, since: date | None = None, until: date | None = None
) -> list[HolidayOverride]:
    query = select(HolidayOverride).order_by(HolidayOverride.day)
    if since:
        query = query.where(HolidayOverride.day >= since)
    if until:
        query = query.where(HolidayOverride.day <= until)
    return list(session.scalars(query))


def working_calendar(session: Session) -> WorkingCalendar:
    """Indonesian working days with this casebook's overrides applied."""
    return WorkingCalendar([Override(o.day, o.off, o.name) for o in list_overrides(session)])


def _public(override: HolidayOverride) -> dict[str, object]:
    return {"day": override.day.isoformat(), "off": override.off, "name": override.name}
