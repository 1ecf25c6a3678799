"""A stored registry index: the same answers after a round trip, and nothing but its own key."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rules.index_store import (
    MAGIC,
    IndexFileError,
    dump,
    load,
    read_key,
    registry_from_bytes,
    registry_to_bytes,
)
from rules.model import RegistryProduct
from rules.names import ListingWords
from rules.registry import RegistryIndex

BRAND = "Luminara"
LINES = ["Brightening", "Acne Care", "Hydra Boost"]
KINDS = ["Serum", "Toner", "Essence", "Facial Wash"]
ACTIVES = ["Niacinamide 10%", "Vitamin C", "Ceramide", "Centella", "Salicylic 2%"]
SIZES = ["20ml", "30ml", "100ml"]


def big_brand_rows() -> list[RegistryProduct]:
    """One brand of 180 products whose names share most words, and a few small brands."""
    rows, n = [], 0
    for line in LINES:
        for kind in KINDS:
            for active in ACTIVES:
                for size in SIZES:
                    n += 1
                    name = f"{BRAND} {line} {kind} {active} {size}"
                    rows.append(RegistryProduct(f"NA18{n:09d}", name, BRAND, "kosmetik"))
    for i, (brand, product) in enumerate([("Sekar Ayu Herbal", "Jamu Pegal Linu"),
                                           ("Arum Mekar", "Kapsul Temulawak")]):  # fmt: skip
        rows.append(RegistryProduct(f"TR1{i:08d}", f"{brand} {product}", brand,
                                    "obat_tradisional", "PT Sekar", "Kapsul", None, None,
                                    "expired"))  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def index() -> RegistryIndex:
    return RegistryIndex.build(big_brand_rows())


LISTINGS = [
    "PROMO Luminara Brightening Serum Vitamin C 30ml ORI",
    "luminara acne care toner salicylic 2% 100ml murah",
    "Luminara Hydra Boost Facial Wash Centella 20 ml",
    "Luminara Lip Tint Cherry",  # the brand makes no lip tint
    "Brightening Serum Vitamin C 30ml",  # no brand named
    "Sekar Ayu Herbal Jamu Pegal Linu",
    "Kapsul Temulawak Arum Mekar isi 30",
]


def answers(index: RegistryIndex, text: str):
    return [(c.row, c.coverage, c.explanation) for c in index.identify(ListingWords([text]))]


@pytest.mark.parametrize("text", LISTINGS)
def test_a_round_trip_gives_the_same_answers(index, text):
    back, notes = registry_from_bytes(
        registry_to_bytes(index, "key-1", ["7: status missing"]), "key-1"
    )
    assert answers(back, text) == answers(index, text)
    assert notes == ["7: status missing"]


def test_a_round_trip_keeps_every_row_and_nie(index):
    back, _ = registry_from_bytes(registry_to_bytes(index, "k"), "k")
    assert list(back.products) == list(index.products)
    assert back.products[-1].status == "expired" and back.products[-1].form == "Kapsul"
    assert back.lookup("na.18.000.000.007") == index.products[6]
    assert back.lookup("NA18999999999") is None
    assert back.tables().keys() == index.tables().keys()  # a read index can be stored again


def test_a_repeated_nie_answers_with_the_later_row_after_a_round_trip():
    rows = [RegistryProduct("NA18000000001", "Old Name Serum", "Old", "kosmetik"),
            RegistryProduct("NA18000000001", "New Name Serum", "New", "kosmetik")]  # fmt: skip
    built = RegistryIndex.build(rows)
    back, _ = registry_from_bytes(registry_to_bytes(built, "k"), "k")
    assert built.lookup("NA18000000001").brand == back.lookup("NA18000000001").brand == "New"


def test_an_index_for_another_key_is_refused(index):
    data = registry_to_bytes(index, "registry-A")
    assert read_key(data) == "registry-A"
    with pytest.raises(IndexFileError, match="another registry"):
        registry_from_bytes(data, "registry-B")


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda d: d[: len(d) // 2], "SHA-256"),  # cut short
        (lambda d: _flip(d, len(d) - 10), "SHA-256"),  # one bit in the payload
        (lambda d: b"X" + d[1:], "not a Patroli index"),
        (lambda d: d[: len(MAGIC) + 4], "cut short"),
        (lambda d: d[: len(MAGIC) + 8] + b"{not json" + d[len(MAGIC) + 17 :], "unreadable"),
        (lambda d: b"", "not a Patroli index"),
        (lambda d: b"\x80\x04\x95" + d, "not a Patroli index"),  # a pickle is not read
    ],
)
def test_a_damaged_file_is_refused_with_a_reason(index, damage, reason):
    with pytest.raises(IndexFileError, match=reason):
        registry_from_bytes(damage(registry_to_bytes(index, "k")), "k")


def _first_array(header: dict) -> dict:
    return next(entry for entry in header["tables"] if entry["kind"] == "array")


def _rewrite_header(data: bytes, change) -> bytes:
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8
    header = json.loads(data[start : start + size])
    change(header)
    head = json.dumps(header).encode()
    return MAGIC + len(head).to_bytes(8, "little") + head + data[start + size :]


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda h: _first_array(h).update(dtype="|O8"), "bad dtype"),  # objects: never
        (lambda h: h["tables"][0].update(offset=10**12), "past the end"),
        (lambda h: h["tables"][0].update(count=-1), "bad bounds"),
        (lambda h: h.update(format=99), "format"),
        (lambda h: h["tables"].pop(), "do not fit together"),
    ],
)
def test_a_header_that_lies_is_refused(change, reason):
    data = registry_to_bytes(RegistryIndex.build(big_brand_rows()[:5]), "k")
    with pytest.raises(IndexFileError, match=reason):
        registry_from_bytes(_rewrite_header(data, change), "k")


def test_tables_of_numbers_and_words_round_trip():
    tables = {
        "ints": np.arange(5, dtype=np.int32),
        "floats": np.array([0.3, 0.6, 1.0]),
        "codes": np.array([b"NA1", b"TR22"], np.bytes_),
        "words": ["serum", "", "vitamin c", "ünïcode"],
        "none": [],
    }
    back = load(dump(tables, "k"), "k")
    assert back["ints"].tolist() == [0, 1, 2, 3, 4] and back["floats"].tolist() == [0.3, 0.6, 1.0]
    assert back["codes"].tolist() == [b"NA1", b"TR22"]
    assert list(back["words"]) == tables["words"] and back["words"][3] == "ünïcode"
    assert back["words"][-1] == "ünïcode" and back["words"][1] == "" and list(back["none"]) == []


def test_a_text_holding_the_separator_is_not_stored():
    with pytest.raises(ValueError, match="NUL"):
        dump({"words": ["a\x00b"]}, "k")
