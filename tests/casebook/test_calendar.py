"""The office's holiday overrides: stored, audited, and applied to due dates (real 2027 dates)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casebook.models import AuditEvent
from casebook.services import audit, calendar
from patroli.cli import main

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_overrides_move_due_dates(sessions):
    # Friday 5 March 2027 + 1 HK: Nyepi, Idul Fitri and its cuti bersama push it to Tuesday 16.
    with sessions() as session:
        assert calendar.working_calendar(session).add(date(2027, 3, 5), 1) == date(2027, 3, 16)
    with sessions() as session, session.begin():
        calendar.set_override(
            session,
            date(2027, 3, 16),
            off=True,
            name="Cuti bersama Idul Fitri (SKB 2027)",
            actor="admin",
            now=T0,
        )
        calendar.set_override(session, date(2027, 3, 12), off=False, name="masuk", actor="admin")
    with sessions() as session:
        days = calendar.working_calendar(session)
        assert days.add(date(2027, 3, 5), 1) == date(2027, 3, 12)
        assert days.add(date(2027, 3, 12), 1) == date(2027, 3, 17)
        assert days.holiday_name(date(2027, 3, 16)) == "Cuti bersama Idul Fitri (SKB 2027)"
        # Christmas 2027 and New Year are untouched by the overrides.
        assert days.add(date(2027, 12, 23), 1) == date(2027, 12, 27)


def test_overrides_are_audited_and_idempotent(sessions):
    with sessions() as session, session.begin():
        calendar.set_override(session, date(2027, 3, 16), off=True, name="cuti", actor="admin")
        calendar.set_override(session, date(2027, 3, 16), off=True, name="cuti", actor="admin")
        calendar.set_override(session, date(2027, 3, 16), off=False, actor="admin")
        assert calendar.remove_override(session, date(2027, 3, 16), actor="admin") is True
        assert calendar.remove_override(session, date(2027, 3, 16), actor="admin") is False
    with sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert audit.verify(session) == []
        assert calendar.list_overrides(session) == []
    assert [(e.action, e.before, e.after) for e in events] == [
        ("calendar.override", None, {"day": "2027-03-16", "off": True, "name": "cuti"}),
        ("calendar.override", {"day": "2027-03-16", "off": True, "name": "cuti"},
         {"day": "2027-03-16", "off": False, "name": ""}),
        ("calendar.override_removed", {"day": "2027-03-16", "off": False, "name": ""}, None),
    ]  # fmt: skip


def _cli(config, *args):
    env = {"PATROLI_DATA_DIR": str(config.data_dir), "PATROLI_DATABASE_URL": config.database_url}
    return CliRunner().invoke(main, ["sla", *args], env=env)


def test_the_holidays_commands_and_sla_due_use_the_casebook(config, engine):
    due = ["due", "--start", "2027-03-05", "--days", "1"]
    assert _cli(config, *due).output == "2027-03-16\n"
    added = _cli(config, "holidays", "add", "2027-03-16", "--off", "--name", "Cuti bersama (SKB)")
    assert added.exit_code == 0, added.output
    assert added.output == "2027-03-16 declared off\n"
    assert _cli(config, "holidays", "add", "2027-03-12", "--working").exit_code == 0
    assert _cli(config, "holidays", "list", "--year", "2027").output == (
        "2027-03-12\tworking\t\n2027-03-16\toff\tCuti bersama (SKB)\n")  # fmt: skip
    assert _cli(config, "holidays", "list", "--year", "2026").output == ""
    assert _cli(config, *due).output == "2027-03-12\n"
    assert _cli(config, "due", "--start", "2027-03-12", "--days", "1").output == "2027-03-17\n"
    assert _cli(config, "holidays", "remove", "2027-03-12").exit_code == 0
    assert _cli(config, *due).output == "2027-03-17\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["holidays", "add", "16-03-2027", "--off"], "not a date (YYYY-MM-DD): '16-03-2027'"),
        (["holidays", "add", "2027-03-16"], "Missing option '--off'"),
        (["holidays", "remove", "2027-03-18"], "Error: no override for 2027-03-18"),
    ],
)
def test_the_holidays_commands_fail_in_one_line(config, engine, args, message):
    result = _cli(config, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_sla_due_on_a_fresh_data_dir_creates_no_database(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PATROLI_DATA_DIR": str(tmp_path / "fresh")}
    done = subprocess.run(
        [sys.executable, "-m", "patroli", "sla", "due", "--start", "2027-03-05", "--days", "1"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "2027-03-16\n"), done.stderr
    assert not (tmp_path / "fresh" / "patroli.db").exists()
