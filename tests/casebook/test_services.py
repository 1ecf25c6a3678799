"""Casebook services on a real SQLite file: imports, listings, changes, hits, statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from casebook.models import Hit, Listing, ListingChange, PublicWarningEntry, RegisteredProduct
from casebook.services import listings, registry
from casebook.services.listings import ListingRecord, SellerRecord, StatusCheck
from rules.model import Evidence, PublicWarning, RegistryProduct, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def product(nie: str, status: str = "valid", name: str = "Sekar Ayu Jamu Pegal Linu"):
    return RegistryProduct(nie, name, "Sekar Ayu", "obat_tradisional", "PT Sekar", "Serbuk",
                           date(2024, 1, 1), date(2029, 1, 1), status)  # fmt: skip


def test_registry_import_upserts_by_nie_and_is_idempotent(sessions):
    rows = [product("TR123456789"), product("TR987654321", name="Sekar Ayu Kapsul Kunyit")]
    with sessions() as session, session.begin():
        first = registry.import_registry(session, rows)
    with sessions() as session, session.begin():
        again = registry.import_registry(session, rows)
    with sessions() as session, session.begin():
        changed = registry.import_registry(session, [product("TR123456789", "revoked")])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert (changed.added, changed.updated) == (0, 1)
    with sessions() as session:
        assert session.get(RegisteredProduct, "TR123456789").status == "revoked"
        assert [p.nie for p in registry.registry_products(session)] == [
            "TR123456789",
            "TR987654321",
        ]


def test_warnings_without_nie_are_keyed_by_brand_and_name(sessions):
    warning = PublicWarning("Laras Jamu Asam Urat", "Laras", "", "obat_tradisional", "fenilbutazon")
    with sessions() as session, session.begin():
        registry.import_warnings(session, [warning, warning])
        registry.import_warnings(session, [PublicWarning("Laras Jamu Asam Urat", "LARAS ", "")])
    with sessions() as session:
        assert session.scalar(select(func.count(PublicWarningEntry.id))) == 1


def verdict(url: str, *codes: str) -> Verdict:
    hits = tuple(RulesHit(code, f"R-{code}", 1.0, Evidence("x"), "v1") for code in codes)
    return Verdict(url, (), "obat_tradisional", hits, "v1")


def record(url: str, price: float = 25000.0, title: str = "Jamu Pegal Linu") -> ListingRecord:
    seller = SellerRecord("pasarku", "Toko Jamu", "http://pasar.example/toko/jamu",
                          identifiers=(("phone", "+6281234567890"),))  # fmt: skip
    return ListingRecord(url=url, platform="pasarku", title=title, price=price, seller=seller)


def test_a_recrawl_updates_in_place_and_records_what_changed(sessions):
    url = "http://pasar.example/p/jamu"
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record(url), verdict(url, "no_nie"))], now=T0)
    later = T0 + timedelta(days=1)
    with sessions() as session, session.begin():
        result = listings.record_listings(
            session, [(record(url, price=30000.0), verdict(url, "no_nie"))], now=later
        )
    assert (result.added, result.changed) == (0, 1)
    with sessions() as session:
        stored = session.scalars(select(Listing)).one()
        change = session.scalars(select(ListingChange)).one()
        assert stored.first_seen == T0 and stored.last_seen == later
        assert stored.price == 30000.0
        assert change.changes == {"price": [25000.0, 30000.0]}
        assert stored.seller.identifiers[0].value == "+6281234567890"


def test_the_same_content_again_changes_nothing_but_last_seen(sessions):
    url = "http://pasar.example/p/jamu"
    for day in range(3):
        with sessions() as session, session.begin():
            listings.record_listings(
                session, [(record(url), verdict(url, "no_nie"))], now=T0 + timedelta(days=day)
            )
    with sessions() as session:
        assert session.scalar(select(func.count(Listing.id))) == 1
        assert session.scalar(select(func.count(ListingChange.id))) == 0
        assert session.scalar(select(func.count(Hit.id))) == 1


def test_hits_follow_the_latest_verdict(sessions):
    url = "http://pasar.example/p/jamu"
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record(url), verdict(url, "no_nie"))], now=T0)
    with sessions() as session, session.begin():
        listings.record_listings(
            session, [(record(url), verdict(url, "hazardous_ingredient", "no_nie"))], now=T0
        )
    with sessions() as session:
        codes = sorted(session.scalars(select(Hit.code)))
    assert codes == ["hazardous_ingredient", "no_nie"]


def test_a_batch_with_the_same_url_twice_stores_one_listing(sessions):
    url = "http://pasar.example/p/jamu"
    with sessions() as session, session.begin():
        listings.record_listings(
            session, [(record(url), verdict(url)), (record(url, 1.0), verdict(url))], now=T0
        )
    with sessions() as session:
        assert session.scalars(select(Listing.price)).one() == 1.0


def test_status_changes_are_kept_in_the_history(sessions):
    url = "http://pasar.example/p/jamu"
    with sessions() as session, session.begin():
        ids = listings.record_listings(session, [(record(url), verdict(url))], now=T0).listing_ids
    with sessions() as session, session.begin():
        changed = listings.record_statuses(
            session, [StatusCheck(ids[url], "nonactive", "HTTP 404")], now=T0
        )
    assert changed == 1
    with sessions() as session:
        stored = session.get(Listing, ids[url])
        change = session.scalars(select(ListingChange)).one()
    assert (stored.status, stored.status_reason) == ("nonactive", "HTTP 404")
    assert change.changes == {"status": ["active", "nonactive"], "reason": "HTTP 404"}


def test_hostile_sizes_are_bounded(sessions):
    url = "http://pasar.example/p/besar"
    huge = ListingRecord(url=url, platform="pasarku", title="x" * 5000, description="y" * 10**6)
    with sessions() as session, session.begin():
        listings.record_listings(session, [(huge, verdict(url))], now=T0)
    with sessions() as session:
        stored = session.scalars(select(Listing)).one()
    assert len(stored.title) == listings.MAX_TITLE
    assert len(stored.description) == listings.MAX_DESCRIPTION


def test_rematch_follows_a_registry_change(sessions):
    from casebook.services.matching import Matcher, rematch

    registered = product("TR123456789")
    url = "http://pasar.example/p/jamu"
    shown = ListingRecord(
        url=url, platform="pasarku", title="Sekar Ayu Jamu Pegal Linu",
        description="Jamu pegal linu, BPOM TR 123 456 789",
    )  # fmt: skip
    with sessions() as session, session.begin():
        registry.import_registry(session, [registered])
        matcher = Matcher.from_session(session)
        listings.record_listings(session, [(shown, matcher.check(shown, today=date(2026, 1, 1)))])
    with sessions() as session:
        assert session.scalars(select(Hit.code)).all() == []
    with sessions() as session, session.begin():
        registry.import_registry(session, [product("TR123456789", "revoked")])
        assert rematch(session, Matcher.from_session(session), today=date(2026, 1, 1)) == 1
    with sessions() as session:
        assert session.scalars(select(Hit.code)).all() == ["expired_nie"]


def test_hostile_text_with_nul_and_lone_surrogates_is_stored(sessions):
    # PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded as UTF-8.
    url = "http://pasar.example/p/hostile"
    seller = SellerRecord("pasarku", "Toko\ud83d")
    hostile = ListingRecord(url=url, platform="pasarku", title="Krim\x00 Pemutih \ud800",
                            description="a\x00b", seller=seller)  # fmt: skip
    with sessions() as session, session.begin():
        listings.record_listings(session, [(hostile, verdict(url))], now=T0)
    with sessions() as session:
        row = session.scalars(select(Listing).where(Listing.url == url)).one()
        assert (row.title, row.description) == ("Krim Pemutih ?", "ab")
        assert row.seller.name == "Toko?"
