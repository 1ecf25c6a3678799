"""link(): transitive joins, the stoplist, third-party numbers, the frequency cap and pins;
and the dev set's pairwise precision/recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.profiling import (
    STRONG_KINDS,
    Account,
    Pin,
    account_from_text,
    default_cap,
    evaluate,
    link,
    load_default_stoplist,
)

DEV = Path(__file__).parents[1] / "fixtures" / "profiling" / "dev" / "accounts.jsonl"


def acc(id: str, *identifiers: tuple[str, str], **fields) -> Account:
    return Account(id=id, platform="p", identifiers=identifiers, **fields)


def groups(linkage) -> set[tuple[str, ...]]:
    return set(linkage.actors().values())


P1, P2, P3 = ("phone", "+6281111000001"), ("phone", "+6281111000002"), ("phone", "+6281111000003")
MAIL, BANK = ("email", "a@b.id"), ("bank_account", "bca:1234567890")


@pytest.mark.parametrize(
    "accounts, kwargs, expected",
    [
        # a chain joins transitively: a-b by phone, b-c by e-mail, c-d by bank
        ([acc("a", P1), acc("b", P1, MAIL), acc("c", MAIL, BANK), acc("d", BANK)], {},
         {("a", "b", "c", "d")}),
        # hard negative: nothing shared, nothing joined
        ([acc("a", P1), acc("b", P2), acc("c", P3)], {}, {("a",), ("b",), ("c",)}),
        # weak kinds never join: a city, a third-party number
        ([acc("a", ("city", "Bogor"), ("third_party_phone", P1[1])),
          acc("b", ("city", "Bogor"), ("third_party_phone", P1[1]))], {}, {("a",), ("b",)}),
        # the stoplist keeps an identifier out
        ([acc("a", P1), acc("b", P1)], {"stoplist": frozenset({P1})}, {("a",), ("b",)}),
        # a number two accounts name as a courier's is nobody's own, not even where it is bare
        ([acc("a", P1), acc("b", P1), acc("c", ("third_party_phone", P1[1])),
          acc("d", ("third_party_phone", P1[1]))], {}, {("a",), ("b",), ("c",), ("d",)}),
        # one account calling it a courier's against two showing it as their own: still theirs
        ([acc("a", P1), acc("b", P1), acc("c", ("third_party_phone", P1[1]))], {},
         {("a", "b"), ("c",)}),
        # the cap: 4 accounts share P1, cap 3 keeps it out; cap 4 lets it join
        ([acc(x, P1) for x in "abcd"], {"cap": 3}, {("a",), ("b",), ("c",), ("d",)}),
        ([acc(x, P1) for x in "abcd"], {"cap": 4}, {("a", "b", "c", "d")}),
        # the cap counts the accounts naming it as somebody else's too: 2 own + 2 third > 3
        ([acc("a", P1), acc("b", P1), acc("c", ("third_party_phone", P1[1])),
          acc("d", ("third_party_phone", P1[1]))], {"cap": 3}, {("a",), ("b",), ("c",), ("d",)}),
        # pins: together joins without evidence; apart cuts the commonest identifier of a chain
        # (P2, on 3 accounts, joins what it can without putting a and c together)
        ([acc("a"), acc("b")], {"pins": [Pin("a", "b", True)]}, {("a", "b")}),
        ([acc("a", P1), acc("b", P1, P2), acc("x", P2), acc("c", P2)],
         {"pins": [Pin("a", "c", False)]}, {("a", "b", "x"), ("c",)}),
        ([acc("a", P1, P2), acc("b", P1, P2), acc("c", P2)],
         {"pins": [Pin("a", "c", False)]}, {("a", "b"), ("c",)}),
        # pins outrank evidence: b-c together first, so the chain a-b-c loses P1, never a pin
        ([acc("a", P1), acc("b", P1), acc("c")],
         {"pins": [Pin("a", "c", False), Pin("b", "c", True)]}, {("a",), ("b", "c")}),
        # a together pin contradicting an apart pin through other together pins is refused
        ([acc("a"), acc("b"), acc("c")],
         {"pins": [Pin("a", "c", False), Pin("a", "b", True), Pin("b", "c", True)]},
         {("a", "b"), ("c",)}),
        # pins naming accounts not in this run are ignored (incremental runs see subsets)
        ([acc("a", P1), acc("b", P1)], {"pins": [Pin("a", "zz", False)]}, {("a", "b")}),
    ],
)  # fmt: skip
def test_link_groups(accounts, kwargs, expected):
    assert groups(link(accounts, **kwargs)) == expected


def test_links_name_the_identifiers_and_the_actor_key_is_the_smallest_id():
    linkage = link([acc("b", P1), acc("a", P1, MAIL), acc("c", MAIL), acc("d", P2)])
    assert linkage.actor_of == {"a": "a", "b": "a", "c": "a", "d": "d"}
    assert [(k.kind, k.value, k.accounts) for k in linkage.links["a"]] == [
        ("phone", P1[1], ("a", "b")),
        ("email", MAIL[1], ("a", "c")),
    ]
    assert "d" not in linkage.links


def test_common_and_third_party_identifiers_are_reported():
    accounts = [acc(f"s{i:02}", P1) for i in range(12)] + [
        acc("x", ("third_party_phone", P2[1])),
        acc("y", ("third_party_phone", P2[1]), P2),
    ]
    linkage = link(accounts, cap=10)
    assert linkage.common == (("phone", P1[1], 12),)
    assert ("phone", P2[1], 3) in linkage.third_party


@pytest.mark.parametrize("accounts, cap", [(1, 10), (100, 10), (400, 20), (2500, 50), (10**6, 50)])
def test_default_cap_grows_with_the_data_within_bounds(accounts, cap):
    assert default_cap(accounts) == cap


def test_an_account_given_twice_is_refused():
    with pytest.raises(ValueError, match="account 'a' is given twice"):
        link([acc("a", P1), acc("b"), acc("a")])


def test_apart_pin_cut_is_reported():
    linkage = link([acc("a", P1), acc("b", P1)], pins=[Pin("a", "b", False)])
    assert groups(linkage) == {("a",), ("b",)} and linkage.cut == (P1,)


def dev_accounts():
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    accounts = [
        account_from_text(r["id"], r["platform"], r["shop_name"], r["shop_url"], r["text"])
        for r in rows
    ]
    return accounts, {r["id"]: r["actor_truth"] for r in rows}


def test_dev_set_precision_and_recall_meet_the_targets():
    accounts, truth = dev_accounts()
    score = evaluate(link(accounts, stoplist=load_default_stoplist()), truth)
    assert score.precision >= 0.95 and score.recall >= 0.90, score


def test_dev_set_without_the_third_party_cues_falls_back_on_hubs_and_the_cap():
    """Without cue words, hub detection and the cap still keep the shared service numbers from
    gluing actors."""
    accounts, truth = dev_accounts()
    bare = [
        Account(a.id, a.platform, identifiers=tuple(
            (k.removeprefix("third_party_"), v) for k, v in a.identifiers))
        for a in accounts
    ]  # fmt: skip
    score = evaluate(link(bare), truth)
    assert score.precision >= 0.95, score.false_links[:3]


# A small world in other words than the dev set's: three actors, each on two or three
# platforms, writing their numbers differently, among the noise every shop page carries.
WORLD = [
    ("x1", "A", "Order: 0813-2222-1111 | Komplain? Hubungi Shopee Care 0811-9000-1000"),
    ("x2", "A", "WA +62 813 2222 1111 // Kurir JNE 0812-7000-7000 // Rekening bersama "
                "BRI 0023 0100 4567 509 (Rekber Amanah)"),
    ("x3", "B", "instagram.com/herbal.sari88 • Cek ongkir: 0812 7000 7000"),
    ("y1", "B", "IG: herbal.sari88 // Transfer BNI 0361 448 583 // contoh format: 0811-1234-5678"),
    ("y2", "B", "norek 0361448583 (BNI) // Pickup driver ojol 0812.7000.7000"),
    ("z1", "C", "nol delapan satu lima - 4444 - 3333 // Pengaduan: pengaduan@pasar-contoh.id"),
    ("z2", "C", "wa.me/6281544443333 // BRI 0023 0100 4567 509 a.n. Rekber Amanah"),
    ("z3", "C", "Call center 0811-9000-1000 // keluhan: pengaduan@pasar-contoh.id // "
                "contoh: 0811-1234-5678"),
]  # fmt: skip


def test_a_small_world_in_other_words():
    accounts = [account_from_text(i, "p", "", "", text) for i, _, text in WORLD]
    truth = {i: actor for i, actor, _ in WORLD}
    score = evaluate(link(accounts), truth)
    # the courier, the rekber, the marketplace's desk and the template join nobody; z3 shows
    # nothing of its own, so no linker can join it
    assert score.false_links == () and score.missed == (("z1", "z3"), ("z2", "z3"))


def test_the_default_stoplist_says_why_for_every_entry():
    from rules.profiling.stoplist import default_stops

    stops = default_stops()
    assert stops and all(stop.kind in STRONG_KINDS and stop.reason for stop in stops)
    assert ("phone", "+6281234567890") in load_default_stoplist()
