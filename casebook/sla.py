"""Working days (hari kerja, HK) on the Indonesian calendar, and the SOP's mutu baku as due dates.

A working day is Monday to Friday that is neither a national holiday nor cuti bersama
(`holidays.Indonesia(categories=("public", "government"))`). The package lags behind the
government's decrees (cuti bersama is set, and moved, by a joint ministerial decree each year),
so an office's overrides come on top: days declared off, and days declared working after all.
Counting follows the SOP: the start day is not counted; the Nth working day after it is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

# Mutu baku per SOP stage in working days (shared/DESIGN.md §1); an office may configure its own.
MUTU_BAKU: dict[str, int] = {
    "plan": 5,  # 1 Perencanaan
    "crawl": 30,  # 2 Penelusuran
    "regulatory_action": 1,  # 5 Surat Rekomendasi Takedown, Surat Tembusan
    "follow_up": 20,  # 6 Tindak lanjut administratif
    "profiling": 20,  # 7 Profiling
    "monitoring": 20,  # 8 Monitoring dan evaluasi
}


@dataclass(frozen=True)
class Override:
    """An admin's correction of the package: `day` is off (holiday) or working (not off)."""

    day: date
    off: bool
    name: str = ""


@dataclass
class WorkingCalendar:
    """Indonesian working days, with the office's overrides applied over the package's days."""

    overrides: Iterable[Override] = ()
    _off: dict[date, str] = field(default_factory=dict, init=False, repr=False)
    _years: set[int] = field(default_factory=set, init=False, repr=False)
    _forced: dict[date, Override] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._forced = {o.day: o for o in self.overrides}

    def holiday_name(self, day: date) -> str | None:
        """Why `day` is off ("Saturday", a holiday's name), or None for a working day."""
        forced = self._forced.get(day)
        if forced is not None:
            return (forced.name or "libur (ketetapan kantor)") if forced.off else None
        if day.weekday() >= 5:
            return "Sabtu" if day.weekday() == 5 else "Minggu"
        self._load(day.year)
        return self._off.get(day)

    def is_working_day(self, day: date) -> bool:
        return self.holiday_name(day) is None

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start not counted); `days` >= 0."""
        if days < 0:
            raise ValueError(f"a number of working days cannot be negative: {days}")
        day = start
        while days:
            day += timedelta(days=1)
            days -= self.is_working_day(day)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _load(self, year: int) -> None:
        if year in self._years:
            return
        self._years.add(year)
        # Indonesian names, whatever the locale: the letters and pages speak Indonesian.
        calendar = holidays.Indonesia(
            years=year, categories=("public", "government"), language="id"
        )
        for day, name in calendar.items():
            self._off.setdefault(day, name)


def due(start: date, stage_or_days: str | int, calendar: WorkingCalendar | None = None) -> date:
    """When a stage started on `start` is due: a stage name of MUTU_BAKU, or a number of HK."""
    days = MUTU_BAKU[stage_or_days] if isinstance(stage_or_days, str) else stage_or_days
    return (calendar or WorkingCalendar()).add(start, days)
