"""The demo world: deterministic, files current, ground truth consistent with its registry."""

from __future__ import annotations

import collections
import csv
import io
import json
import re
from pathlib import Path

import pytest

from patroli.demo import World, build_world
from patroli.demo.catalog import REGISTRY_FIELDS, WARNING_FIELDS
from rules.codes import VIOLATION_CODES

DATA = Path(__file__).parents[2] / "patroli" / "demo" / "data"
NINE = set(VIOLATION_CODES)
NEEDS_NIE = {"obat", "obat_tradisional", "suplemen_kesehatan", "kosmetik"}
DIGITS = {"PIRT": 15} | dict.fromkeys(("NA", "NB", "NC", "ND", "NE"), 11)
DIGITS |= dict.fromkeys(("TR", "TI", "TL", "HT", "FF", "SD", "SI", "SL", "QD", "QI", "QL"), 9)
DRUG_NIE = re.compile(r"^[DG][BTKPN][LIEX]\d{10}[A-Z]\d$")
# Anything that looks like a claimed registration number: a prefix, then soon a digit.
NIE_LIKE = re.compile(
    r"(?<![a-z0-9])(?:[dg][btkpn][liex]|tr|ti|tl|ht|ff|sd|si|sl|n[a-e]|md|ml|qd|qi|ql|"
    r"p-?irt|spp-irt)(?:\s*no\.?)?[\s.:\-]{0,3}\d",
    re.IGNORECASE,
)


def well_formed(nie: str) -> bool:
    if nie[:2] in ("MD", "ML"):
        return nie[2:].isdigit() and len(nie) - 2 in (12, 15)
    prefix = "PIRT" if nie.startswith("PIRT") else nie[:2]
    if prefix in DIGITS and nie[len(prefix) :].isdigit():
        return len(nie) - len(prefix) == DIGITS[prefix]
    return bool(DRUG_NIE.match(nie))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture(scope="module")
def registry(world: World) -> dict[str, dict[str, str]]:
    return {row["nie"]: row for row in world.registry}


def test_two_builds_are_equal_and_seeds_differ(world: World) -> None:
    assert build_world() == world
    other = build_world(seed=7)
    assert other != world
    assert [x.title for x in other.listings] != [x.title for x in world.listings]


