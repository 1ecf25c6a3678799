from __future__ import annotations

from sqlalchemy import update

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
