"""An actor's profile on SQLite and PostgreSQL: accounts, products, violations, takedown history
with reappearance under another account (and its hard negatives), risk score and reasons,
identifiers, pending suggestions, the graph, and who may see which actor."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import (
    Actor,
    ActorAccount,
    ActorLink,
    LinkSuggestion,
    Listing,
    TakedownLink,
    UnitListing,
)
from casebook.services import access, actor_profile, listings, register, takedown
from casebook.services.listings import ListingRecord, SellerRecord
from casebook.services.profiling import NoSuchActor
from rules.catalogue import load_catalogue
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
NOW = T0 + timedelta(days=10)
PHONE, BANK, EMAIL = "+6281234567890", "bca:1234567890", "sehat@mail.example"
UPT = "Balai Besar POM di Bandung"

# account -> (platform, shop name, city, identifiers)
ACCOUNTS = {
    "A": ("pasarku", "Toko Sehat", "Jakarta", (("phone", PHONE),)),
    "B": ("ceritaku", "Sehat Store", "Bandung", (("phone", PHONE), ("email", EMAIL))),
    "C": ("tokobebas", "Sehat Official", "", (("bank_account", BANK),)),
    "D": ("pasarku", "Toko Lain", "Surabaya", ()),
    "F": ("pasarku", "Toko F", "", ()),
    "G": ("ceritaku", "Akun G", "", ()),
}
# listing key -> (account, title, rule ids, days after T0 it was seen; a re-crawl adds a day)
LISTINGS = {
    "a1": ("A", "Krim Pemutih Super", ["NO-NIE"], [0]),
    "a2": ("A", "Jamu Kuat", ["BKO-TRAMADOL"], [0]),
    "a3": ("A", "krim  pemutih SUPER", ["NO-NIE"], [5]),  # its own account after: not reappearing
    "b1": ("B", "Krim Pemutih Super", ["NO-NIE"], [0, 5]),  # B kept selling after a1 went down
    "b2": ("B", "Kaos Polos", [], [5]),
    "c1": ("C", "Obat Keras Murah", ["RX-CLASS-K"], [6]),  # C showed up after a1 went down
    "d1": ("D", "Teh Pelangsing", ["CLAIM-PANACEA"], [0]),
    "f1": ("F", "Krim Malam", ["NO-NIE"], [0]),
    "g1": ("G", "Sabun Mandi", [], [5]),  # after f1 went down, but no finding: not reappearing
    "g2": ("G", "Krim Siang", ["NO-NIE"], [1]),  # a finding, but seen before f1 went down
}
# actor -> its accounts, the linker's evidence (account, identifier, other account)
ACTORS = {
    "Toko Sehat": ("ABC", [("B", "phone", PHONE, "A"), ("C", "bank_account", BANK, "B")]),
    "Toko Lain": ("D", []),
    "Dua Akun": ("FG", []),
    "Digabung": ("", []),  # merged into Toko Sehat: no accounts left
}
TAKEN_DOWN = {"a1": 2, "d1": 2, "f1": 2}  # listing -> days after T0 verified nonactive
STILL_UP = ("a2",)


def kind_of(platform: str, url: str) -> str:
    return {"pasarku": "marketplace", "ceritaku": "social"}.get(platform, "website")


def url_of(key: str) -> str:
    account = LISTINGS[key][0]
    return f"http://{ACCOUNTS[account][0]}.example/p/{key}"


def build(sessions) -> dict[str, dict]:
    """The world above: {"actors": name -> id, "sellers": account -> id, "listings": key -> id}"""
    catalogue = load_catalogue()
    days = sorted({d for *_, seen in LISTINGS.values() for d in seen})
    listing_ids: dict[str, int] = {}
    for day in days:
        batch = []
        for key, (account, title, rules, seen) in LISTINGS.items():
            if day not in seen:
                continue
            platform, shop, city, identifiers = ACCOUNTS[account]
            seller = SellerRecord(platform, shop, f"http://{platform}.example/s/{account}", city,
                                  identifiers)  # fmt: skip
            hits = tuple(RulesHit(catalogue.rule(r).code, r, 0.9, Evidence(title),
                                  catalogue.version) for r in rules)  # fmt: skip
            record = ListingRecord(url=url_of(key), platform=platform, title=title, seller=seller)
            batch.append((record, Verdict(url_of(key), (), "kosmetik", hits, catalogue.version)))
        with sessions() as session, session.begin():
            ids = listings.record_listings(session, batch, now=T0 + timedelta(days=day))
            listing_ids.update({k: ids.listing_ids[url_of(k)] for k in LISTINGS
                                if url_of(k) in ids.listing_ids})  # fmt: skip
    with sessions() as session, session.begin():
        sellers = {}
        for listing in session.scalars(select(Listing)):
            key = next(k for k, i in listing_ids.items() if i == listing.id)
            sellers[LISTINGS[key][0]] = listing.seller_id
        listed = [listing_ids[k] for k in (*TAKEN_DOWN, *STILL_UP)]
        entries = register.decide(session, listed, "takedown", reason="r", actor="ana")
        takedown.build_list(session, [e.id for e in entries], actor="ana", kind_of=kind_of,
                            now=T0 + timedelta(days=1))  # fmt: skip
        for link in session.scalars(select(TakedownLink)):
            key = next(k for k, i in listing_ids.items() if i == link.listing_id)
            if key in TAKEN_DOWN:
                link.link_status = "nonactive"
                link.taken_down_at = T0 + timedelta(days=TAKEN_DOWN[key])
            else:
                link.link_status, link.checked_at = "active", T0 + timedelta(days=1)
        actors = {}
        for name, (accounts, evidence) in ACTORS.items():
            actor = Actor(name=name, created_at=T0, updated_at=T0)
            session.add(actor)
            session.flush()
            actors[name] = actor.id
            session.add_all(ActorAccount(seller_id=sellers[a], actor_id=actor.id, joined_at=T0,
                                         how="auto") for a in accounts)  # fmt: skip
            session.add_all(ActorLink(actor_id=actor.id, seller_id=sellers[a], kind=kind,
                                      value=value, other_seller_id=sellers[other], created_at=T0)
                            for a, kind, value, other in evidence)  # fmt: skip
        session.get(Actor, actors["Digabung"]).merged_into_id = actors["Toko Sehat"]
        for a, b, status in (("C", "D", "pending"), ("A", "F", "rejected")):
            low, high = sorted((sellers[a], sellers[b]))
            session.add(LinkSuggestion(seller_a_id=low, seller_b_id=high, score=0.7,
                                       reasons=["nama toko mirip"], status=status,
                                       created_at=T0))  # fmt: skip
        session.add(UnitListing(unit=UPT, listing_id=listing_ids["d1"], via="test"))
    return {"actors": actors, "sellers": sellers, "listings": listing_ids}


@pytest.fixture
def world(sessions):
    return build(sessions)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(request, tmp_path_factory):
    """One world per database for the tests that only read it (the profile caches its score,
    the same every time): (sessions, world)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('actors') / 'patroli.db'}"
    else:
        admin_url = request.getfixturevalue("postgres_template")
        name = f"patroli_{request.module.__name__.rsplit('.', 1)[-1][5:30]}_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE patroli_template'))
        admin.dispose()
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    yield sessions, build(sessions)
    engine.dispose()


