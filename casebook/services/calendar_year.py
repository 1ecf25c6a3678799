"""One year of the working calendar as the holiday settings page shows it: every weekday that is
not a working day, why (named in Indonesian or English), and whether the office decided it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from sqlalchemy.orm import Session

from casebook.services import calendar

LANGUAGES = {"id": "id", "en": "en_US"}


@dataclass(frozen=True)
class DayOff:
    day: date
    name: str
    by_office: bool  # an override, not the package's calendar


def days_off(session: Session, year: int, language: str = "id") -> list[DayOff]:
    """Monday to Friday days of `year` that are off, with the office's overrides applied."""
    working = calendar.working_calendar(session)
    overrides = {o.day: o for o in calendar.list_overrides(session, since=date(year, 1, 1),
                                                           until=date(year, 12, 31))}  # fmt: skip
    names = holidays.Indonesia(years=year, categories=("public", "government"),
                               language=LANGUAGES.get(language, "id"))  # fmt: skip
    found, day = [], date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and not working.is_working_day(day):
            own = overrides.get(day)
            name = (own.name or working.holiday_name(day)) if own else names.get(day)
            found.append(DayOff(day, name or working.holiday_name(day) or "", own is not None))
        day += timedelta(days=1)
    return found
