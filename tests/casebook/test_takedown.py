"""List takedown (SOP step 4) on a real SQLite file: routing, refusals, re-check statuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casebook.models import Listing, TakedownList
from casebook.services import listings, register, takedown
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}


def kind_of(platform: str, url: str) -> str:
    return KINDS.get(platform, "website")


def _stored(sessions, rows) -> dict[str, int]:
    """rows: (key, platform, nies, codes) -> listing id by key."""
    batch = []
    for key, platform, nies, codes in rows:
        hits = tuple(RulesHit(c, f"R-{c}", 1.0, Evidence("x"), "v1") for c in codes)
        record = ListingRecord(url=f"http://{platform}.example/{key}", platform=platform,
                               title=key, seller=SellerRecord(platform, "Toko"))  # fmt: skip
        batch.append((record, Verdict(record.url, tuple(nies), "kosmetik", hits, "v1")))
    with sessions() as session, session.begin():
        result = listings.record_listings(session, batch, now=T0)
    return {key: result.listing_ids[f"http://{p}.example/{key}"] for key, p, _, _ in rows}


def _entries(sessions, ids, decision="takedown"):
    with sessions() as session, session.begin():
        return [e.id for e in register.decide(session, ids, decision, reason="r", actor="a")]


@pytest.mark.parametrize(
    "platform, nies, codes, recipient",
    [
        ("pasarku", [], ["no_nie"], "idea"),  # marketplace -> IdEA
        ("ceritaku", [], ["hazardous_ingredient"], "komdigi"),  # social -> Komdigi
        ("tokobebas", [], ["prescription_drug"], "komdigi"),  # no profile: a website
        ("pasarku", ["NA18191234567"], ["misleading_claim"], "dit_was"),  # registered, ad only
        ("pasarku", ["NA18191234567"], ["misleading_claim", "nie_mismatch"], "idea"),
        # a cosmetic named by brand and name (no number shown, no no_nie): registered
        ("ceritaku", [], ["misleading_claim"], "dit_was"),
        ("ceritaku", [], ["misleading_claim", "no_nie"], "komdigi"),  # not registered
    ],
)
def test_links_are_routed_as_the_sop_says(sessions, platform, nies, codes, recipient):
    ids = _stored(sessions, [("x", platform, nies, codes)])
    entry_ids = _entries(sessions, list(ids.values()))
    with sessions() as session, session.begin():
        built = takedown.build_list(session, entry_ids, actor="a", kind_of=kind_of, now=T0)
        [link] = built.links
        assert (link.recipient, link.link_status) == (recipient, "unknown")


def test_only_takedown_entries_and_not_twice_on_open_lists(sessions):
    ids = _stored(sessions, [(k, "pasarku", [], ["no_nie"]) for k in ("a", "b", "c")])
    listed = _entries(sessions, [ids["a"], ids["b"]])
    intel = _entries(sessions, [ids["c"]], "intelligence")
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(
            takedown.TakedownError, match=rf"not decided takedown: {intel[0]} \(intelligence\)"
        ),
    ):
        takedown.build_list(session, listed + intel, actor="a", kind_of=kind_of)
    with sessions() as session:
        assert session.scalar(select(func.count(TakedownList.id))) == 0  # nothing half-written
    with sessions() as session, session.begin():
        first = takedown.build_list(session, listed, actor="a", kind_of=kind_of)
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(
            takedown.TakedownError,
            match=f"already on an open takedown list: {listed[0]} "
            rf"\(list {first.id}, draft\)",
        ),
    ):
        takedown.build_list(session, listed[:1], actor="a", kind_of=kind_of)
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(takedown.TakedownError, match="no register entry 4242"),
    ):
        takedown.build_list(session, [4242], actor="a", kind_of=kind_of)


def test_refresh_takes_the_rechecks_results(sessions):
    ids = _stored(sessions, [(k, "pasarku", [], ["no_nie"]) for k in ("up", "gone", "blocked")])
    entry_ids = _entries(sessions, list(ids.values()))
    with sessions() as session, session.begin():
        list_id = takedown.build_list(session, entry_ids, actor="a", kind_of=kind_of).id
        assert sorted(takedown.listing_ids(session, list_id)) == sorted(ids.values())
    checked = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
    with sessions() as session, session.begin():
        for key, status in (("up", "active"), ("gone", "nonactive"), ("blocked", "unknown")):
            listing = session.get(Listing, ids[key])
            listing.status, listing.status_checked_at = status, checked
    with sessions() as session, session.begin():
        refreshed = takedown.refresh_statuses(session, list_id, actor="a")
        by_url = {link.url.rsplit("/", 1)[1]: link.link_status for link in refreshed.links}
        assert by_url == {"up": "active", "gone": "nonactive", "blocked": "unknown"}
        assert refreshed.status == "verified"
