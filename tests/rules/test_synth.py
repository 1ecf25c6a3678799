"""The seeded synthetic data: reproducible, well-formed, and consistent with the rules."""

from __future__ import annotations

from benchmarks.synth import generate_listings, generate_registry, generate_warnings
from rules.matcher import check
from rules.model import CATEGORIES, Listing
from rules.nie import is_well_formed, nie_category
from rules.registry import RegistryIndex, WarningIndex


def test_same_seed_same_data():
    assert generate_registry(300, seed=4) == generate_registry(300, seed=4)
    assert generate_registry(300, seed=4) != generate_registry(300, seed=5)


def test_registry_rows_are_valid_for_their_category():
    rows = generate_registry(2_000, seed=2)
    assert len(rows) == 2_000 and len({r.nie for r in rows}) == 2_000
    assert {r.category for r in rows} == set(CATEGORIES)
    for row in rows:
        assert is_well_formed(row.nie) and nie_category(row.nie) == row.category


def test_listings_carry_the_codes_their_template_implies(catalogue):
    rows = generate_registry(3_000, seed=3)
    warnings = generate_warnings(40, seed=3)
    registry, warning_index = RegistryIndex.build(rows), WarningIndex.build(warnings)
    listings = generate_listings(400, rows, seed=3, warnings=warnings)
    wrong = [
        (data["kind"], data["expected"], verdict.codes)
        for data in listings
        if (verdict := check(Listing.from_dict(data), registry, warning_index, catalogue)).codes
        != data["expected"]
    ]
    assert wrong == []
