"""Komdigi's escalation stages on a sent letter (order -> ST1 -> ST2 -> blocking): forward
only, Komdigi only, sent letters only, audited; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casebook.letters import office as office_module
from casebook.models import AuditEvent, Listing
from casebook.services import escalation, listings, register, takedown
from casebook.services import letters as letter_service
from casebook.services.listings import ListingRecord, SellerRecord
from rules.catalogue import load_catalogue
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}


def letters_of(sessions, data_dir) -> dict[str, int]:
    """A list with one marketplace and one social link -> {recipient: letter id} (unsent)."""
    catalogue = load_catalogue()
    batch = []
    for key, platform in (("a", "pasarku"), ("b", "ceritaku")):
        url = f"http://{platform}.example/p/{key}"
        hit = RulesHit("no_nie", "NO-NIE", 0.9, Evidence(key), catalogue.version)
        record = ListingRecord(url=url, platform=platform, title=f"Krim {key}",
                               seller=SellerRecord(platform, f"Toko {key}"))  # fmt: skip
        batch.append((record, Verdict(url, (), "kosmetik", (hit,), catalogue.version)))
    with sessions() as session, session.begin():
        ids = list(listings.record_listings(session, batch, now=T0).listing_ids.values())
        entries = register.decide(session, ids, "takedown", reason="r", actor="ana", now=T0)
        list_id = takedown.build_list(session, [e.id for e in entries], actor="ana",
                                      kind_of=lambda p, u: KINDS.get(p, "website"),
                                      now=T0).id  # fmt: skip
        for listing_id in ids:
            listing = session.get(Listing, listing_id)
            listing.status, listing.status_checked_at = "active", T0
        takedown.refresh_statuses(session, list_id, actor="ana", now=T0)
        made = letter_service.make_letters(session, list_id, "rekomendasi_takedown", actor="ana",
                                           office=office_module.load(data_dir),
                                           with_pdf=False, now=T0)  # fmt: skip
        return {letter.recipient: letter.id for letter in made}


@pytest.fixture
def sent(sessions, config):
    ids = letters_of(sessions, config.data_dir)
    with sessions() as session, session.begin():
        for letter_id in ids.values():
            letter_service.mark_sent(session, letter_id, date(2026, 11, 3), actor="ana", now=T0)
    return ids


def record(sessions, letter_id, stage, on, **kwargs):
    with sessions() as session, session.begin():
        row = escalation.escalate(session, letter_id, stage, on, actor="ana", now=NOW, **kwargs)
        return row.id, row.stage, row.reached_on


def reached(sessions, letter_id):
    with sessions() as session:
        return [(x.stage, x.reached_on) for x in escalation.stages(session, letter_id)]


@pytest.mark.parametrize(
    "steps, expected",
    [
        ([("st1", 5)], [("st1", 5)]),
        ([("st1", 5), ("st2", 9), ("blocking", 16)], [("st1", 5), ("st2", 9), ("blocking", 16)]),
        ([("st1", 5), ("st2", 5)], [("st1", 5), ("st2", 5)]),  # the same day is no step back
        ([("st2", 10), ("blocking", 20)], [("st2", 10), ("blocking", 20)]),  # ST1 skipped
    ],
)
def test_stages_move_forward(sessions, sent, steps, expected):
    for stage, day in steps:
        record(sessions, sent["komdigi"], stage, date(2026, 11, day))
    assert reached(sessions, sent["komdigi"]) == [(s, date(2026, 11, d)) for s, d in expected]


@pytest.mark.parametrize(
    "steps, stage, day, message",
    [
        ([("st2", 9)], "st1", 10, "only move forward"),
        ([("blocking", 9)], "st2", 10, "only move forward"),
        ([("st1", 9)], "st1", 10, "reached st1 already on 2026-11-09"),
        ([("st1", 9)], "st2", 8, "predates st1 on 2026-11-09"),
        ([], "st1", 2, "predates sent on 2026-11-03"),  # before the letter went out
        ([], "st1", 31, "in the future"),  # 2026-12-01, after NOW
        ([], "st3", 5, "unknown stage 'st3'"),
        ([], "order", 5, "unknown stage 'order'"),  # the order is the sending itself
    ],
)
def test_a_stage_out_of_order_is_refused(sessions, sent, steps, stage, day, message):
    for earlier, on in steps:
        record(sessions, sent["komdigi"], earlier, date(2026, 11, on))
    on = date(2026, 12, 1) if day == 31 else date(2026, 11, day)
    with pytest.raises(escalation.EscalationError, match=message):
        record(sessions, sent["komdigi"], stage, on)
    assert reached(sessions, sent["komdigi"]) == [(s, date(2026, 11, d)) for s, d in steps]


def test_repeating_a_stage_on_its_date_changes_nothing(sessions, sent):
    first = record(sessions, sent["komdigi"], "st1", date(2026, 11, 5))
    assert record(sessions, sent["komdigi"], "st1", date(2026, 11, 5)) == first
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "letter.escalate")).all()  # fmt: skip
        assert len(events) == 1
        assert events[0].target == f"letter:{sent['komdigi']}"
        assert events[0].before == {"stage": "order"}
        assert events[0].after["stage"] == "st1" and events[0].actor == "ana"


def test_only_komdigi_escalates(sessions, sent):
    with pytest.raises(escalation.EscalationError, match="went to idea: only Komdigi"):
        record(sessions, sent["idea"], "st1", date(2026, 11, 5))
    assert reached(sessions, sent["idea"]) == []


def test_only_a_sent_letter_escalates(sessions, config):
    unsent = letters_of(sessions, config.data_dir)
    with pytest.raises(escalation.EscalationError, match="has not been sent yet"):
        record(sessions, unsent["komdigi"], "st1", date(2026, 11, 5))
    with pytest.raises(escalation.EscalationError, match="no letter 999"):
        record(sessions, 999, "st1", date(2026, 11, 5))


def test_current_stage_per_letter(sessions, sent):
    record(sessions, sent["komdigi"], "st1", date(2026, 11, 5))
    record(sessions, sent["komdigi"], "st2", date(2026, 11, 9))
    with sessions() as session:
        latest = escalation.current(session, [sent["komdigi"], sent["idea"]])
    assert {k: v.stage for k, v in latest.items()} == {sent["komdigi"]: "st2"}
