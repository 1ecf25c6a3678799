"""Registry and warning indexes: exact NIE lookup, blocked name + brand matching, free search."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from rules.model import PublicWarning, RegistryProduct
from rules.names import ListingWords, NameIndex
from rules.registry import RegistryIndex, WarningIndex

FIRST = ["Arum", "Griya", "Melati", "Teratai", "Pelangi", "Warisan", "Dewi", "Kirana"]
SECOND = ["Mekar", "Wening", "Mulia", "Sentosa", "Harum", "Asri", "Ceria", "Murni"]
PRODUCTS = ["Serum Vitamin C", "Toner Hydrating", "Lip Balm", "Bedak Padat", "Body Lotion"]


def crowded_registry() -> RegistryIndex:
    """Many brands that share words and products: a stand-in for a large registry."""
    rows, n = [], 0
    for first in FIRST:
        for second in SECOND:
            for suffix in ("Skincare", "Glow"):
                brand = f"{first} {second} {suffix}"
                for product in PRODUCTS:
                    n += 1
                    rows.append(RegistryProduct(f"NA18{n:09d}", f"{brand} {product}", brand,
                                                "kosmetik"))  # fmt: skip
    return RegistryIndex.build(rows)


def test_exact_nie_lookup_normalizes_the_query():
    registry = crowded_registry()
    assert registry.lookup("NA18000000001").product_name == "Arum Mekar Skincare Serum Vitamin C"
    assert registry.lookup("na.18.000.000.001").nie == "NA18000000001"
    assert registry.lookup("NA18999999999") is None


def test_the_named_product_wins_among_siblings_and_lookalike_brands():
    registry = crowded_registry()
    words = ListingWords(["SALE dewi asri glow BODY LOTION 200 ml ORIGINAL", "Stok banyak kak"])
    [best, *_] = registry.identify(words)
    assert best.row.product_name == "Dewi Asri Glow Body Lotion"
    assert "merek 3/3" in best.explanation and "nama 2/2" in best.explanation


def test_only_brands_named_in_the_text_are_compared():
    registry = crowded_registry()
    words = ListingWords(["Dewi Asri Glow Body Lotion"])
    rows = {registry.products[c.position].brand for c in registry.names.covered(words)}
    assert rows == {"Dewi Asri Glow", "Dewi Asri Skincare"}  # not the other 126 brands


def test_a_product_the_brand_does_not_make_is_not_identified():
    registry = crowded_registry()
    assert registry.identify(ListingWords(["Dewi Asri Glow Sheet Mask Aloe"])) == []
    assert registry.identify(ListingWords(["Dewi Kirana Glow Body Lotion"])) == []


def test_search_blocks_then_ranks_with_rapidfuzz():
    registry = crowded_registry()
    [(product, score)] = registry.search("teratai ceria skincare toner hydrating")
    assert product.product_name == "Teratai Ceria Skincare Toner Hydrating" and score == 100
    # no brand named: the rare-word fallback still finds what a full scan finds
    query = "Ceria Skincare Toner Hydrating 100ml"
    [(product, score)] = registry.search(query)
    names = [utils.default_process(p.product_name) for p in registry.products]
    scan = process.extractOne(utils.default_process(query), names, scorer=fuzz.WRatio)
    assert product.product_name.endswith("Ceria Skincare Toner Hydrating") and score == scan[1]


def test_name_index_keys_a_brand_by_its_core_words():
    index = NameIndex([("Arum Mekar Herbal", "Arum Mekar Herbal Jamu Pegal Linu")])
    assert index.covered(ListingWords(["arummekar herbal jamu pegal linu"]))
    assert not index.covered(ListingWords(["mekar herbal jamu pegal linu"]))


def test_warnings_by_nie_and_by_name_without_a_brand():
    warnings = WarningIndex.build([
        PublicWarning("Jaya Kapsul Stamina", "Jaya", "TR309999999", "obat_tradisional"),
        PublicWarning("Kopi Kuat Lelaki Arabika", "", "", "pangan_olahan"),
    ])  # fmt: skip
    assert [w.product_name for w in warnings.by_nie("TR309999999")] == ["Jaya Kapsul Stamina"]
    [found] = warnings.identify(ListingWords(["KOPI KUAT LELAKI ARABIKA 250gr"]))
    assert found.row.product_name == "Kopi Kuat Lelaki Arabika"
    assert warnings.identify(ListingWords(["Kopi Arabika Gayo"])) == []