def profile_of(sessions, world, name):
    with sessions() as session, session.begin():
        return actor_profile.profile(session, world["actors"][name], now=NOW)


@pytest.mark.parametrize(
    "name, accounts, platforms, listings, with_findings, violations",
    [
        ("Toko Sehat", "ABC", [("ceritaku", 1), ("pasarku", 1), ("tokobebas", 1)], 6, 5,
         [("no_nie", 3), ("hazardous_ingredient", 1), ("prescription_drug", 1)]),
        ("Toko Lain", "D", [("pasarku", 1)], 1, 1, [("misleading_claim", 1)]),
        ("Dua Akun", "FG", [("pasarku", 1), ("ceritaku", 1)], 3, 2, [("no_nie", 2)]),
        ("Digabung", "", [], 0, 0, []),
    ],
)  # fmt: skip
def test_accounts_listings_and_violations(
    shared, name, accounts, platforms, listings, with_findings, violations
):
    sessions, world = shared
    found = profile_of(sessions, world, name)
    assert [a.seller_id for a in found.accounts] == [world["sellers"][a] for a in accounts]
    assert sorted(found.platforms) == sorted(platforms)
    assert (found.listings, found.with_findings) == (listings, with_findings)
    assert [(v.code, v.listings) for v in found.violations] == violations
    assert found.merged_into_id == (world["actors"]["Toko Sehat"] if name == "Digabung" else None)


