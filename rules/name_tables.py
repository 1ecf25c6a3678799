"""The flat tables a NameIndex is made of, built from (brand, product name) pairs.

Words get ids, each row its brand id and the ids of its name words minus the brand, each
brand its words, weight and lookup keys; rows are ordered by brand, and every big brand
has, per word, the list of its rows using it. All of it numbers and word lists, so an index
is stored and read back without tokenising a name again (rules.index_store).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from itertools import pairwise

import numpy as np

from rules.text import name_tokens

# Words shared by many brands and products: finding them says little about identity.
GENERIC_WORDS = frozenset((
    "herbal", "herba", "skincare", "skin", "glow", "vita", "nutri", "food", "foods", "snack",
    "snacks", "home", "made", "homemade", "cosmetics", "cosmetic", "beauty", "health", "farma",
    "pharma", "care", "indonesia", "natural", "original", "plus", "dan", "mg", "ml", "gr", "kg",
    "mcg", "iu", "isi", "tablet", "kapsul", "sirup", "krim", "cair", "serbuk", "botol", "sachet",
    "saset", "pcs", "pt", "cv", "ud", "the", "and", "of", "x", "jamu", "pangan", "dapur",
    "rumahan",
))  # fmt: skip
_GENERIC_WEIGHT = 0.3
_NUMBER_WEIGHT = 0.6
BIG_BRAND = 64  # past this many rows a brand is scored with arrays, not row by row
# Name words weigh in tenths (10, 6, 3) inside the index: sums of whole numbers are exact in
# any order, so array sums and row-by-row sums give the very same coverage.
TENTHS = 10


def weight(word: str) -> float:
    if word in GENERIC_WORDS:
        return _GENERIC_WEIGHT
    if word.isdigit():
        return _NUMBER_WEIGHT
    return 1.0


# The tables of a NameIndex, as `tables()` gives them and `from_tables()` takes them.
TABLES = (
    "words", "word_weight", "row_brand", "rest_ptr", "rest_ids", "brand_ptr", "brand_ids",
    "brand_row_ptr", "brand_rows", "local_total", "pair_bounds", "pair_word", "pair_row_ptr",
    "pair_rows", "brand_text", "brand_total", "key_text", "key_brand", "key_starts",
)  # fmt: skip


def build_tables(pairs: Iterable[tuple[str, str]]) -> tuple[list[str], dict[str, object]]:
    """Product names and the index tables, from (brand, product name) pairs."""
    intern = sys.intern
    vocab: dict[str, int] = {}
    words: list[str] = []

    def ids(text: str) -> tuple[int, ...]:
        out = []
        for word in name_tokens(text):
            i = vocab.get(word)
            if i is None:
                i = vocab[word] = len(words)
                words.append(intern(word))
            out.append(i)
        return tuple(out)

    names: list[str] = []
    brand_of: dict[str, int] = {}  # brand text -> brand id (the same text recurs)
    brand_ids: dict[tuple[int, ...], int] = {}
    brand_flat, brand_ptr = array("i"), array("q", (0,))
    row_brand, rest_ids, rest_ptr = array("i"), array("i"), array("q", (0,))
    for brand, product_name in pairs:
        brand_id = brand_of.get(brand)
        if brand_id is None:
            brand_words = ids(brand)
            brand_id = brand_ids.get(brand_words)
            if brand_id is None:
                brand_id = brand_ids[brand_words] = len(brand_ptr) - 1
                brand_flat.extend(brand_words)
                brand_ptr.append(len(brand_flat))
            brand_of[brand] = brand_id
        brand_words = tuple(brand_flat[brand_ptr[brand_id] : brand_ptr[brand_id + 1]])
        rest = dict.fromkeys(without_brand(ids(product_name), brand_words))  # no repeats
        names.append(product_name)
        row_brand.append(brand_id)
        rest_ids.extend(rest)
        rest_ptr.append(len(rest_ids))
    tables = _arrays(words, row_brand, rest_ptr, rest_ids, brand_ptr, brand_flat)
    tables.update(_brand_tables([tuple(words[i] for i in brand) for brand in brand_ids]))
    return names, tables


def _brand_tables(brands: list[tuple[str, ...]]) -> dict[str, object]:
    """Each brand's words, weight and lookup keys, so a stored index needs no re-keying."""
    keys = sorted((key, brand_id) for brand_id, brand in enumerate(brands)
                  for key in brand_keys(brand))  # fmt: skip
    return {
        "brand_text": [" ".join(brand) for brand in brands],
        "brand_total": np.array([sum(weight(w) for w in brand) for brand in brands], np.float64),
        "key_text": [key for key, _ in keys],
        "key_brand": np.array([brand_id for _, brand_id in keys], np.int32),
        "key_starts": sorted({key.split(" ", 1)[0] for key, _ in keys}),
    }


