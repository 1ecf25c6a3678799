"""The seeded synthetic data: reproducible, well-formed, real-shaped, consistent with the rules."""

from __future__ import annotations

from collections import Counter

from benchmarks.synth import (
    BIG_BRANDS,
    generate_listings,
    generate_registry,
    generate_warnings,
)
from rules.matcher import check
from rules.model import CATEGORIES, Listing
from rules.names import ListingWords
from rules.nie import is_well_formed, nie_category
from rules.registry import RegistryIndex, WarningIndex

# kinds whose right answer rests on telling the product's category from words alone (no
# registry row to read it from): their name-matching half is tested below
_BRANDED_UNREGISTERED = ("big_unmade", "big_brandless")


def test_same_seed_same_data():
    assert generate_registry(300, seed=4) == generate_registry(300, seed=4)
    assert generate_registry(300, seed=4) != generate_registry(300, seed=5)


def test_registry_rows_are_valid_for_their_category():
    rows = generate_registry(2_000, seed=2)
    assert len(rows) == 2_000 and len({r.nie for r in rows}) == 2_000
    assert {r.category for r in rows} == set(CATEGORIES)
    for row in rows:
        assert is_well_formed(row.nie) and nie_category(row.nie) == row.category


def test_big_brands_carry_thousands_of_products_sharing_most_words():
    rows = generate_registry(60_000, seed=1)
    sizes = Counter(r.brand for r in rows)
    big = {brand for brands in BIG_BRANDS.values() for brand in brands}
    big_sizes = [size for brand, size in sizes.items() if brand in big]
    assert big_sizes and all(size <= 5_000 for size in big_sizes)
    assert sum(size >= 1_000 for size in big_sizes) >= 3
    assert sum(big_sizes) < 0.5 * len(rows)  # beside a long tail of small brands
    brand = max(big, key=lambda b: sizes.get(b, 0))
    names = [r.product_name.split() for r in rows if r.brand == brand]
    first_words = Counter(words[1] for words in names)  # the line ("Brightening", "Jamu")
    assert first_words.most_common(1)[0][1] > len(names) / 10
    assert len({" ".join(words) for words in names}) == len(names)  # no name twice


def test_listings_carry_the_codes_their_template_implies(catalogue):
    rows = generate_registry(3_000, seed=3)
    warnings = generate_warnings(40, seed=3)
    registry, warning_index = RegistryIndex.build(rows), WarningIndex.build(warnings)
    listings = generate_listings(400, rows, seed=3, warnings=warnings)
    wrong = [
        (data["kind"], data["expected"], verdict.codes)
        for data in listings
        if data["kind"] not in _BRANDED_UNREGISTERED
        and (verdict := check(Listing.from_dict(data), registry, warning_index, catalogue)).codes
        != data["expected"]
    ]
    assert wrong == []


def test_named_products_are_identified_and_unmade_ones_are_not():
    rows = generate_registry(20_000, seed=5)
    registry, by_nie = RegistryIndex.build(rows), {r.nie: r for r in rows}
    listings = generate_listings(1_500, rows, seed=5)
    right = wrong = 0
    for data in listings:
        words = ListingWords([data.get("title") or "", data["description"]])
        found = registry.identify(words)
        if data["kind"] in _BRANDED_UNREGISTERED:
            assert found == [], (data["title"], [c.row.product_name for c in found])
        elif "product_nie" in data:
            truth = by_nie[data["product_nie"]]
            ok = bool(found) and found[0].row.product_name.split() == truth.product_name.split()
            right, wrong = right + ok, wrong + (not ok)
    assert right > 500 and wrong <= right // 20, (right, wrong)
