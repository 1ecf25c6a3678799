"""Findings are records: sequences of verdicts over one listing on a real SQLite casebook."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.models import Hit, Listing, ListingChange
from casebook.services import findings, listings, registry
from casebook.services.listings import ListingRecord
from rules.model import Evidence, RegistryProduct, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
URL = "http://pasar.example/p/krim"
MERKURI = ("hazardous_ingredient", "HAZ-MERKURI", "merkuri")
CLAIM = ("misleading_claim", "CLAIM-INSTANT", "putih dalam 3 hari")
NO_NIE = ("no_nie", "NO-NIE", "Krim Pemutih Super")
WARNED_A = ("public_warning", "WARN-NAME", "Krim", {"row": {"product_name": "A"}})
WARNED_B = ("public_warning", "WARN-NAME", "Krim", {"row": {"product_name": "B"}})


def step(found, version="v1", title="Krim Pemutih Super mengandung merkuri", **extra):
    """One crawl or rematch: what the listing said, what the rules found, with which catalogue."""
    hits = []
    for code, rule, text, *more in found:
        where = title.casefold().find(text.casefold())
        options = more[0] if more else {}
        hits.append(
            RulesHit(code, rule, options.get("score", 0.9),
                     Evidence(text, "title" if where >= 0 else "", where, where + len(text),
                              compared_with=options.get("row")),
                     version)
        )  # fmt: skip
    return title, Verdict(URL, (), "kosmetik", tuple(hits), version)


def run(sessions, steps) -> list[int]:
    """Record each step an hour apart; returns how many hit rows exist after each step."""
    counts = []
    for n, (title, verdict) in enumerate(steps):
        record = ListingRecord(url=URL, platform="pasarku", title=title)
        with sessions() as session, session.begin():
            listings.record_listings(session, [(record, verdict)], now=T0 + timedelta(hours=n))
        with sessions() as session:
            counts.append(len(session.scalars(select(Hit.id)).all()))
    return counts


def state(sessions):
    with sessions() as session:
        listing = findings.get_listing(session, session.scalars(select(Listing.id)).one())
        current = [(h.code, h.rule, h.evidence["text"], h.found_at - T0) for h in listing.hits]
        past = sorted(
            (h.code, h.rule, h.evidence["text"], h.found_at - T0, h.superseded_at - T0,
             h.superseded_version)
            for h in listing.past_hits
        )  # fmt: skip
        return current, past


H = timedelta(hours=1)

SEQUENCES = [
    pytest.param(
        [step([MERKURI]), step([MERKURI]), step([MERKURI])],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H)],
        [],
        [1, 1, 1],
        id="found-three-times-is-one-record",
    ),
    pytest.param(
        [step([MERKURI]), step([], title="Krim Pemutih Super"), step([MERKURI])],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 2 * H)],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H, 1 * H, "v1")],
        [1, 1, 2],
        id="found-gone-found-again-is-a-new-record",
    ),
    pytest.param(
        [step([MERKURI, CLAIM]), step([MERKURI], version="v2")],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H)],
        [("misleading_claim", "CLAIM-INSTANT", "putih dalam 3 hari", 0 * H, 1 * H, "v2")],
        [2, 2],
        id="new-catalogue-drops-a-rule",
    ),
    pytest.param(
        [step([MERKURI]), step([("hazardous_ingredient", "HAZ-HG", "merkuri")], version="v2")],
        [("hazardous_ingredient", "HAZ-HG", "merkuri", 1 * H)],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H, 1 * H, "v2")],
        [1, 2],
        id="rule-renamed-is-another-finding",
    ),
    pytest.param(
        [step([MERKURI, NO_NIE]), step([NO_NIE], title="Krim Pemutih Super aman")],
        [("no_nie", "NO-NIE", "Krim Pemutih Super", 0 * H)],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H, 1 * H, "v1")],
        [2, 2],
        id="seller-edits-merkuri-out",
    ),
    pytest.param(
        [step([MERKURI]), step([MERKURI], title="Promo! Krim Pemutih Super  mengandung MERKURI")],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H)],
        [],
        [1, 1],
        id="span-moved-and-case-changed-is-the-same-finding",
    ),
    pytest.param(
        [step([MERKURI]), step([(*MERKURI, {"score": 0.6})], version="v2")],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 0 * H)],
        [],
        [1, 1],
        id="retuned-score-is-the-same-finding",
    ),
    pytest.param(
        [step([]), step([]), step([MERKURI], version="v2")],
        [("hazardous_ingredient", "HAZ-MERKURI", "merkuri", 2 * H)],
        [],
        [0, 0, 1],
        id="clean-then-found-by-a-new-catalogue",
    ),
    pytest.param(
        [step([WARNED_A, WARNED_B]), step([WARNED_B])],
        [("public_warning", "WARN-NAME", "Krim", 0 * H)],
        [("public_warning", "WARN-NAME", "Krim", 0 * H, 1 * H, "v1")],
        [2, 2],
        id="same-span-two-warnings-pair-by-row",
    ),
]


@pytest.mark.parametrize("steps, current, past, counts", SEQUENCES)
def test_a_sequence_of_verdicts_keeps_every_finding(sessions, steps, current, past, counts):
    assert run(sessions, steps) == counts
    assert state(sessions) == (current, past)


def test_the_warning_left_current_is_the_one_still_found(sessions):
    run(sessions, [step([WARNED_A, WARNED_B]), step([WARNED_B])])
    with sessions() as session:
        listing = findings.get_listing(session, session.scalars(select(Listing.id)).one())
        assert [h.evidence["compared_with"] for h in listing.hits] == [{"product_name": "B"}]
        assert [h.evidence["compared_with"] for h in listing.past_hits] == [{"product_name": "A"}]


def test_a_kept_finding_stays_as_first_recorded(sessions):
    run(sessions, [step([MERKURI]), step([(*MERKURI, {"score": 0.6})], version="v2")])
    with sessions() as session:
        hit = session.scalars(select(Hit)).one()
        listing = session.scalars(select(Listing)).one()
    assert (hit.score, hit.catalogue_version, hit.superseded_at) == (0.9, "v1", None)
    assert listing.catalogue_version == "v2"  # the version that last judged the listing


def test_earlier_records_are_untouched_but_for_the_superseded_stamp(sessions):
    run(sessions, [step([MERKURI, CLAIM])])
    with sessions() as session:
        before = {
            h.id: (h.code, h.rule, h.evidence, h.found_at) for h in session.scalars(select(Hit))
        }
    run(sessions, [step([], title="Krim Pemutih"), step([CLAIM], version="v3")])
    with sessions() as session:
        after = {
            h.id: (h.code, h.rule, h.evidence, h.found_at) for h in session.scalars(select(Hit))
        }
    assert before.items() <= after.items() and len(after) == 3


def test_the_text_edit_is_in_the_change_history_beside_the_past_finding(sessions):
    run(sessions, [step([MERKURI]), step([], title="Krim Pemutih Super")])
    with sessions() as session:
        change = session.scalars(select(ListingChange)).one()
    assert change.changes["title"] == [
        "Krim Pemutih Super mengandung merkuri",
        "Krim Pemutih Super",
    ]
    assert state(sessions)[1][0][4] == change.seen_at - T0


def product(status: str) -> RegistryProduct:
    issued, expires = date(2024, 1, 1), date(2029, 1, 1)
    return RegistryProduct("NA18201234567", "Krim Pemutih Super", "Glowa", "kosmetik",
                           "PT Glowa", "Krim", issued, expires, status)  # fmt: skip


def test_rematch_after_registry_imports_supersedes_and_finds_again(sessions):
    from casebook.services.matching import Matcher, rematch

    shown = ListingRecord(url=URL, platform="pasarku", title="Glowa Krim Pemutih Super",
                          description="Krim pemutih, BPOM NA18201234567")  # fmt: skip
    today = date(2026, 11, 1)
    with sessions() as session, session.begin():
        registry.import_registry(session, [product("revoked")])
        verdict = Matcher.from_session(session).check(shown, today=today)
        listings.record_listings(session, [(shown, verdict)], now=T0)
    for n, status in enumerate(["valid", "revoked"], start=1):
        with sessions() as session, session.begin():
            registry.import_registry(session, [product(status)])
            rematch(session, Matcher.from_session(session), today=today, now=T0 + n * H)
    with sessions() as session:
        listing = findings.get_listing(session, session.scalars(select(Listing.id)).one())
        version = listing.catalogue_version
        assert [(h.code, h.found_at) for h in listing.hits] == [("expired_nie", T0 + 2 * H)]
        assert [(h.code, h.found_at, h.superseded_at, h.superseded_version)
                for h in listing.past_hits] == [("expired_nie", T0, T0 + H, version)]  # fmt: skip


def record_at(sessions, url: str, found, n: int) -> None:
    title, verdict = step(found)
    with sessions() as session, session.begin():
        listings.record_listings(
            session,
            [(ListingRecord(url=url, platform="pasarku", title=title), verdict)],
            now=T0 + n * H,
        )


@pytest.fixture
def three_listings(sessions):
    """past: merkuri superseded; current: merkuri found; clean: never a hit."""
    for n, found in enumerate([[MERKURI], []]):
        record_at(sessions, "http://pasar.example/p/past", found, n)
    record_at(sessions, "http://pasar.example/p/current", [MERKURI], 0)
    record_at(sessions, "http://pasar.example/p/clean", [], 0)
    return sessions


@pytest.mark.parametrize(
    "wanted, expected",
    [
        (findings.ListingFilter(code="hazardous_ingredient"), ["current"]),
        (findings.ListingFilter(code="misleading_claim"), []),
        (findings.ListingFilter(with_hits=True), ["current"]),
        (findings.ListingFilter(with_hits=False), ["clean", "past"]),
        (findings.ListingFilter(), ["clean", "current", "past"]),
    ],
)
def test_filters_match_current_findings_only(three_listings, wanted, expected):
    with three_listings() as session:
        page = findings.search(session, wanted)
        assert sorted(item.url.rsplit("/", 1)[1] for item in page.items) == expected
        assert page.total == len(expected)
        exported = [row["url"].rsplit("/", 1)[1] for row in findings.export(session, wanted)]
        assert sorted(exported) == expected


def test_the_export_carries_current_and_past_findings(three_listings):
    with three_listings() as session:
        rows = {
            row["url"].rsplit("/", 1)[1]: row
            for row in findings.export(session, findings.ListingFilter())
        }
    assert [v["type"] for v in rows["current"]["violations"]] == ["hazardous_ingredient"]
    assert rows["current"]["past_violations"] == [] and rows["clean"]["past_violations"] == []
    assert rows["past"]["violations"] == []
    (past,) = rows["past"]["past_violations"]
    assert (past["type"], past["found_at"], past["superseded_at"], past["superseded_version"]) == (
        "hazardous_ingredient", T0.isoformat(), (T0 + H).isoformat(), "v1",
    )  # fmt: skip


def test_summary_counts_current_findings_only(three_listings):
    with three_listings() as session:
        summary = findings.summary(session)
    assert (summary.listings, summary.with_hits) == (3, 1)
    assert summary.by_code == {"hazardous_ingredient": 1}


@pytest.mark.parametrize(
    "reads, stored",
    [
        (["json-ld"], "json-ld"),
        (["json-ld", None], "json-ld"),  # a record that does not say (a JSONL import) keeps it
        (["microdata", "generic"], "generic"),
        ([None], None),
        (["a-very-long-unknown-reader-name"], "a-very-long-unkn"),
    ],
)
def test_how_a_listing_was_read_is_kept(sessions, reads, stored):
    for n, read_by in enumerate(reads):
        record = ListingRecord(url=URL, platform="pasarku", title=f"Krim {n}", read_by=read_by)
        with sessions() as session, session.begin():
            listings.record_listings(session, [(record, step([])[1])], now=T0 + n * H)
    with sessions() as session:
        assert session.scalars(select(Listing.read_by)).one() == stored
