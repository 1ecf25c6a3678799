"""Weak signals only suggest, with reasons: names, images, city and products; never inside one
actor, never across an apart pin, at most a few per account."""

from __future__ import annotations

import pytest

from rules.profiling import Account, Pin, link
from rules.profiling.signals import PER_ACCOUNT, name_key, slug_key

H = 0x0F0F_1234_ABCD_5555  # a 64-bit dHash


def acc(id: str, **fields) -> Account:
    return Account(id=id, platform="shopee", **fields)


def pairs(linkage) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(s.a, s.b): s.reasons for s in linkage.suggestions}


@pytest.mark.parametrize(
    "name, key",
    [
        ("CendanaAlami Store 93", "cendana alami"),
        ("Toko Cendana Alami Official", "cendana alami"),
        ("GROSIR CENDANA ALAMI", "cendana alami"),
        ("Official Store", ""),
    ],
)
def test_name_key_drops_case_digits_and_generic_words(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://www.tokopedia.com/merapimakmurstoreid", "merapimakmur"),
        ("https://www.tokopedia.com/grosir-merapi-makmur-official", "merapimakmur"),
        ("https://www.instagram.com/merapi_makmur.store/", "merapimakmur"),
        ("https://www.obatpriaoriginal.store/", "obatpriaoriginal"),
        ("https://www.facebook.com/profile.php?id=100098931917899", ""),
        ("https://www.tokopedia.com/", ""),
    ],
)
def test_slug_key_reads_the_name_a_shop_url_spells(url, key):
    assert slug_key(url) == key


@pytest.mark.parametrize(
    "a, b, reason",
    [
        (acc("a", shop_name="CendanaAlami Store"), acc("b", shop_name="Cendana Alami Official"),
         "similar shop names: 'CendanaAlami Store' (a) / 'Cendana Alami Official' (b)"),
        (acc("a", image_hashes=(H,)), acc("b", image_hashes=(H ^ 0b1011,)),
         "near-identical (3 of 64 bits differ) product images (a, b)"),
        (acc("a", image_hashes=(H,)), acc("b", image_hashes=(H,)),
         "identical product images (a, b)"),
        (acc("a", shop_name="Sumber Rezeki", city="Medan", products=("jamu", "obat_kuat")),
         acc("b", shop_name="Naga Mas", city="Medan", products=("jamu", "obat_kuat", "pemutih")),
         None),  # city and products alone are too weak to show (score 0.2 < 0.3)
        (acc("a", shop_url="https://www.tokopedia.com/merapimakmurstoreid"),
         acc("b", shop_url="https://www.lazada.co.id/shop/merapi-makmur-64-id"),
         "similar shop addresses: 'https://www.tokopedia.com/merapimakmurstoreid' (a) / "
         "'https://www.lazada.co.id/shop/merapi-makmur-64-id' (b)"),
        # hard negatives: different names; images 5 bits apart; other city
        (acc("a", shop_name="Cendana Alami"), acc("b", shop_name="Kenanga Murni"), None),
        (acc("a", image_hashes=(H,)), acc("b", image_hashes=(H ^ 0b11111,)), None),
    ],
)  # fmt: skip
def test_each_signal_suggests_with_its_reason(a, b, reason):
    found = pairs(link([a, b]))
    assert found == ({("a", "b"): (reason,)} if reason else {})


def test_city_and_products_add_to_another_signal():
    a = acc("a", shop_name="Cendana Alami", city="Medan", products=("jamu", "obat_kuat"))
    b = acc("b", shop_name="Cendana Alamii", city="Medan", products=("jamu", "obat_kuat"))
    (suggestion,) = link([a, b]).suggestions
    assert suggestion.reasons[1] == "same city (Medan) and products (jamu, obat_kuat) (a, b)"
    assert suggestion.score > 0.6 * 0.88


def test_no_suggestion_inside_one_actor_nor_across_an_apart_pin():
    phone = ("phone", "+6281234567890")
    same = [acc("a", shop_name="Cendana Alami", identifiers=(phone,)),
            acc("b", shop_name="Cendana Alami", identifiers=(phone,))]  # fmt: skip
    assert link(same).suggestions == ()
    apart = [acc("a", shop_name="Cendana Alami"), acc("b", shop_name="Cendana Alami"),
             acc("c", shop_name="Cendana Alami", identifiers=(phone,)),
             acc("d", identifiers=(phone,))]  # fmt: skip
    # a and d are pinned apart: no suggestion between a and d's actor (c, d)
    found = pairs(link(apart, pins=[Pin("a", "d", False)]))
    assert ("a", "c") not in found and ("a", "b") in found and ("b", "c") in found


def test_suggestions_per_account_are_capped_and_a_crowded_block_says_nothing():
    many = [acc(f"s{i:02}", image_hashes=(H,)) for i in range(PER_ACCOUNT + 3)]
    counts: dict[str, int] = {}
    for s in link(many).suggestions:
        counts[s.a] = counts.get(s.a, 0) + 1
        counts[s.b] = counts.get(s.b, 0) + 1
    assert max(counts.values()) == PER_ACCOUNT
    crowd = [acc(f"s{i:03}", image_hashes=(H,)) for i in range(200)]
    assert link(crowd).suggestions == ()


def test_a_name_many_actors_use_says_little():
    crowd = [acc(f"s{i}", shop_name="Pelangsing Alami Ampuh") for i in range(6)]
    assert link(crowd).suggestions == ()
    crowd[1] = acc("s1", shop_name="Pelangsing Alami Ampuh", image_hashes=(H,))
    crowd[2] = acc("s2", shop_name="Pelangsing Alami Ampuh", image_hashes=(H,))
    (suggestion,) = link(crowd).suggestions
    assert (suggestion.a, suggestion.b) == ("s1", "s2")
    assert suggestion.reasons == (
        "identical product images (s1, s2)",
        "same shop name: 'Pelangsing Alami Ampuh' (s1, s2) (used by 6 actors)",
    )


def test_a_name_and_its_address_count_once():
    a = acc("a", shop_name="Merapi Makmur", shop_url="https://www.tokopedia.com/merapi-makmur")
    b = acc("b", shop_name="Merapi Makmur", shop_url="https://shopee.co.id/merapimakmur")
    (suggestion,) = link([a, b]).suggestions
    assert suggestion.score == 0.6 and len(suggestion.reasons) == 2