def test_account_facts_and_products(shared):
    sessions, world = shared
    found = profile_of(sessions, world, "Toko Sehat")
    a, b, c = found.accounts
    assert (a.platform, a.shop_name, a.city, a.listings, a.with_findings) == (
        "pasarku", "Toko Sehat", "Jakarta", 3, 3)  # fmt: skip
    assert (b.listings, b.with_findings, b.first_seen, b.last_seen) == (
        2, 1, T0, T0 + timedelta(days=5))  # fmt: skip
    assert (c.first_seen, c.shop_url) == (T0 + timedelta(days=6), "http://tokobebas.example/s/C")
    assert (found.first_seen, found.last_seen) == (T0, T0 + timedelta(days=6))
    # one product whatever its case and spacing, counted across accounts
    assert [(p.title, p.listings, p.accounts) for p in found.products][:1] == [
        ("Krim Pemutih Super", 3, 2)
    ]
    assert {p.title for p in found.products} == {
        "Krim Pemutih Super", "Jamu Kuat", "Kaos Polos", "Obat Keras Murah"}  # fmt: skip


@pytest.mark.parametrize(
    "name, counts, reappearances",
    [
        # a1 down on day 2: B kept selling (seen day 5), C showed up (day 6); a3 is A's own
        ("Toko Sehat", (2, 1, 1, 0, 1), [("a1", "B", "kept_selling", 5),
                                         ("a1", "C", "new_account", 6)]),
        ("Toko Lain", (1, 1, 0, 0, 0), []),  # down, and no other account
        # f1 down on day 2: G's later listing has no finding, its finding predates the takedown
        ("Dua Akun", (1, 1, 0, 0, 0), []),
        ("Digabung", (0, 0, 0, 0, 0), []),
    ],
)  # fmt: skip
def test_takedown_history_and_reappearance(shared, name, counts, reappearances):
    sessions, world = shared
    found = profile_of(sessions, world, name)
    t = found.takedowns
    assert (t.listed, t.taken_down, t.still_up, t.unknown, t.reappeared) == counts
    sellers = {v: k for k, v in world["sellers"].items()}
    listing_keys = {v: k for k, v in world["listings"].items()}
    assert [
        (listing_keys[r.listing_id], sellers[r.by_seller_id], r.how, (r.seen_at - T0).days)
        for r in t.evidence
    ] == reappearances
    for r in t.evidence:
        assert r.taken_down_at == T0 + timedelta(days=2) and r.seller_id != r.by_seller_id


@pytest.mark.parametrize(
    "name, score, reasons",
    [
        ("Toko Sehat", 88, [(30, "pelanggaran terberat: Mengandung BKO/bahan dilarang"),
                            (20, "muncul kembali dengan akun lain setelah takedown (1 kali)"),
                            (15, "berjualan di 3 platform"), (10, "3 akun penjual"),
                            (10, "terlihat dalam 30 hari terakhir"), (3, "5 tautan melanggar")]),
        ("Toko Lain", 18, [(10, "terlihat dalam 30 hari terakhir"),
                           (8, "pelanggaran terberat: Klaim berlebihan/menyesatkan")]),
        ("Dua Akun", 33, [(10, "pelanggaran terberat: Tanpa NIE"),
                          (10, "terlihat dalam 30 hari terakhir"),
                          (8, "berjualan di 2 platform"), (5, "2 akun penjual")]),
        ("Digabung", 0, []),
    ],
)  # fmt: skip
def test_risk_score_with_its_reasons_is_cached(shared, name, score, reasons):
    sessions, world = shared
    found = profile_of(sessions, world, name)
    assert found.risk_score == score
    assert sorted((r.points, r.id) for r in found.reasons) == sorted(reasons)
    assert all(r.en and r.en != r.id for r in found.reasons)
    with sessions() as session:
        assert session.get(Actor, world["actors"][name]).risk_score == score


