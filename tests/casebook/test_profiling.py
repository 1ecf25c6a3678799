"""Relinking seller accounts into actors in the casebook (SQLite and PostgreSQL): strong
identifiers join, weak signals only suggest, stoplisted and too-common numbers join nothing,
actor ids stay across relinks, and the incremental relink agrees with the full one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casebook.models import Actor, ActorAccount, ActorLink, AuditEvent, LinkSuggestion
from casebook.services import audit, listings, profiling
from casebook.services.listings import SellerRecord

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
P1, P2, P3 = "+6281211112222", "+6281233334444", "+6281255556666"
CS = "+6281500005000"  # a marketplace's customer service, on many shops
E1, BANK = "cendana@mail.test", "bca:1234567890"

# label -> (platform, shop name, identifiers); A = a1..a3 (a chain), B = b1..b2, c1/d1 alike names
WORLD = {
    "a1": ("pasarku", "Cendana Alami", (("phone", P1),)),
    "a2": ("ceritaku", "Cendana Alami Official", (("phone", P1), ("email", E1))),
    "a3": ("tokosehat", "Cendana Alami Store", (("email", E1),)),
    "b1": ("pasarku", "Mawar Sehat", (("bank_account", BANK),)),
    "b2": ("ceritaku", "Raja Mawar", (("bank_account", BANK),)),
    "c1": ("pasarku", "Kencana Obat Murah", (("phone", P2),)),
    "d1": ("tokosehat", "Kencana Obat Murah 88", (("phone", P3),)),
}


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def add_sellers(session, world, now=T0) -> dict[str, int]:
    records = [
        SellerRecord(platform, name, f"https://{platform}.test/toko/{slug(name)}",
                     city[0] if city else "Bandung", ids)
        for label, (platform, name, ids, *city) in world.items()
    ]  # fmt: skip
    found = listings.record_sellers(session, records, now=now)
    return {label: found[(r.platform, r.key)].id for label, r in zip(world, records, strict=True)}


@pytest.fixture
def world(sessions):
    with sessions() as session, session.begin():
        ids = add_sellers(session, WORLD)
        profiling.relink(session, actor="tester", now=T0)
    return ids


def actor_of(session) -> dict[int, int]:
    return dict(session.execute(select(ActorAccount.seller_id, ActorAccount.actor_id)).all())


def together(session, ids, *labels) -> bool:
    actors = actor_of(session)
    return len({actors[ids[label]] for label in labels}) == 1


def pending_pair(session, ids, a, b) -> LinkSuggestion | None:
    low, high = sorted((ids[a], ids[b]))
    return session.scalar(
        select(LinkSuggestion).where(
            LinkSuggestion.seller_a_id == low, LinkSuggestion.seller_b_id == high
        )
    )


@pytest.mark.parametrize(
    "a, b, joined",
    [
        ("a1", "a2", True),  # a phone number
        ("a2", "a3", True),  # an e-mail
        ("a1", "a3", True),  # transitively, through a2
        ("b1", "b2", True),  # a bank account
        ("c1", "d1", False),  # only look-alike names: a suggestion, not a link
        ("a1", "b1", False),
        ("a3", "c1", False),
    ],
)
def test_strong_identifiers_join_and_nothing_else_does(sessions, world, a, b, joined):
    with sessions() as session:
        assert together(session, world, a, b) is joined


def test_every_account_has_one_actor_named_by_its_shops(sessions, world):
    with sessions() as session:
        actors = actor_of(session)
        assert set(actors) == set(world.values())
        a = session.get(Actor, actors[world["a1"]])
        assert a.name == "Cendana Alami" and a.merged_into_id is None
        assert len(set(actors.values())) == 4


def test_the_evidence_names_the_identifier_and_another_account(sessions, world):
    with sessions() as session:
        rows = session.execute(
            select(ActorLink.seller_id, ActorLink.kind, ActorLink.value, ActorLink.other_seller_id)
        ).all()
    assert (world["a3"], "email", E1, world["a2"]) in rows
    assert (world["a1"], "phone", P1, world["a2"]) in rows
    assert (world["b2"], "bank_account", BANK, world["b1"]) in rows
    assert not [row for row in rows if row[0] in (world["c1"], world["d1"])]


def test_look_alike_names_are_suggested_with_their_reason(sessions, world):
    with sessions() as session:
        suggestion = pending_pair(session, world, "c1", "d1")
        assert suggestion is not None and suggestion.status == "pending"
        assert any("name" in reason for reason in suggestion.reasons)
        [row] = [x for x in profiling.suggestions(session) if x.id == suggestion.id]
        assert {row.a.name, row.b.name} == {"Kencana Obat Murah", "Kencana Obat Murah 88"}
        assert row.a.actor_id != row.b.actor_id


def test_a_relink_of_an_unchanged_casebook_changes_nothing_and_audits_nothing(sessions, world):
    with sessions() as session, session.begin():
        before = actor_of(session)
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        result = profiling.relink(session, now=T0 + timedelta(hours=1))
        assert not result.changed and result.full
        assert actor_of(session) == before
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_new_account_joins_its_actor_incrementally(sessions, world):
    with sessions() as session, session.begin():
        old = actor_of(session)[world["a1"]]
        new = add_sellers(session, {"a4": ("pasarku", "Cendana 2", (("phone", P1),))})
        result = profiling.relink(session, seller_ids=new.values(), now=T0)
        assert not result.full and result.accounts == 4  # a1..a3 and a4, nothing else
        assert actor_of(session)[new["a4"]] == old
        assert session.get(ActorAccount, new["a4"]).how == "auto"


def test_a_bridge_merges_two_actors_into_the_older(sessions, world):
    with sessions() as session, session.begin():
        actors = actor_of(session)
        a, b = actors[world["a1"]], actors[world["b1"]]
        bridge = add_sellers(
            session, {"x": ("ceritaku", "Bridge", (("phone", P1), ("bank_account", BANK)))}
        )
        result = profiling.relink(session, seller_ids=bridge.values(), now=T0)
        kept, gone = min(a, b), max(a, b)
        assert result.merged == {gone: kept}
        assert set(actor_of(session).values()) >= {kept} and gone not in actor_of(session).values()
        assert session.get(Actor, gone).merged_into_id == kept
        assert profiling.current_actor(session, gone) == kept
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "actors.relink" and event.after["merged"] == {str(gone): kept}


def test_the_incremental_relink_agrees_with_the_full_one(sessions, world):
    extra = {
        "e1": ("pasarku", "Melati", (("phone", P2),)),  # joins c1
        "e2": ("ceritaku", "Melati 2", (("email", E1), ("phone", P3))),  # joins A and d1
        "e3": ("tokosehat", "Sendiri", ()),
    }
    with sessions() as session, session.begin():
        new = add_sellers(session, extra)
        for seller_id in new.values():
            profiling.relink(session, seller_ids=[seller_id], now=T0)
        incremental = actor_of(session)
        result = profiling.relink(session, now=T0)
        assert actor_of(session) == incremental
        assert (result.moved, result.created, result.merged) == (0, [], {})


@pytest.mark.parametrize("mode", ["full", "incremental"])
def test_a_number_too_common_glues_nothing(sessions, world, mode):
    noise = {f"n{i}": ("pasarku", f"Toko Acak {i}", (("phone", CS),)) for i in range(12)}
    with sessions() as session, session.begin():
        new = add_sellers(session, noise)
        seller_ids = None if mode == "full" else [new["n0"], new["n1"]]
        result = profiling.relink(session, seller_ids=seller_ids, now=T0)
        actors = actor_of(session)
        linked = [new[x] for x in noise] if mode == "full" else seller_ids
        assert len({actors[s] for s in linked}) == len(linked)  # each alone
        assert set(actors) == set(world.values()) | set(linked)
        assert ("phone", CS) in {(kind, value) for kind, value, _ in result.common}


def test_a_number_named_as_a_couriers_joins_nothing(sessions, world):
    shops = {
        "k1": ("pasarku", "Satu", (("phone", "+6281277770000"),)),
        "k2": ("pasarku", "Dua", (("phone", "+6281277770000"),)),
        "k3": ("pasarku", "Tiga", (("third_party_phone", "+6281277770000"),)),
        "k4": ("pasarku", "Empat", (("third_party_phone", "+6281277770000"),)),
    }
    with sessions() as session, session.begin():
        new = add_sellers(session, shops)
        profiling.relink(session, seller_ids=[new["k1"], new["k2"]], now=T0)
        assert not together(session, new, "k1", "k2")
        profiling.relink(session, now=T0)
        assert not together(session, new, "k1", "k2")


def test_a_stoplisted_number_no_longer_joins_and_joins_again_once_removed(sessions, world):
    with sessions() as session, session.begin():
        a = actor_of(session)[world["a1"]]
        stop = profiling.add_stop(session, "phone", "0812-1111-2222", reason="template number",
                                  actor="admin", now=T0)  # fmt: skip
        assert (stop.kind, stop.value) == ("phone", P1)
        actors = actor_of(session)
        assert actors[world["a2"]] == actors[world["a3"]] == a  # the larger part keeps the id
        assert actors[world["a1"]] != a
        profiling.relink(session, now=T0)  # a full relink keeps it out too
        assert actor_of(session)[world["a1"]] != a
        alone = actor_of(session)[world["a1"]]
        profiling.remove_stop(session, stop.id, actor="admin", now=T0)
        assert actor_of(session)[world["a1"]] == a
        assert session.get(Actor, alone).merged_into_id == a
        assert [s.id for s in profiling.stoplist(session)] == []
        assert [s.removed_by for s in profiling.stoplist(session, include_removed=True)] == [
            "admin"
        ]


def test_a_confirmed_suggestion_is_pinned_and_survives_relinking(sessions, world):
    with sessions() as session, session.begin():
        suggestion = pending_pair(session, world, "c1", "d1")
        profiling.confirm_suggestion(session, suggestion.id, actor="analyst", now=T0)
        assert together(session, world, "c1", "d1")
        assert session.get(ActorAccount, world["d1"]).how in ("confirmed", "auto")
        profiling.relink(session, now=T0)
        assert together(session, world, "c1", "d1")
        assert suggestion.status == "confirmed" and suggestion.decided_by == "analyst"
        with pytest.raises(profiling.ProfilingError, match="already confirmed"):
            profiling.reject_suggestion(session, suggestion.id, actor="analyst")


def test_a_rejected_pair_is_never_suggested_again(sessions, world):
    with sessions() as session, session.begin():
        suggestion = pending_pair(session, world, "c1", "d1")
        profiling.reject_suggestion(session, suggestion.id, actor="analyst", now=T0)
        for seller_ids in (None, [world["c1"], world["d1"]]):
            profiling.relink(session, seller_ids=seller_ids, now=T0)
        rows = session.scalars(select(LinkSuggestion)).all()
        pair = sorted((world["c1"], world["d1"]))
        assert [(r.status, r.id) for r in rows if [r.seller_a_id, r.seller_b_id] == pair] == [
            ("rejected", suggestion.id)
        ]
        assert not [
            x for x in profiling.suggestions(session) if [x.a.seller_id, x.b.seller_id] == pair
        ]
        assert not together(session, world, "c1", "d1")


@pytest.mark.parametrize("into_label", ["a1", "b1"])  # into the older actor, and the newer
def test_a_merge_keeps_the_analysts_actor_and_survives_relinking(sessions, world, into_label):
    other_label = "b1" if into_label == "a1" else "a1"
    with sessions() as session, session.begin():
        actors = actor_of(session)
        into, other = actors[world[into_label]], actors[world[other_label]]
        merged = profiling.merge_actors(session, into, [other], actor="analyst", reason="one",
                                        now=T0)  # fmt: skip
        assert merged.id == into
        assert session.get(Actor, other).merged_into_id == into
        for seller_ids in (None, [world["a1"]]):
            profiling.relink(session, seller_ids=seller_ids, now=T0)
            assert together(session, world, "a1", "a2", "a3", "b1", "b2")
            assert actor_of(session)[world["a1"]] == into
        assert session.get(ActorAccount, world[other_label]).how == "merged"


@pytest.mark.parametrize("split", [["a1"], ["a2", "a3"]])  # the smaller part, and the larger
def test_a_split_gives_the_accounts_a_new_actor_and_survives_relinking(sessions, world, split):
    with sessions() as session, session.begin():
        a = actor_of(session)[world["a1"]]
        new = profiling.split_actor(session, a, [world[x] for x in split], actor="analyst",
                                    reason="two people", now=T0)  # fmt: skip
        rest = [x for x in ("a1", "a2", "a3") if x not in split]
        for seller_ids in (None, [world["a2"]]):
            profiling.relink(session, seller_ids=seller_ids, now=T0)
            actors = actor_of(session)
            assert {actors[world[x]] for x in split} == {new.id}
            assert {actors[world[x]] for x in rest} == {a}
        assert session.get(ActorAccount, world[split[0]]).how == "split"


def _confirm(session, world):
    profiling.confirm_suggestion(session, pending_pair(session, world, "c1", "d1").id,
                                 actor="analyst", now=T0)  # fmt: skip


def _reject(session, world):
    profiling.reject_suggestion(session, pending_pair(session, world, "c1", "d1").id,
                                actor="analyst", now=T0)  # fmt: skip


def _merge(session, world):
    actors = actor_of(session)
    profiling.merge_actors(session, actors[world["a1"]], [actors[world["b1"]]], actor="analyst")


def _split(session, world):
    profiling.split_actor(session, actor_of(session)[world["a1"]], [world["a1"]], actor="analyst")


def _stop(session, world):
    profiling.add_stop(session, "bank_account", BANK, reason="rekber", actor="admin")


@pytest.mark.parametrize(
    "decide, actions",
    [
        (_confirm, {"suggestion.confirm", "actors.relink"}),
        (_reject, {"suggestion.reject"}),
        (_merge, {"actor.merge", "actors.relink"}),
        (_split, {"actor.split", "actors.relink"}),
        (_stop, {"stoplist.add", "actors.relink"}),
    ],
)
def test_every_decision_is_audited(sessions, world, decide, actions):
    with sessions() as session, session.begin():
        last = session.scalar(select(func.max(AuditEvent.id)))
        decide(session, world)
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > last)).all()
        assert {e.action for e in events} == actions
        assert {e.actor for e in events} <= {"analyst", "admin"}
        assert audit.verify(session) == []


def _bad(session, world):
    actors = actor_of(session)
    a, b = actors[world["a1"]], actors[world["b1"]]
    return a, b, [world["a1"], world["a2"], world["a3"]]


@pytest.mark.parametrize(
    "attempt, error, message",
    [
        (lambda s, a, b, A: profiling.split_actor(s, a, A, actor="x"), profiling.ProfilingError,
         "all its accounts"),
        (lambda s, a, b, A: profiling.split_actor(s, a, [], actor="x"), profiling.ProfilingError,
         "name the accounts"),
        (lambda s, a, b, A: profiling.split_actor(s, b, A[:1], actor="x"),
         profiling.ProfilingError, "not accounts of actor"),
        (lambda s, a, b, A: profiling.merge_actors(s, a, [a], actor="x"), profiling.ProfilingError,
         "at least one other"),
        (lambda s, a, b, A: profiling.merge_actors(s, 99_999, [a], actor="x"),
         profiling.NoSuchActor, "no actor 99999"),
        (lambda s, a, b, A: profiling.merge_actors(s, a, [99_999], actor="x"),
         profiling.NoSuchActor, "no actor 99999"),
        (lambda s, a, b, A: profiling.get_actor(s, 99_999), profiling.NoSuchActor, "no actor"),
        (lambda s, a, b, A: profiling.confirm_suggestion(s, 99_999, actor="x"),
         profiling.NoSuchSuggestion, "no suggestion 99999"),
        (lambda s, a, b, A: profiling.add_stop(s, "phone", "12345", reason="r", actor="x"),
         profiling.ProfilingError, "not an Indonesian mobile number"),
        (lambda s, a, b, A: profiling.add_stop(s, "city", "Bandung", reason="r", actor="x"),
         profiling.ProfilingError, "unknown identifier kind"),
        (lambda s, a, b, A: profiling.add_stop(s, "phone", P1, reason=" ", actor="x"),
         profiling.ProfilingError, "reason"),
        (lambda s, a, b, A: profiling.remove_stop(s, 99_999, actor="x"),
         profiling.ProfilingError, "no stoplist entry 99999"),
        (lambda s, a, b, A: profiling.suggestions(s, status="maybe"), profiling.ProfilingError,
         "unknown status"),
    ],
)  # fmt: skip
def test_bad_decisions_say_why_and_change_nothing(sessions, world, attempt, error, message):
    with sessions() as session:
        before = actor_of(session)
        a, b, accounts = _bad(session, world)
        with pytest.raises(error, match=message):
            attempt(session, a, b, accounts)
        session.rollback()
        assert actor_of(session) == before


def test_a_merged_actor_cannot_be_merged_or_split_again(sessions, world):
    with sessions() as session, session.begin():
        a, b, _ = _bad(session, world)
        profiling.merge_actors(session, a, [b], actor="analyst")
        for attempt in (
            lambda: profiling.merge_actors(session, b, [a], actor="analyst"),
            lambda: profiling.split_actor(session, b, [world["b1"]], actor="analyst"),
        ):
            with pytest.raises(profiling.ProfilingError, match=f"merged into actor {a}"):
                attempt()
        assert profiling.get_actor(session, b).merged_into_id == a  # its page still answers


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, {"a", "b", "c", "d"}),
        ({"q": "cendana"}, {"a"}),
        ({"q": "raja"}, {"b"}),  # an account's name, not the actor's
        ({"q": "100%"}, set()),
        ({"platform": "tokosehat"}, {"a", "d"}),
        ({"min_accounts": 2}, {"a", "b"}),
        ({"limit": 1}, {"a"}),
    ],
)
def test_the_list_of_actors(sessions, world, kwargs, expected):
    with sessions() as session:
        actors = actor_of(session)
        label_of = {actors[world[f"{x}1"]]: x for x in "abcd"}
        rows = profiling.actors(session, **kwargs)
        assert {label_of[row.id] for row in rows} == expected
        after = profiling.actors(session, after_id=rows[0].id) if rows else []
        assert rows[0].id not in {row.id for row in after} if rows else True
        a = next((row for row in rows if label_of[row.id] == "a"), None)
        if a is not None:
            assert (a.accounts, a.platforms) == (3, ("ceritaku", "pasarku", "tokosehat"))
            assert [x.seller_id for x in profiling.accounts(session, a.id)] == sorted(
                world[x] for x in ("a1", "a2", "a3")
            )


@pytest.mark.parametrize("floor, expected", [(0, {"a", "b", "c", "d"}), (30, {"a"}), (90, set())])
def test_actors_at_or_above_a_risk_score(sessions, world, floor, expected):
    with sessions() as session, session.begin():
        actors = actor_of(session)
        label_of = {actors[world[f"{x}1"]]: x for x in "abcd"}
        session.get(Actor, actors[world["a1"]]).risk_score = 40
        session.flush()
        assert {label_of[row.id] for row in profiling.actors(session, min_risk=floor)} == expected


def test_the_incremental_relink_suggests_nothing_new_and_drops_what_is_now_one_actor(
    sessions, world
):
    with sessions() as session, session.begin():
        before = {x.id for x in profiling.suggestions(session)}
        new = add_sellers(session, {"z": ("ceritaku", "Kencana Obat Murah Baru", ())})
        result = profiling.relink(session, seller_ids=new.values(), now=T0)
        assert result.suggested == 0 and {x.id for x in profiling.suggestions(session)} == before
        bridge = add_sellers(session, {"y": ("ceritaku", "Y", (("phone", P2), ("phone", P3)))})
        result = profiling.relink(session, seller_ids=bridge.values(), now=T0)
        assert together(session, world, "c1", "d1") and result.withdrawn >= 1
        assert pending_pair(session, world, "c1", "d1") is None


@pytest.mark.parametrize("mode", ["full", "incremental"])
def test_a_shop_joins_the_accounts_that_point_at_it(sessions, world, mode):
    with sessions() as session, session.begin():
        pointing = add_sellers(
            session, {"m": ("pasarku", "Cek Juga", (("shop_url", "tokopedia.com/cendana"),))}
        )
        profiling.relink(session, seller_ids=pointing.values(), now=T0)
        found = listings.record_sellers(
            session, [SellerRecord("tokopedia", "Cendana", "https://www.tokopedia.com/cendana/")]
        )
        [owner] = [seller.id for seller in found.values()]
        profiling.relink(session, seller_ids=None if mode == "full" else [owner], now=T0)
        actors = actor_of(session)
        assert actors[owner] == actors[pointing["m"]]
        assert actors[owner] != actors[world["a1"]]  # a name alike joins nothing


# A number on three shops: in one city it is corroborated as one actor's; on shops in three
# cities with nothing else in common it is a service's hub and joins nothing. The incremental
# relink must weigh it as the full one does (cities included). Each shop has its own number too.
SHARED, HUB = "+6281299990001", "+6281288880000"
TRIOS = {
    "t0": (
        "pasarku",
        "Alpha Kosmetik",
        (("phone", SHARED), ("phone", "+6281277700000")),
        "Cirebon",
    ),
    "t1": ("pasarku", "Gamma Sehat", (("phone", SHARED), ("phone", "+6281277700001")), "Cirebon"),
    "t2": ("pasarku", "Delta Obat", (("phone", SHARED), ("phone", "+6281277700002")), "Cirebon"),
    "s0": ("tokosehat", "Omega Krim", (("phone", HUB), ("phone", "+6281377700000")), "Medan"),
    "s1": ("tokosehat", "Sigma Jamu", (("phone", HUB), ("phone", "+6281377700001")), "Surabaya"),
    "s2": ("tokosehat", "Kappa Murni", (("phone", HUB), ("phone", "+6281377700002")), "Makassar"),
}


@pytest.mark.parametrize("first", ["incremental", "full"])
def test_a_shared_number_is_weighed_alike_by_both_relinks(sessions, world, first):
    with sessions() as session, session.begin():
        new = add_sellers(session, TRIOS)
        seeds = None if first == "full" else [new["t0"], new["s0"]]
        profiling.relink(session, seller_ids=seeds, now=T0)
        if first == "incremental":
            rest = [new[x] for x in ("t1", "t2", "s1", "s2")]
            profiling.relink(session, seller_ids=rest, now=T0)
        assert together(session, new, "t0", "t1", "t2")
        assert len({actor_of(session)[new[x]] for x in ("s0", "s1", "s2")}) == 3
        result = profiling.relink(session, now=T0)
        assert (result.moved, result.created, result.merged) == (0, [], {})


@pytest.mark.parametrize(
    "label, shows, relinked",
    [
        ("a1", (("phone", P1),), False),  # crawled again, nothing new: nothing to relink
        ("a1", (("phone", P1), ("email", "baru@mail.test")), True),  # a new identifier
        ("new", (("phone", P2),), True),  # an account with no actor yet
    ],
)
def test_a_batch_relinks_only_the_sellers_it_could_change(sessions, world, label, shows, relinked):
    later = T0 + timedelta(days=1)
    with sessions() as session, session.begin():
        platform, name = WORLD.get(label, ("pasarku", "Baru"))[:2]
        seller_id = add_sellers(session, {label: (platform, name, shows)}, now=later)[label]
        chosen = profiling.sellers_to_relink(session, [seller_id, world["b1"]], since=later)
        assert chosen == ({seller_id} if relinked else set())
