from __future__ import annotations

import json

from sqlalchemy import select, update

from casebook.models import AuditEvent
from casebook.services import audit


def _three_events(sessions):
    with sessions() as session, session.begin():
        audit.record(session, "ani", "register.decide", "entry:1", {"d": None}, {"d": "takedown"})
        audit.record(session, "budi", "takedown_list.add", "list:1", None, {"entries": [1]})
        audit.record(session, "ani", "letter.issue", "letter:1", None, {"number": "B-1"})


def test_an_untouched_chain_verifies(sessions):
    _three_events(sessions)
    with sessions() as session:
        assert audit.verify(session) == []


def test_an_edited_event_breaks_the_chain(sessions):
    _three_events(sessions)
    with sessions() as session, session.begin():
        session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(actor="mallory"))
    with sessions() as session:
        breaks = audit.verify(session)
    assert [b.event_id for b in breaks] == [2]


def test_a_removed_event_breaks_the_chain(sessions):
    _three_events(sessions)
    with sessions() as session, session.begin():
        session.delete(session.get(AuditEvent, 2))
    with sessions() as session:
        breaks = audit.verify(session)
    assert [b.event_id for b in breaks] == [3]


def test_every_login_try_is_audited_without_its_password(sessions):
    from datetime import UTC, datetime, timedelta

    from casebook.services import logins, users

    rule = logins.Throttle(failures_per_name=2, failures_per_address=10)
    t0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    tries = [("analis", "tebakan-1", "198.51.100.7"), ("nobody", "tebakan-2", "198.51.100.7"),
             ("analis", "tebakan-3", "198.51.100.8"), ("analis", "rahasia-1", "198.51.100.9"),
             ("tamu", "rahasia-2", "2001:db8::1")]  # fmt: skip
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="admin")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="admin")
        for n, (name, password, address) in enumerate(tries):
            logins.log_in(session, name, password, address, throttle=rule,
                          now=t0 + timedelta(minutes=n))  # fmt: skip
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("auth.")).order_by(AuditEvent.id)
        ).all()
        assert audit.verify(session) == []
    seen = [(e.action, e.actor, e.target, e.after["username"], e.after["address"], e.at.minute)
            for e in events]  # fmt: skip
    assert seen == [
        ("auth.login_failed", "anonymous", "login:analis", "analis", "198.51.100.7", 0),
        ("auth.login_failed", "anonymous", "login:nobody", "nobody", "198.51.100.7", 1),
        ("auth.login_failed", "anonymous", "login:analis", "analis", "198.51.100.8", 2),
        # the right password, refused: two failures for the name already
        ("auth.login_refused", "anonymous", "login:analis", "analis", "198.51.100.9", 3),
        ("auth.login", "tamu", "user:2", "tamu", "2001:db8::1", 4),
    ]
    stored = " ".join(json.dumps([e.before, e.after, e.target, e.actor]) for e in events)
    assert not any(password in stored for _, password, _ in tries)