@pytest.mark.parametrize(
    "days_ago, points",
    [(0, 10), (30, 10), (31, 5), (90, 5), (91, 0)],
)
def test_recency_points(days_ago, points):
    quiet = actor_profile.Takedowns(0, 0, 0, 0, 0, ())
    reasons = actor_profile.risk_reasons(1, 1, [], 0, quiet, NOW - timedelta(days=days_ago), NOW)
    assert sum(r.points for r in reasons) == points


def test_identifiers_suggestions_and_graph(shared):
    sessions, world = shared
    found = profile_of(sessions, world, "Toko Sehat")
    s = world["sellers"]
    assert [(i.kind, i.value, i.seller_ids, i.joins) for i in found.identifiers] == [
        ("bank_account", BANK, tuple(sorted((s["B"], s["C"]))), True),
        ("phone", PHONE, tuple(sorted((s["A"], s["B"]))), True),
        ("email", EMAIL, (s["B"],), False),
    ]
    # the pending suggestion C-D touches this actor; the rejected A-F does not show
    assert [(x.seller_a_id, x.seller_b_id) for x in found.suggestions] == [
        tuple(sorted((s["C"], s["D"])))
    ]
    assert profile_of(sessions, world, "Dua Akun").suggestions == ()
    with sessions() as session:
        drawn = actor_profile.graph(session, world["actors"]["Toko Sehat"])
    keys = {n.key for n in drawn.nodes}
    assert keys == {f"seller:{s[a]}" for a in "ABC"} | {f"phone:{PHONE}", f"bank_account:{BANK}"}
    assert f"email:{EMAIL}" not in keys  # shown by one account, joining nothing
    assert sorted((e.a, e.b) for e in drawn.edges) == sorted(
        [(f"seller:{s['A']}", f"phone:{PHONE}"), (f"seller:{s['B']}", f"phone:{PHONE}"),
         (f"seller:{s['B']}", f"bank_account:{BANK}"), (f"seller:{s['C']}", f"bank_account:{BANK}")]
    )  # fmt: skip
    assert next(n for n in drawn.nodes if n.key == f"seller:{s['A']}").label == "Toko Sehat"


def test_a_missing_actor_is_named(shared):
    sessions, _ = shared
    with sessions() as session, pytest.raises(NoSuchActor, match="no actor 999"):
        actor_profile.profile(session, 999)
    with sessions() as session, pytest.raises(NoSuchActor, match="no actor 999"):
        actor_profile.graph(session, 999)


@pytest.mark.parametrize(
    "role, unit, seen",
    [
        ("analyst", "", ["Toko Sehat", "Toko Lain", "Dua Akun", "Digabung"]),
        ("viewer", "", ["Toko Sehat", "Toko Lain", "Dua Akun", "Digabung"]),  # Dit. Siber
        ("upt_officer", UPT, ["Toko Lain"]),  # reaches d1 only
        ("upt_officer", "Balai POM di Ambon", []),
    ],
)
def test_actor_condition(shared, role, unit, seen):
    sessions, world = shared
    scope = access.Scope("u", role, unit)
    with sessions() as session:
        found = session.scalars(
            select(Actor.name).where(access.condition(scope, "actor")).order_by(Actor.id)
        ).all()
        assert found == seen
        hidden = world["actors"]["Dua Akun"]
        assert access.visible(session, scope, "actor", hidden) == ("Dua Akun" in seen)


def test_refresh_risk_caches_the_scores_of_the_actors_named(sessions, world):
    ids = world["actors"]
    with sessions() as session, session.begin():
        named = [ids["Toko Sehat"], ids["Toko Lain"], ids["Toko Sehat"]]
        assert actor_profile.refresh_risk(session, named, now=NOW) == {
            ids["Toko Sehat"]: 88, ids["Toko Lain"]: 18}  # fmt: skip
    with sessions() as session:
        cached = dict(session.execute(select(Actor.name, Actor.risk_score)).all())
    assert cached == {"Toko Sehat": 88, "Toko Lain": 18, "Dua Akun": 0, "Digabung": 0}
