"""Registry and warning indexes: exact NIE lookup, blocked name + brand matching, free search."""

from __future__ import annotations

import pytest
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


# --- big brands: thousands of products whose names share most words ---------------------
BIG = "Kireina"
BIG_LINES = ["Brightening", "Acne Care", "Hydra Boost", "Age Defense"]
BIG_KINDS = ["Serum", "Toner", "Essence", "Facial Wash", "Sleeping Mask", "Eye Cream"]
BIG_ACTIVES = ["Niacinamide", "Vitamin C", "Ceramide", "Centella", "Salicylic", "Peptide",
               "Rice Water", "Green Tea"]  # fmt: skip
BIG_STRENGTHS = ["", "2%", "5%", "10%"]
BIG_SIZES = ["20ml", "30ml", "100ml"]


def big_brand_registry() -> RegistryIndex:
    """2,304 products of one brand (every line x kind x active x strength x size), plus
    the crowded small brands: the shape that made row-by-row scoring slow."""
    rows = list(crowded_registry().products)
    n = 0
    for line in BIG_LINES:
        for kind in BIG_KINDS:
            for active in BIG_ACTIVES:
                for strength in BIG_STRENGTHS:
                    for size in BIG_SIZES:
                        n += 1
                        name = " ".join(w for w in (BIG, line, kind, active, strength, size) if w)
                        rows.append(RegistryProduct(f"NB19{n:09d}", name, BIG, "kosmetik"))
    return RegistryIndex.build(rows)


@pytest.fixture(scope="module")
def big_registry() -> RegistryIndex:
    return big_brand_registry()


SIBLINGS = [
    ("PROMO Kireina Brightening Serum Vitamin C 30ml ORI", "Brightening Serum Vitamin C 30ml"),
    ("Kireina Brightening Serum Niacinamide 30ml", "Brightening Serum Niacinamide 30ml"),
    ("kireina brightening serum niacinamide 10% 20ml", "Brightening Serum Niacinamide 10% 20ml"),
    ("KIREINA AGE DEFENSE EYE CREAM PEPTIDE 5% 20 ML", "Age Defense Eye Cream Peptide 5% 20ml"),
    (
        "Jual Kireina Acne Care Toner Salicylic 2% 100 ml murah",
        "Acne Care Toner Salicylic 2% 100ml",
    ),
    (
        "Kireina Hydra Boost Sleeping Mask Rice Water 100ml",
        "Hydra Boost Sleeping Mask Rice Water 100ml",
    ),
]


@pytest.mark.parametrize("listing, expected", SIBLINGS)  # fmt: skip
def test_the_named_sibling_wins_in_a_big_brand(big_registry, listing, expected):
    [best, *_] = big_registry.identify(ListingWords([listing, "Kemasan baru, kirim cepat"]))
    assert best.row.product_name == f"{BIG} {expected}"
    assert best.coverage.name == 1.0 and "merek 1/1" in best.explanation


@pytest.mark.parametrize(
    "listing",
    [
        "Brightening Serum Vitamin C 30ml",  # the brand is not named
        "Serum Niacinamide 10% 20ml BPOM original",
        "Kireina Lip Tint Cherry Red",  # a product the brand does not make
        "Kireina Nail Polish Matte",
        "Kireinaa Brightening Serum Vitamin C 30ml",  # another brand's spelling
    ],
)
def test_no_big_brand_product_without_its_brand_and_name(big_registry, listing):
    assert big_registry.identify(ListingWords([listing])) == []


@pytest.mark.parametrize(
    "listing",
    [
        "Kireina Brightening Serum Vitamin C 30ml",
        "Kireina Serum",
        "kireina toner 100ml original murah",
        "Kireina Acne Care Niacinamide Green Tea Peptide Serum Toner 10% 5% 2%",
        "Kireina",
    ],
)
def test_array_scoring_equals_scoring_every_row(big_registry, listing):
    """The best rows of a big brand are those scoring each of its rows one by one says."""
    names = big_registry.names
    words = ListingWords([listing])
    every = [names.coverage(p, words) for p, product in enumerate(big_registry.products)
             if product.brand == BIG]  # fmt: skip
    every = [c for c in every if c.name > 0]
    every.sort(key=lambda c: (-c.score, -c.matched, c.position))
    names._settle_ties(every, words)  # the top tie is settled the same way in both
    found = [c for c in names.covered(words) if big_registry.products[c.position].brand == BIG]
    assert found == every[: len(found)]
    assert len(found) == min(len(every), 32)


def variants_registry() -> RegistryIndex:
    rows = [RegistryProduct(f"DKL00000000{i}A1", f"Kodeivit Sari Kodein Fosfat 10 mg{v}",
                            "Kodeivit Sari", "obat")
            for i, v in enumerate(("", " Plus", " Sirup"))]  # fmt: skip
    rows += [RegistryProduct(f"NA1800000000{i}", f"Anggrek Abadi Beauty Lip Balm{v}",
                             "Anggrek Abadi Beauty", "kosmetik")
             for i, v in enumerate((" Original", ""))]  # fmt: skip
    rows += [RegistryProduct(f"SD12345678{i}", f"Imunova Kalsium {n} mg isi 90", "Imunova",
                             "suplemen_kesehatan")
             for i, n in enumerate((100, 20))]  # fmt: skip
    return RegistryIndex.build(rows)


KODEIN = "Kodeivit Sari Kodein Fosfat 10 mg"
LIP_BALM = "Anggrek Abadi Beauty Lip Balm"


@pytest.mark.parametrize(
    "title, description, expected",
    [
        (f"{KODEIN} Plus", "Ready", f"{KODEIN} Plus"),
        (KODEIN, "Ready, sirup dan tablet", KODEIN),  # "sirup" is not where the name is
        (f"{KODEIN} Sirup", "", f"{KODEIN} Sirup"),
        (f"COD {LIP_BALM}", "Produk ORIGINAL 100%", LIP_BALM),  # a promo "ORIGINAL"
        (f"{LIP_BALM} Original", "", f"{LIP_BALM} Original"),
        ("Imunova Kalsium 20 mg isi 90", "Kemasan 100 ml", "Imunova Kalsium 20 mg isi 90"),
        ("Imunova Kalsium 100 mg isi 90", "Harga 20 ribu", "Imunova Kalsium 100 mg isi 90"),
    ],
)
def test_equal_rows_are_told_apart_by_the_words_written_with_the_name(title, description, expected):
    [best, *_] = variants_registry().identify(ListingWords([title, description]))
    assert best.row.product_name == expected


@pytest.mark.parametrize(
    "rows, expected",
    [
        # the same product registered twice: its valid row first
        ([(KODEIN, "expired"), (KODEIN, "valid")], "valid"),
        # another product whose licence lapsed is still the one named
        ([(KODEIN, "valid"), (f"{KODEIN} Plus", "expired")], "expired"),
    ],
)
def test_a_valid_row_goes_first_only_among_rows_of_the_same_product(rows, expected):
    registry = RegistryIndex.build(
        RegistryProduct(f"DKL00000000{i}A1", name, "Kodeivit Sari", "obat", status=status)
        for i, (name, status) in enumerate(rows)
    )
    [best, *_] = registry.identify(ListingWords([f"{KODEIN} Plus", "Ready"]))
    assert best.row.status == expected
