"""Monitoring and evaluation (SOP step 8) on a real SQLite file: figures and re-proposals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from casebook.models import Letter, Listing
from casebook.services import listings, monitoring, register, takedown
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}


def _kind(platform: str, url: str) -> str:
    return KINDS.get(platform, "website")


def _listed(sessions, keys_platforms) -> tuple[int, dict[str, int]]:
    batch = []
    for key, platform in keys_platforms:
        hit = RulesHit("no_nie", "R-no_nie", 1.0, Evidence("x"), "v1")
        record = ListingRecord(url=f"http://{platform}.example/{key}", platform=platform,
                               title=key, seller=SellerRecord(platform, "Toko"))  # fmt: skip
        batch.append((record, Verdict(record.url, (), "kosmetik", (hit,), "v1")))
    with sessions() as session, session.begin():
        ids = listings.record_listings(session, batch, now=T0).listing_ids
        by_key = {k: ids[f"http://{p}.example/{k}"] for k, p in keys_platforms}
        entries = register.decide(session, list(by_key.values()), "takedown", actor="a", now=T0)
        built = takedown.build_list(session, [e.id for e in entries], actor="a",
                                    kind_of=_kind, now=T0)  # fmt: skip
        for recipient in {link.recipient for link in built.links}:
            letter = Letter(kind="rekomendasi_takedown", list_id=built.id, recipient=recipient,
                            number=f"B-{recipient}/2026", year=2026, seq=1, status="sent",
                            created_by="a", created_at=T0, sent_on=date(2026, 11, 2),
                            deadline_at=T0 + timedelta(hours=24))  # fmt: skip
            session.add(letter)
            session.flush()
            for link in built.links:
                if link.recipient == recipient:
                    link.letter_id = letter.id
        return built.id, by_key


def _rechecked(sessions, by_key, statuses, at):
    with sessions() as session, session.begin():
        for key, status in statuses.items():
            listing = session.get(Listing, by_key[key])
            listing.status, listing.status_checked_at = status, at
        return monitoring.refresh_links(session)


def test_figures_count_what_the_rechecks_found(sessions):
    _, by_key = _listed(sessions, [("a", "pasarku"), ("b", "pasarku"), ("c", "ceritaku"),
                                   ("d", "tokobebas")])  # fmt: skip
    checked = T0 + timedelta(hours=30)
    changed = _rechecked(sessions, by_key, {"a": "nonactive", "b": "active", "c": "unknown"},
                         checked)  # fmt: skip
    assert changed == 3
    with sessions() as session:
        report = monitoring.report(session, now=T0 + timedelta(hours=48))
    assert report.overall.as_dict() == {
        "listed": 4, "taken_down": 1, "still_up": 1, "unknown": 2, "reproposed": 0,
        "overdue": 3, "takedown_rate": 0.25, "median_hours_to_takedown": 30.0,
    }  # fmt: skip
    assert report.by_platform["pasarku"].taken_down == 1
    assert report.by_recipient["komdigi"].listed == 2
    assert report.by_commodity["kosmetik"].listed == 4  # the category the rules gave


def test_links_still_up_after_the_deadline_are_proposed_again_once(sessions):
    list_id, by_key = _listed(sessions, [("a", "pasarku"), ("b", "pasarku")])
    _rechecked(sessions, by_key, {"a": "active", "b": "nonactive"}, T0 + timedelta(hours=25))
    with sessions() as session, session.begin():
        assert monitoring.repropose(session, actor="a", now=T0 + timedelta(hours=12)) is None
        again = monitoring.repropose(session, actor="a", now=T0 + timedelta(hours=26))
        assert [(link.url.rsplit("/", 1)[1], link.proposal) for link in again.links] == [("a", 2)]
        assert monitoring.repropose(session, actor="a", now=T0 + timedelta(hours=27)) is None
        chain = monitoring.history(session, again.links[0].id)
        assert [link.list_id for link in chain] == [list_id, again.id]
    with sessions() as session:
        report = monitoring.report(session, now=T0 + timedelta(hours=30))
        assert report.overall.reproposed == 1 and report.overall.listed == 3


def test_a_link_that_reappears_is_not_counted_down(sessions):
    _, by_key = _listed(sessions, [("a", "pasarku")])
    _rechecked(sessions, by_key, {"a": "nonactive"}, T0 + timedelta(hours=5))
    _rechecked(sessions, by_key, {"a": "active"}, T0 + timedelta(hours=50))
    with sessions() as session:
        report = monitoring.report(session, now=T0 + timedelta(hours=60))
        assert (report.overall.taken_down, report.overall.still_up) == (0, 1)
        assert report.overall.median_hours_to_takedown is None


def test_period_filters_by_when_links_were_listed(sessions):
    _listed(sessions, [("a", "pasarku")])
    with sessions() as session:
        assert monitoring.report(session, since=T0 + timedelta(days=1)).overall.listed == 0
        assert monitoring.report(session, until=T0 + timedelta(days=1)).overall.listed == 1
