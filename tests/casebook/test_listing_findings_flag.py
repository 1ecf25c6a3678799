"""listings.has_findings (the dashboard's flag) follows the hits: recorded, superseded by a
re-crawl without the hit or a new catalogue, found again — on SQLite and PostgreSQL — and
migration 0012 backfills it from the hits already stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import exists, select, text

from casebook import schema
from casebook.models import Hit, Listing
from casebook.services import access, dashboard, listings, registry
from casebook.services.listings import ListingRecord
from rules.model import Evidence, RegistryProduct, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
H = timedelta(hours=1)
URL = "http://pasar.example/p/krim"


def verdict(codes, version="v1", url=URL) -> Verdict:
    hits = tuple(RulesHit(code, f"R-{code}", 0.9, Evidence(code), version) for code in codes)
    return Verdict(url, (), "kosmetik", hits, version)


def crawl(sessions, codes, n: int, version="v1", url=URL) -> None:
    record = ListingRecord(url=url, platform="pasarku", title="Krim Pemutih")
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record, verdict(codes, version, url))], now=T0 + n * H)


def flags(sessions) -> dict[str, tuple[bool, bool]]:
    """url -> (has_findings, whether a current hit exists), read back from the database."""
    current = exists().where(Hit.listing_id == Listing.id, Hit.superseded_at.is_(None))
    with sessions() as session:
        rows = session.execute(select(Listing.url, Listing.has_findings, current)).all()
    return {url: (bool(flag), bool(found)) for url, flag, found in rows}


@pytest.mark.parametrize(
    "steps, expected",
    [
        pytest.param([([], "v1")], [False], id="clean-listing-has-none"),
        pytest.param([(["no_nie"], "v1")], [True], id="recorded"),
        pytest.param(
            [(["no_nie"], "v1"), ([], "v1")], [True, False], id="re-crawl-without-the-hit"
        ),
        pytest.param(
            [(["no_nie", "misleading_claim"], "v1"), (["misleading_claim"], "v1")],
            [True, True],
            id="one-of-two-superseded-keeps-the-flag",
        ),
        pytest.param([(["no_nie"], "v1"), ([], "v2")], [True, False], id="new-catalogue-drops-it"),
        pytest.param(
            [(["no_nie"], "v1"), (["expired_nie"], "v2")],
            [True, True],
            id="new-catalogue-swaps-the-finding",
        ),
        pytest.param(
            [(["no_nie"], "v1"), ([], "v1"), (["no_nie"], "v1")],
            [True, False, True],
            id="found-again",
        ),
        pytest.param(
            [(["no_nie"], "v1"), (["no_nie"], "v1"), (["no_nie"], "v1")],
            [True, True, True],
            id="found-three-times",
        ),
    ],
)
def test_the_flag_follows_each_crawl(sessions, steps, expected):
    seen = []
    for n, (codes, version) in enumerate(steps):
        crawl(sessions, codes, n, version)
        flag, current = flags(sessions)[URL]
        assert flag == current  # never out of step with the hits
        seen.append(flag)
    assert seen == expected


def product(status: str) -> RegistryProduct:
    issued, expires = date(2024, 1, 1), date(2029, 1, 1)
    return RegistryProduct("NA18201234567", "Krim Pemutih Super", "Glowa", "kosmetik",
                           "PT Glowa", "Krim", issued, expires, status)  # fmt: skip


def test_the_flag_follows_a_rematch_after_a_registry_import(sessions):
    from casebook.services.matching import Matcher, rematch

    shown = ListingRecord(url=URL, platform="pasarku", title="Glowa Krim Pemutih Super",
                          description="Krim pemutih, BPOM NA18201234567")  # fmt: skip
    today = date(2026, 11, 1)
    with sessions() as session, session.begin():
        registry.import_registry(session, [product("revoked")])
        found = Matcher.from_session(session).check(shown, today=today)
        listings.record_listings(session, [(shown, found)], now=T0)
    seen = [flags(sessions)[URL]]
    for n, status in enumerate(["valid", "revoked"], start=1):
        with sessions() as session, session.begin():
            registry.import_registry(session, [product(status)])
            rematch(session, Matcher.from_session(session), today=today, now=T0 + n * H)
        seen.append(flags(sessions)[URL])
    assert seen == [(True, True), (False, False), (True, True)]


def test_the_dashboard_counts_a_superseded_listing_no_more(sessions):
    analyst = access.Scope("analis", "analyst")
    crawl(sessions, ["no_nie"], 0)
    crawl(sessions, ["no_nie"], 0, url="http://pasar.example/p/lain")
    counted = []
    for n, codes in enumerate([[], ["no_nie"]], start=1):
        crawl(sessions, codes, n)
        with sessions() as session:
            board = dashboard.figures(session, analyst, dashboard.Filters(), now=T0 + 9 * H)
        counted.append((board.stages["with_findings"], board.by_commodity, board.by_violation))
    assert counted == [
        (1, {"kosmetik": 1}, {"no_nie": 1}),
        (2, {"kosmetik": 2}, {"no_nie": 2}),
    ]


def test_migration_0012_backfills_the_flag_from_current_hits(engine, sessions):
    crawl(sessions, ["no_nie"], 0, url="http://pasar.example/p/current")
    crawl(sessions, ["no_nie"], 0, url="http://pasar.example/p/past")
    crawl(sessions, [], 1, url="http://pasar.example/p/past")
    crawl(sessions, [], 0, url="http://pasar.example/p/clean")
    config = schema.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    with engine.begin() as connection:
        columns = connection.execute(text("SELECT * FROM listings")).keys()
        assert "has_findings" not in columns
    schema.upgrade(engine)
    assert flags(sessions) == {
        "http://pasar.example/p/current": (True, True),
        "http://pasar.example/p/past": (False, False),
        "http://pasar.example/p/clean": (False, False),
    }
