"""Working days on the real 2026-2027 Indonesian calendar: holidays, cuti bersama, overrides."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from casebook.sla import MUTU_BAKU, Override, WorkingCalendar, due


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # Nyepi 19 Mar + Idul Fitri 21-22 Mar 2026 with cuti bersama 18, 20, 23, 24 Mar, then
        # Good Friday 3 Apr: the DESIGN example.
        (date(2026, 3, 10), 20, date(2026, 4, 15)),
        (date(2026, 3, 17), 1, date(2026, 3, 25)),  # the whole Lebaran week is off
        (date(2026, 3, 13), 1, date(2026, 3, 16)),  # a weekend, no holiday
        (date(2026, 12, 23), 1, date(2026, 12, 28)),  # cuti bersama 24 Dec, Christmas, weekend
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day, then a weekend
        (date(2027, 3, 5), 1, date(2027, 3, 16)),  # Nyepi, Idul Fitri 2027 and its cuti bersama
        (date(2026, 11, 30), 0, date(2026, 11, 30)),  # zero days: due the same day
        (date(2026, 12, 26), 1, date(2026, 12, 28)),  # starting on a Saturday
    ],
)
def test_working_days_after_a_start(start, days, expected):
    assert WorkingCalendar().add(start, days) == expected


@pytest.mark.parametrize(
    "day, off",
    [
        (date(2026, 3, 20), True),  # cuti bersama Idul Fitri
        (date(2026, 12, 24), True),  # cuti bersama Natal
        (date(2026, 12, 25), True),
        (date(2027, 1, 1), True),
        (date(2026, 12, 22), False),
        (date(2026, 12, 26), True),  # Saturday
    ],
)
def test_days_off(day, off):
    assert (WorkingCalendar().holiday_name(day) is not None) is off


def test_office_overrides_win_over_the_package():
    # A decree moves cuti bersama: 16 Mar 2027 declared off, 12 Mar 2027 declared working.
    calendar = WorkingCalendar(
        [Override(date(2027, 3, 16), off=True, name="cuti bersama (SKB 2027)"),
         Override(date(2027, 3, 12), off=False)]
    )  # fmt: skip
    assert calendar.holiday_name(date(2027, 3, 16)) == "cuti bersama (SKB 2027)"
    assert calendar.is_working_day(date(2027, 3, 12))
    assert calendar.add(date(2027, 3, 11), 1) == date(2027, 3, 12)
    assert calendar.add(date(2027, 3, 12), 1) == date(2027, 3, 17)
    assert WorkingCalendar().add(date(2027, 3, 11), 1) == date(2027, 3, 16)


def test_between_counts_what_add_adds():
    calendar = WorkingCalendar()
    start = date(2026, 3, 10)
    for days in (0, 1, 5, 20, 30):
        assert calendar.between(start, calendar.add(start, days)) == days


def test_stage_mutu_baku():
    assert MUTU_BAKU["follow_up"] == 20
    assert due(date(2026, 3, 10), "follow_up") == date(2026, 4, 15)
    assert due(date(2026, 12, 23), "regulatory_action") == date(2026, 12, 28)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        WorkingCalendar().add(date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    "args, out, code",
    [
        (["--start", "2026-03-10", "--days", "20"], "2026-04-15\n", 0),
        (["--start", "2026-12-23", "--stage", "regulatory_action"], "2026-12-28\n", 0),
        (["--start", "10/03/2026", "--days", "20"], "not a date", 2),
        (["--start", "2026-03-10"], "either --days", 2),
    ],
)
def test_sla_due_command(args, out, code, tmp_path):
    # A data dir of its own: a casebook under ./var would lend its holiday overrides.
    env = {"PATH": "/usr/bin:/bin", "PATROLI_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "patroli", "sla", "due", *args],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == code
    assert out in (done.stdout if code == 0 else done.stderr)
