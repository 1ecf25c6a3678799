"""Register Informasi (SOP step 3) on a real SQLite file: decisions, re-decisions, concurrency."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casebook.models import AuditEvent, RegisterEntry
from casebook.services import audit, listings, register
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _verdict(url: str, *codes: str) -> Verdict:
    hits = tuple(RulesHit(code, f"R-{code}", 1.0, Evidence("x"), "v1") for code in codes)
    return Verdict(url, (), "kosmetik", hits, "v1")


@pytest.fixture
def listing_ids(sessions) -> list[int]:
    seller = SellerRecord("pasarku", "Toko Cantik", "http://pasar.example/toko/cantik")
    batch = [
        (ListingRecord(url=f"http://pasar.example/p/{n}", platform="pasarku",
                       title=f"Krim {n}", seller=seller), _verdict(f"u{n}", "hazardous_ingredient"))
        for n in range(5)
    ]  # fmt: skip
    with sessions() as session, session.begin():
        result = listings.record_listings(session, batch, now=T0)
    return sorted(result.listing_ids.values())


def test_a_decision_makes_one_entry_with_what_it_stood_on(sessions, listing_ids):
    with sessions() as session, session.begin():
        [entry] = register.decide(session, listing_ids[:1], "takedown", reason="BKO",
                                  actor="analis", now=T0)  # fmt: skip
        assert entry.decision == "takedown" and entry.version == 1
        assert len(entry.hit_ids) == 1
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "register.decide"))
        assert [e.after["decision"] for e in events] == ["takedown"]


def test_deciding_again_updates_and_repeating_changes_nothing(sessions, listing_ids):
    first = listing_ids[:2]
    with sessions() as session, session.begin():
        register.decide(session, first, "intelligence", actor="analis", now=T0)
    with sessions() as session, session.begin():
        register.decide(session, first, "intelligence", actor="analis", now=T0)  # idempotent
        again = register.decide(session, first[:1], "takedown", reason="ulang", actor="super")
        assert again[0].version == 2 and again[0].decided_by == "super"
    with sessions() as session:
        assert session.scalar(select(func.count(RegisterEntry.id))) == 2
        actions = session.scalars(select(AuditEvent.after).where(
            AuditEvent.action == "register.decide")).all()  # fmt: skip
        assert [a["decision"] for a in actions] == ["intelligence", "intelligence", "takedown"]
        assert audit.verify(session) == []


@pytest.mark.parametrize(
    "ids, decision, reason, message",
    [
        ([1], "hapus", "", "unknown decision 'hapus'"),
        ([1], "dismissed", "  ", "a dismissal needs a reason"),
        ([], "takedown", "", "no listings"),
        ([1, 999_999], "takedown", "", "no listing 999999"),
    ],
)
def test_bad_decisions_name_what_is_wrong_and_write_nothing(
    sessions, listing_ids, ids, decision, reason, message
):
    ids = [listing_ids[0] if i == 1 else i for i in ids]
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(register.RegisterError, match=message),
    ):
        register.decide(session, ids, decision, reason=reason, actor="analis")
    with sessions() as session:
        assert session.scalar(select(func.count(RegisterEntry.id))) == 0


def test_a_decision_on_a_version_already_moved_on_is_refused(sessions, listing_ids):
    one = listing_ids[:1]
    with sessions() as session, session.begin():
        register.decide(session, one, "intelligence", actor="analis_a", now=T0)
    # Both analysts read version 1; B decides first, A's decision must not silently win.
    with sessions() as session, session.begin():
        register.decide(session, one, "takedown", reason="x", actor="analis_b",
                        seen_versions={one[0]: 1})  # fmt: skip
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(register.StaleDecision, match="analis_b"),
    ):
        register.decide(session, one, "dismissed", reason="bukan", actor="analis_a",
                        seen_versions={one[0]: 1})  # fmt: skip
    with sessions() as session:
        assert session.scalar(select(RegisterEntry.decision)) == "takedown"


def test_concurrent_writers_lose_neither_decision_silently(sessions, listing_ids):
    one = listing_ids[:1]
    with sessions() as session, session.begin():
        register.decide(session, one, "intelligence", actor="a", now=T0)
    first, second = sessions(), sessions()
    a = first.scalars(select(RegisterEntry)).one()
    b = second.scalars(select(RegisterEntry)).one()
    a.decision = "takedown"
    first.commit()
    b.decision = "dismissed"
    with pytest.raises(register.StaleDecision):
        register.flush(second)
    second.rollback()
    first.close(), second.close()


def test_bulk_decisions_and_keyset_pages(sessions, listing_ids):
    with sessions() as session, session.begin():
        register.decide(session, listing_ids, "takedown", actor="analis")
    with sessions() as session:
        page1 = register.entries(session, decision="takedown", limit=3)
        page2 = register.entries(session, decision="takedown", after_id=page1[-1].id, limit=3)
        assert len(page1) == 3 and len(page2) == 2
        assert register.entries(session, decision="dismissed") == []