def _arrays(words, row_brand, rest_ptr, rest_ids, brand_ptr, brand_flat) -> dict[str, object]:
    """Brand order, row totals and the big brands' inverted lists, computed with numpy."""
    n, brands = len(row_brand), len(brand_ptr) - 1
    row_brand = np.frombuffer(row_brand, np.int32).copy() if n else np.zeros(0, np.int32)
    rest_ptr = np.frombuffer(rest_ptr, np.int64).copy()
    rest_ids = np.frombuffer(rest_ids, np.int32).copy() if rest_ids else np.zeros(0, np.int32)
    word_weight = np.array([round(weight(w) * TENTHS) for w in words], np.float64)
    element_row = np.repeat(np.arange(n), np.diff(rest_ptr))
    # bincount adds in element order, as _rest_cover does: the same float totals
    totals = np.bincount(element_row, weights=word_weight[rest_ids], minlength=n)
    order = np.argsort(row_brand, kind="stable")  # rows by brand, each brand's in row order
    sizes = np.bincount(row_brand, minlength=brands)
    brand_row_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    local = np.empty(n, np.int64)
    local[order] = np.arange(n) - brand_row_ptr[row_brand[order]]
    # big brands: (brand, word) -> the brand's rows (local numbers) whose name has the word
    big = (sizes > BIG_BRAND)[row_brand[element_row]]
    vocabulary = max(len(words), 1)
    key = row_brand[element_row][big].astype(np.int64) * vocabulary + rest_ids[big]
    by_key = np.argsort(key, kind="stable")  # stable: rows stay in order within a list
    key, pair_rows = key[by_key], local[element_row][big][by_key].astype(np.int32)
    pair_key, first = np.unique(key, return_index=True)
    pair_bounds = np.searchsorted(pair_key // vocabulary, np.arange(brands + 1)).astype(np.int64)
    return {
        "words": words,
        "word_weight": word_weight,
        "row_brand": row_brand,
        "rest_ptr": rest_ptr,
        "rest_ids": rest_ids,
        "brand_ptr": np.frombuffer(brand_ptr, np.int64).copy(),
        "brand_ids": np.array(brand_flat, np.int32),
        "brand_row_ptr": brand_row_ptr,
        "brand_rows": order.astype(np.int32),
        "local_total": totals[order],
        "pair_bounds": pair_bounds,
        "pair_word": (pair_key % vocabulary).astype(np.int32),
        "pair_row_ptr": np.concatenate([first, [key.size]]).astype(np.int64),
        "pair_rows": pair_rows,
    }


def without_brand(name: tuple[str, ...], brand: tuple[str, ...]) -> tuple[str, ...]:
    """The product name minus its brand words: "Arum Wening Skincare Bedak Padat" -> bedak padat."""
    if brand and name[: len(brand)] == brand:
        return name[len(brand) :]
    brand_set = set(brand)
    return tuple(w for w in name if w not in brand_set)


def brand_keys(brand: tuple[str, ...]) -> set[str]:
    """Lookup keys of a brand: pairs of its core words (apart and glued), or its one core word."""
    core = tuple(w for w in brand if w not in GENERIC_WORDS) or brand
    if len(core) == 1:
        return {core[0]}
    pairs = list(pairwise(core))
    return {f"{a} {b}" for a, b in pairs} | {a + b for a, b in pairs} | {"".join(core)}
