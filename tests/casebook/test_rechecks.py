"""Re-check results on a real SQLite file: verdicts, unknowns with back-off, reappearance, and
the query for links due for a re-check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.models import Listing, ListingChange
from casebook.services import listings, rechecks
from casebook.services.listings import ListingRecord
from casebook.services.rechecks import RecheckResult
from rules.model import Verdict

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def add_listings(sessions, *specs: tuple[str, str]) -> list[int]:
    """Listings (platform, path) as a crawl stores them: active."""
    records = [ListingRecord(url=f"http://{p}.example{path}", platform=p) for p, path in specs]
    pairs = [(r, Verdict(r.url, (), None, (), "v1")) for r in records]
    with sessions() as session, session.begin():
        ids = listings.record_listings(session, pairs, now=T0).listing_ids
    return [ids[r.url] for r in records]


def recheck(sessions, listing_id: int, status: str, reason: str, at: datetime, http=None):
    with sessions() as session, session.begin():
        return rechecks.record_rechecks(
            session, [RecheckResult(listing_id, status, reason, http)], now=at
        )


def state(sessions, listing_id: int):
    with sessions() as session:
        row = session.get(Listing, listing_id)
        history = session.scalars(
            select(ListingChange.changes)
            .where(ListingChange.listing_id == listing_id)
            .order_by(ListingChange.id)
        ).all()
        return row, history


# Results in order, each (status, reason, http); then the listing's status and reason, which
# result last decided them, consecutive unknowns, next re-check (hours after the last result).
@pytest.mark.parametrize(
    "results, status, reason, decided, failures, after",
    [
        ([("nonactive", "HTTP 404", 404)], "nonactive", "HTTP 404", 0, 0, None),
        ([("active", "HTTP 200, listing shown", 200)], "active", "HTTP 200, listing shown", 0, 0,
         None),
        # a live listing behind a bot block is unknown, never nonactive
        ([("unknown", "HTTP 403", 403)], "unknown", "HTTP 403", 0, 1, 1),
        # a confirmed takedown keeps the evidence that confirmed it
        ([("nonactive", "HTTP 404", 404), ("unknown", "HTTP 429", 429)],
         "nonactive", "HTTP 404", 0, 1, 1),
        ([("nonactive", "page says 'Produk tidak ditemukan'", 200),
          ("unknown", "captcha or bot check (.g-recaptcha)", 200),
          ("unknown", "TimeoutError: took too long", None)],
         "nonactive", "page says 'Produk tidak ditemukan'", 0, 2, 4),
        # back-off: 1 h, 4 h, then a day, capped
        ([("unknown", "HTTP 503", 503)] * 4, "unknown", "HTTP 503", 3, 4, 24),
        # an answer ends the back-off
        ([("unknown", "HTTP 503", 503), ("unknown", "HTTP 503", 503),
          ("nonactive", "HTTP 410", 410)], "nonactive", "HTTP 410", 2, 0, None),
        # gone, then back up: it reappeared
        ([("nonactive", "HTTP 404", 404), ("active", "HTTP 200, listing shown", 200)],
         "active", "reappeared: HTTP 200, listing shown", 1, 0, None),
        ([("unknown", "HTTP 403", 403), ("active", "HTTP 200, listing shown", 200)],
         "active", "HTTP 200, listing shown", 1, 0, None),
    ],
)  # fmt: skip
def test_results_in_order(sessions, results, status, reason, decided, failures, after):
    (listing_id,) = add_listings(sessions, ("pasarku", "/p/jamu"))
    times = [T0 + HOUR * 30 * n for n in range(1, len(results) + 1)]
    for (result_status, result_reason, http), at in zip(results, times, strict=True):
        recheck(sessions, listing_id, result_status, result_reason, at, http)
    row, _ = state(sessions, listing_id)
    assert (row.status, row.status_reason) == (status, reason)
    assert row.status_checked_at == times[decided]
    assert row.recheck_failures == failures
    assert row.recheck_after == (times[-1] + HOUR * after if after is not None else None)


def test_history_keeps_every_change_and_every_unknown_with_its_reason(sessions):
    (listing_id,) = add_listings(sessions, ("pasarku", "/p/jamu"))
    recheck(sessions, listing_id, "active", "HTTP 200, listing shown", T0, 200)
    recheck(sessions, listing_id, "nonactive", "HTTP 404", T0 + HOUR, 404)
    recheck(sessions, listing_id, "unknown", "HTTP 403", T0 + 2 * HOUR, 403)
    recheck(sessions, listing_id, "nonactive", "HTTP 404", T0 + 3 * HOUR, 404)
    _, history = state(sessions, listing_id)
    assert history == [
        {"status": ["active", "nonactive"], "recheck": "nonactive", "reason": "HTTP 404",
         "http_status": 404},
        {"recheck": "unknown", "reason": "HTTP 403", "http_status": 403},
    ]  # fmt: skip


def test_the_tally_counts_changes_and_unknowns(sessions):
    ids = add_listings(sessions, ("pasarku", "/a"), ("pasarku", "/b"), ("pasarku", "/c"))
    results = [
        RecheckResult(ids[0], "nonactive", "HTTP 404", 404),
        RecheckResult(ids[1], "unknown", "HTTP 403", 403),
        RecheckResult(ids[2], "active", "HTTP 200", 200),
    ]
    with sessions() as session, session.begin():
        tally = rechecks.record_rechecks(session, results, now=T0)
    assert tally == rechecks.RecheckTally(changed=2, unknown=1)


@pytest.mark.parametrize("status", ["gone", "", "Active"])
def test_a_status_outside_the_three_is_refused(sessions, status):
    (listing_id,) = add_listings(sessions, ("pasarku", "/p/jamu"))
    with sessions() as session, session.begin(), pytest.raises(ValueError, match="unknown status"):
        rechecks.record_rechecks(session, [RecheckResult(listing_id, status, "x")], now=T0)


@pytest.fixture
def five(sessions):
    """pasarku a (active), b (nonactive), c (unknown, due in 1 h); tokosehat d (unknown twice,
    due in 4 h), e (active)."""
    ids = add_listings(sessions, ("pasarku", "/a"), ("pasarku", "/b"), ("pasarku", "/c"),
                       ("tokosehat", "/d"), ("tokosehat", "/e"))  # fmt: skip
    recheck(sessions, ids[1], "nonactive", "HTTP 404", T0, 404)
    recheck(sessions, ids[2], "unknown", "HTTP 403", T0, 403)
    recheck(sessions, ids[3], "unknown", "HTTP 429", T0 - HOUR, 429)
    recheck(sessions, ids[3], "unknown", "HTTP 429", T0, 429)
    return dict(zip("abcde", ids, strict=True))


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ({}, "abcde"),
        ({"status": "unknown"}, "cd"),
        ({"status": "nonactive"}, "b"),
        ({"platform": "tokosehat"}, "de"),
        ({"platform": "pasarku", "status": "active"}, "a"),
        ({"ids": "be"}, "be"),
        # due: a link whose back-off has not passed is not due
        ({"due_at": T0 + HOUR / 2}, "abe"),
        ({"due_at": T0 + HOUR}, "abce"),
        ({"due_at": T0 + 4 * HOUR}, "abcde"),
        ({"due_at": T0 + HOUR, "status": "unknown"}, "c"),
        ({"due_at": T0 + HOUR, "ids": "cd"}, "c"),
    ],
)  # fmt: skip
def test_links_to_recheck(sessions, five, wanted, expected):
    if "ids" in wanted:
        wanted = {**wanted, "ids": [five[name] for name in wanted["ids"]]}
    with sessions() as session:
        links = rechecks.links_to_recheck(session, **wanted)
    assert [link.listing_id for link in links] == [five[name] for name in expected]
    assert all(link.url.endswith("/" + name) for link, name in zip(links, expected, strict=True))


def test_links_come_page_by_page(sessions, five):
    with sessions() as session:
        first = rechecks.links_to_recheck(session, limit=2)
        rest = rechecks.links_to_recheck(session, after_id=first[-1].listing_id, limit=10)
    assert [x.listing_id for x in first + rest] == list(five.values())


def test_an_unknown_status_filter_is_refused(sessions):
    with sessions() as session, pytest.raises(ValueError, match="unknown status 'gone'"):
        rechecks.links_to_recheck(session, status="gone")


def test_a_crawl_that_reaches_the_listing_ends_its_back_off(sessions):
    [listing_id] = add_listings(sessions, ("pasarku", "/p/blocked"))
    recheck(sessions, listing_id, "unknown", "HTTP 429", T0 + HOUR, 429)
    row, _ = state(sessions, listing_id)
    assert (row.recheck_failures, row.recheck_after) == (1, T0 + 2 * HOUR)
    record = ListingRecord(url=row.url, platform="pasarku", title="seen again by a crawl")
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record, Verdict(row.url, (), None, (), "v1"))],
                                 now=T0 + 90 * timedelta(minutes=1))  # fmt: skip
    row, _ = state(sessions, listing_id)
    assert (row.status, row.recheck_failures, row.recheck_after) == ("active", 0, None)
