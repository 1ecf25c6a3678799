"""The administration services on SQLite and PostgreSQL: the audit log's filters and keyset
pages, the chain check, accounts, CSV imports by file, the letter-number preview."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from casebook.models import LetterSequence
from casebook.services import accounts, audit, audit_log, imports, settings, users
from casebook.services.accounts import AccountError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EVENTS = [("analis", "register.decide", "entry:1"), ("admin", "user.create", "user:7"),
          ("admin", "user.change", "user:7"), ("analis", "letter.sent", "letter:3"),
          ("analis", "register.decide", "entry:10")]  # fmt: skip


@pytest.fixture
def trail(sessions):
    with sessions() as session, session.begin():
        for n, (actor, action, target) in enumerate(EVENTS):
            audit.record(session, actor, action, target, None, {"n": n},
                         now=T0 + timedelta(days=n))  # fmt: skip
    return sessions


@pytest.mark.parametrize(
    "where, expected",
    [
        (audit_log.EventFilter(), [5, 4, 3, 2, 1]),
        (audit_log.EventFilter(actor="admin"), [3, 2]),
        (audit_log.EventFilter(action="register."), [5, 1]),
        (audit_log.EventFilter(action="register"), []),
        (audit_log.EventFilter(kind="entry", object_id="1"), [1]),  # not entry:10
        (audit_log.EventFilter(kind="entry"), [5, 1]),
        (audit_log.EventFilter(kind="ent%"), []),  # a LIKE wildcard is a character
        (audit_log.EventFilter(since=date(2026, 11, 4), until=date(2026, 11, 5)), [4, 3]),
    ],
)
def test_audit_filters(trail, where, expected):
    with trail() as session:
        assert [e.seq for e in audit_log.events(session, where).events] == expected


def test_audit_keyset_pages(trail):
    seen, before = [], None
    with trail() as session:
        while True:
            page = audit_log.events(session, audit_log.EventFilter(), before_seq=before, limit=2)
            seen += [e.seq for e in page.events]
            if page.next_before is None:
                break
            before = page.next_before
    assert seen == [5, 4, 3, 2, 1]


def test_chain_check_names_the_first_break(trail, tmp_path):
    witness = tmp_path / "audit-head"
    with trail() as session:
        clean = audit_log.check_chain(session, witness, "db")
    assert (clean.first_break, clean.end.seq) == (None, 5) and witness.is_file()
    with trail() as session, session.begin():
        session.execute(text("UPDATE audit_events SET actor = 'x' WHERE seq = 2"))
    with trail() as session:
        broken = audit_log.check_chain(session, witness, "db")
    assert broken.first_break is not None and broken.first_break.seq == 2


def test_accounts_keep_an_admin_and_list_tokens(sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "admin", "rahasia-admin", "admin", actor="t")
        accounts.add_user(session, "petugas", "sandi-petugas", "upt_officer", unit="Loka POM",
                          actor="admin")  # fmt: skip
        users.create_token(session, "petugas", name="skrip", actor="petugas")
    with sessions() as session, session.begin():
        with pytest.raises(AccountError, match="last active admin"):
            accounts.change_user(session, "admin", role="analyst", unit="", actor="x")
        with pytest.raises(AccountError, match="own account"):
            accounts.set_active(session, "admin", False, actor="admin")
        accounts.set_active(session, "petugas", False, actor="admin")
        assert [t.username for t in accounts.tokens(session)] == ["petugas"]
        assert accounts.tokens(session, username="admin") == []
        assert accounts.known_units(session) == ["Loka POM"]
    with sessions() as session:
        assert users.authenticate(session, "petugas", "sandi-petugas") is None


@pytest.mark.parametrize(
    "kind, name, counts, lines",
    [("registry", "registry_mixed.csv", (11, 5, 6), [4, 6, 7, 8, 10, 12]),
     ("warnings", "warnings_mixed.csv", (5, 3, 2), [4, 5])],
)  # fmt: skip
def test_imports_by_file(sessions, kind, name, counts, lines):
    with sessions() as session, session.begin():
        report = imports.import_file(session, kind, FIXTURES / name, filename=name, actor="a")
    assert (report.read + report.rejected, report.new, report.rejected) == counts
    assert [e.line for e in report.errors] == lines
    with sessions() as session:
        (event,) = imports.history(session)
        assert event.after["new"] == counts[1] and event.action == f"{kind}.import"


def test_the_number_preview_reads_the_sequence(sessions, config):
    office = settings.office(config.data_dir)
    with sessions() as session, session.begin():
        session.add(LetterSequence(year=2031, last=6))
    with sessions() as session:
        on = date(2031, 2, 3)
        assert settings.preview_number(session, office, "tembusan", on=on).startswith("B-7/")
        assert settings.preview_number(session, office, "tembusan", on=date(2032, 1, 1)).startswith(
            "B-1/"
        )
        assert session.get(LetterSequence, 2031).last == 6
