"""The dashboard's weekly trends: links found, listed and taken down per ISO week (Asia/Jakarta).

The database counts per Jakarta calendar day (a few hundred rows at most); the days are folded
into ISO weeks here, the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, cast, func, literal, select
from sqlalchemy.orm import Session

from casebook.models import Listing, TakedownLink, TakedownList

JAKARTA = ZoneInfo("Asia/Jakarta")
MOST_WEEKS = 104  # two years of weeks is as much as a chart can show


def span(
    since: datetime | None, until: datetime | None, now: datetime, default_weeks: int
) -> tuple[date, date]:
    """Mondays of the first and last week shown: the period's, else the last `default_weeks`."""
    end = (until - timedelta(microseconds=1)) if until else now
    last = _monday(end.astimezone(JAKARTA).date())
    if since:
        first = _monday(since.astimezone(JAKARTA).date())
    else:
        first = last - timedelta(weeks=default_weeks - 1)
    if (last - first).days > 7 * (MOST_WEEKS - 1):
        first = last - timedelta(weeks=MOST_WEEKS - 1)
    return min(first, last), last


def trend(
    session: Session,
    first: date,
    last: date,
    *,
    found: ColumnElement[bool],
    listed: ColumnElement[bool],
    taken_down: ColumnElement[bool],
) -> tuple[list[str], dict[str, list[int]]]:
    """(ISO weeks from `first` to `last`, {"found"|"listed"|"taken_down": count per week}); each
    condition already holds the access rules and the weeks' time span."""
    weeks = [week_of(first + timedelta(weeks=n)) for n in range((last - first).days // 7 + 1)]
    found_day = _local_day(session, Listing.first_seen)
    listed_day = _local_day(session, TakedownList.created_at)
    down_day = _local_day(session, TakedownLink.taken_down_at)
    links = select(TakedownLink).join(TakedownList, TakedownList.id == TakedownLink.list_id)
    queries = {
        "found": (select(found_day, func.count()).where(found), found_day),
        "listed": (links.with_only_columns(listed_day, func.count()).where(listed), listed_day),
        "taken_down": (
            links.with_only_columns(down_day, func.count()).where(
                taken_down, TakedownLink.link_status == "nonactive"
            ),
            down_day,
        ),
    }
    out: dict[str, list[int]] = {}
    for name, (query, day_column) in queries.items():
        per_week: Counter[str] = Counter()
        for day_value, n in session.execute(query.group_by(day_column)):
            per_week[week_of(_as_date(day_value))] += n
        out[name] = [per_week.get(week, 0) for week in weeks]
    return weeks, out


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_day(session: Session, column):
    """The Jakarta calendar day of a UTC timestamp, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, literal("+7 hours"))  # WIB has no daylight saving
    return cast(func.timezone("Asia/Jakarta", column), Date)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