def test_committed_files_equal_a_fresh_generation(world: World) -> None:
    for name, text in world.files().items():
        committed = (DATA / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python -m patroli.demo.generate"


def test_files_have_the_design_formats(world: World) -> None:
    files = world.files()
    registry = list(csv.DictReader(io.StringIO(files["registry.csv"])))
    warnings = list(csv.DictReader(io.StringIO(files["warnings.csv"])))
    assert tuple(registry[0]) == REGISTRY_FIELDS and tuple(warnings[0]) == WARNING_FIELDS
    assert 250 <= len(registry) <= 500 and len(warnings) >= 12
    assert {r["status"] for r in registry} == {"valid", "expired", "revoked"}
    assert all(well_formed(r["nie"]) for r in registry)
    for line in files["listings.jsonl"].splitlines():
        listing = json.loads(line)
        assert {"id", "url", "path", "platform", "description", "seller", "expected", "why"} <= set(
            listing
        )
        assert listing["url"].endswith(listing["path"])
        assert set(listing["seller"]) == {"name", "url", "location", "phone"}
    for line in files["sellers.jsonl"].splitlines():
        assert set(json.loads(line)) == {
            "id",
            "platform",
            "shop_name",
            "shop_url",
            "path",
            "text",
            "actor",
        }


def test_size_platforms_categories(world: World) -> None:
    assert len(world.listings) == 300
    assert 60 <= len(world.sellers) <= 80
    platforms = collections.Counter(x.platform for x in world.listings)
    assert set(platforms) == {"pasarku", "tokosehat", "ceritaku"} and min(platforms.values()) >= 50
    categories = collections.Counter(x.category for x in world.listings)
    assert min(categories[c] for c in NEEDS_NIE | {"pangan_olahan", "pangan_irt"}) >= 25
    assert len({x.id for x in world.listings}) == 300
    assert len({(x.platform, x.path) for x in world.listings}) == 300
    assert all(x.price is None or x.price >= 1000 for x in world.listings)


def test_codes_are_the_nine_and_each_occurs_often(world: World) -> None:
    counts = collections.Counter(code for x in world.listings for code in x.expected)
    assert set(counts) == NINE
    assert min(counts.values()) >= 15, counts
    assert sum(not x.expected for x in world.listings) >= 60  # clean listings
    assert all(x.why for x in world.listings)


def test_ground_truth_agrees_with_registry_and_warnings(world, registry) -> None:
    warned_names = {(w["product_name"], w["brand"]) for w in world.warnings}
    warned_nies = {w["nie"] for w in world.warnings if w["nie"]}
    brands = {r["brand"] for r in world.registry}
    for x in world.listings:
        codes, row = set(x.expected), registry.get(x.nie)
        text = f"{x.title}\n{x.description}"
        if x.nie:
            assert digits(x.nie) in digits(text), x.id  # the number is really in the text
            assert "no_nie" not in codes, x.id
        if "unregistered_nie" in codes:
            assert well_formed(x.nie) and row is None, x.id
        if "malformed_nie" in codes:
            assert not well_formed(x.nie) and row is None, x.id
        if "nie_mismatch" in codes:
            assert row and row["status"] == "valid", x.id
            assert row["brand"] != x.brand or row["category"] != x.category, x.id
        if "expired_nie" in codes:
            assert row and row["status"] in ("expired", "revoked"), x.id
        if "public_warning" in codes:
            assert (x.product_name, x.brand) in warned_names or x.nie in warned_nies, x.id
        if "no_nie" in codes:
            assert x.category in NEEDS_NIE and not x.nie and x.brand not in brands, x.id
        if not codes:
            assert x.brand in brands or x.category in ("pangan_olahan", "pangan_irt"), x.id
            if x.nie:
                assert row and row["status"] == "valid" and row["product_name"] == x.product_name
            assert x.nie not in warned_nies and (x.product_name, x.brand) not in warned_names


def test_listings_that_claim_no_number_show_nothing_like_one(world: World) -> None:
    """Phones, prices, barcodes, halal and order numbers are hard negatives, not NIEs."""
    hard = collections.Counter()
    for x in world.listings:
        text = f"{x.title}\n{x.description}"
        assert bool(NIE_LIKE.search(text)) == bool(x.nie), (x.id, NIE_LIKE.findall(text))
        hard.update(k for k in ("Barcode", "Halal No. ID", "INV/", "Rp", "Exp.") if k in text)
    assert min(hard.values()) >= 10, hard
    negations = ("Tanpa merkuri", "Bebas BKO", "Tidak mengandung", "Tanpa sibutramin")
    assert sum(any(n in x.description for n in negations) for x in world.listings) >= 15


def test_sellers_share_identifiers_across_platforms(world: World) -> None:
    def identifiers(text: str) -> set[str]:
        found = {m.lower() for m in re.findall(r"[\w.]+@[\w.]+", text)}
        for m in re.findall(r"(?:\+?62|\b0)[\s-]?8\d\d[\d\s\-.()]{6,12}\d", text):
            d = digits(m)
            found.add("0" + d[2:] if d.startswith("62") else d)
        found |= {digits(m) for m in re.findall(r"(?:BCA|BRI|BNI|BSI|Mandiri):? [\d-]{10,}", text)}
        return found

    accounts = collections.defaultdict(list)
    for seller in world.sellers:
        accounts[seller.actor].append(seller)
    multi = {a: s for a, s in accounts.items() if len(s) > 1}
    assert len(multi) >= 8
    assert sum(len({s.platform for s in group}) == 3 for group in multi.values()) >= 1
    for actor, group in multi.items():
        shared = set.intersection(*(identifiers(s.bio) for s in group))
        assert shared, f"{actor}'s accounts share no identifier"
        assert len({s.bio for s in group}) == len(group)  # written differently
    owners = collections.defaultdict(set)
    for seller in world.sellers:
        for identifier in identifiers(seller.bio):
            owners[identifier].add(seller.actor)
    assert all(len(a) == 1 for a in owners.values())  # no identifier joins two actors
    assert any("wa.me/62" in s.bio for s in world.sellers)
    assert any("+62 8" in s.bio for s in world.sellers)


def test_hostile_listings_exist(world: World) -> None:
    hostile = {x.hostile: x for x in world.listings if x.hostile}
    assert set(hostile) == {"script-title", "img-onerror", "long-description", "odd-unicode",
                            "jsonld-breakout", "caption-markup"}  # fmt: skip
    assert "<script>alert(1)</script>" in hostile["script-title"].title
    assert len(hostile["long-description"].description) > 40_000


def test_a_bigger_world_for_benchmarks() -> None:
    big = build_world(size=3000)
    assert len(big.listings) == 3000 and len({x.path for x in big.listings}) == 3000
    assert len({r["nie"] for r in big.registry}) == len(big.registry) >= 3000
