"""Name + brand matching behind a blocking index, so a 500,000-row registry stays fast.

Blocking: a listing can only be a registered product if it names that product's brand, so
candidates come from the brand phrases found in the listing (every adjacent word pair of a
brand, or the single word of a one-word brand, is a key). Only the few brands found there
are compared, never the whole registry. For free-text search (and for brand typos) a second
key set holds each name's rare words: a query looks up its rarest words only.

Comparison is by coverage: how much of the row's brand, and of the rest of its product name,
appears among the listing's words, with generic words ("herbal", "skincare", "mg") weighing
little. Coverage is explainable ("brand 3/3 words, name 2/3 words") and ignores the promo
noise around a title ("SALE", "isi 30 kapsul", "ORIGINAL 100%").
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz, process, utils

from rules.text import name_tokens

# Words shared by many brands and products: finding them says little about identity.
GENERIC_WORDS = frozenset((
    "herbal", "herba", "skincare", "skin", "glow", "vita", "nutri", "food", "foods", "snack",
    "snacks", "home", "made", "homemade", "cosmetics", "cosmetic", "beauty", "health", "farma",
    "pharma", "care", "indonesia", "natural", "original", "plus", "dan", "mg", "ml", "gr", "kg",
    "mcg", "iu", "isi", "tablet", "kapsul", "sirup", "krim", "cair", "serbuk", "botol", "sachet",
    "saset", "pcs", "pt", "cv", "ud", "the", "and", "of", "x",
))  # fmt: skip
_GENERIC_WEIGHT = 0.3
_NUMBER_WEIGHT = 0.6
_MAX_POSTING = 2_000  # rare-word keys longer than this are not worth reading
_RARE_KEYS = 3
_SEARCH_POOL = 40
_BRAND_ROWS_CAP = 64


def weight(token: str) -> float:
    if token in GENERIC_WORDS:
        return _GENERIC_WEIGHT
    if token.isdigit():
        return _NUMBER_WEIGHT
    return 1.0


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of one indexed name a listing's words cover (0..1 each)."""

    position: int
    brand: float
    name: float
    matched: float  # total weight of the row's words found, to prefer the fuller name

    @property
    def score(self) -> float:
        return (self.brand + self.name) / 2


class ListingWords:
    """A listing's words for name matching: in order (for brand phrases) and as a set."""

    __slots__ = ("ordered", "present")

    def __init__(self, texts: Iterable[str]):
        self.ordered: list[str] = []
        for text in texts:
            self.ordered += name_tokens(text)
        self.present = frozenset(self.ordered)


class NameIndex:
    """Brand + product name pairs, blocked by brand phrase and by rare word."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        intern = sys.intern
        self._brand: list[tuple[str, ...]] = []
        self._rest: list[tuple[str, ...]] = []
        self.names: list[str] = []
        brand_ids: dict[tuple[str, ...], int] = {}
        self._brand_rows: list[array] = []
        self._brand_words: list[tuple[str, ...]] = []
        self._brand_keys: dict[str, list[int]] = {}
        postings: dict[str, array] = {}
        for position, (brand, product_name) in enumerate(pairs):
            brand_words = tuple(intern(w) for w in name_tokens(brand))
            name_words = tuple(intern(w) for w in name_tokens(product_name))
            rest = _without_brand(name_words, brand_words)
            self._brand.append(brand_words)
            self._rest.append(rest)
            self.names.append(product_name)
            brand_id = brand_ids.get(brand_words)
            if brand_id is None:
                brand_id = brand_ids[brand_words] = len(self._brand_rows)
                self._brand_rows.append(array("i"))
                self._brand_words.append(brand_words)
                for key in _brand_keys(brand_words):
                    self._brand_keys.setdefault(key, []).append(brand_id)
            self._brand_rows[brand_id].append(position)
            for word in set(brand_words + name_words):
                posting = postings.get(word)
                if posting is None:
                    postings[word] = array("i", (position,))
                elif len(posting) <= _MAX_POSTING:
                    posting.append(position)
        self._postings = postings  # words past _MAX_POSTING rows keep a truncated list: never read
        self._processed: list[str] | None = None

    def __len__(self) -> int:
        return len(self.names)

    # --- blocking ---------------------------------------------------------------------
    def brand_candidates(self, words: ListingWords) -> list[int]:
        """Rows whose brand is (mostly) named in the listing, found through brand phrases."""
        ordered = words.ordered
        seen: set[int] = set()
        for i, word in enumerate(ordered):
            for key in (word, f"{word} {ordered[i + 1]}" if i + 1 < len(ordered) else None):
                if key is not None:
                    seen.update(self._brand_keys.get(key, ()))
        rows: list[int] = []
        for brand_id in seen:
            if _cover(self._brand_words[brand_id], words.present) < 0.5:
                continue
            brand_rows = self._brand_rows[brand_id]
            if len(brand_rows) > _BRAND_ROWS_CAP:
                brand_rows = self._closest(brand_rows, words.present)
            rows.extend(brand_rows)
        return rows

    def rare_word_candidates(self, words: Sequence[str], limit: int = _SEARCH_POOL) -> list[int]:
        """Rows sharing the query's rarest words: the fallback when no brand phrase is found."""
        keys = sorted(
            {w for w in words if w in self._postings and len(self._postings[w]) <= _MAX_POSTING},
            key=lambda w: len(self._postings[w]),
        )[:_RARE_KEYS]
        counts: Counter[int] = Counter()
        for key in keys:
            counts.update(self._postings[key])
        return [position for position, _ in counts.most_common(limit)]

    def _closest(self, rows: Sequence[int], present: frozenset[str]) -> list[int]:
        scored = sorted(rows, key=lambda r: -_cover(self._rest[r], present))
        return scored[:_BRAND_ROWS_CAP]

    # --- comparison ---------------------------------------------------------------------
    def coverage(self, position: int, present: frozenset[str]) -> Coverage:
        brand, rest = self._brand[position], self._rest[position]
        matched = sum(weight(w) for w in set(brand + rest) if w in present)
        return Coverage(position, _cover(brand, present), _cover(rest, present), matched)

    def covered(self, words: ListingWords) -> list[Coverage]:
        """Brand-blocked candidates with their coverage, best first."""
        found = [self.coverage(p, words.present) for p in set(self.brand_candidates(words))]
        found.sort(key=lambda c: (-c.score, -c.matched, c.position))
        return found

    def explain(self, position: int, present: frozenset[str]) -> str:
        brand, rest = self._brand[position], self._rest[position]
        return (
            f"merek {sum(w in present for w in brand)}/{len(brand)} kata, "
            f"nama {sum(w in present for w in rest)}/{len(rest)} kata"
        )

    # --- free-text search (the name matcher measured against the naive baseline) --------
    def search(self, query: str, limit: int = 1) -> list[tuple[int, float]]:
        """Best rows for a free-text query: blocked candidates, scored with rapidfuzz WRatio."""
        words = ListingWords([query])
        pool = set(self.brand_candidates(words))
        pool.update(self.rare_word_candidates(words.ordered))
        if not pool:
            return []
        positions = sorted(pool)
        processed = self._processed_names()
        choices = [processed[p] for p in positions]
        found = process.extract(
            utils.default_process(query), choices, scorer=fuzz.WRatio, processor=None, limit=limit
        )
        return [(positions[index], score) for _, score, index in found]

    def _processed_names(self) -> list[str]:
        if self._processed is None:
            self._processed = [utils.default_process(name) for name in self.names]
        return self._processed


def _without_brand(name: tuple[str, ...], brand: tuple[str, ...]) -> tuple[str, ...]:
    """The product name minus its brand words: "Arum Wening Skincare Bedak Padat" -> bedak padat."""
    if brand and name[: len(brand)] == brand:
        return name[len(brand) :]
    brand_set = set(brand)
    rest = tuple(w for w in name if w not in brand_set)
    return rest


def _brand_keys(brand: tuple[str, ...]) -> set[str]:
    if len(brand) == 1:
        return {brand[0]}
    return {f"{a} {b}" for a, b in pairwise(brand)}


def _cover(words: tuple[str, ...], present: frozenset[str]) -> float:
    if not words:
        return 1.0
    total = found = 0.0
    for word in words:
        w = weight(word)
        total += w
        if word in present:
            found += w
    return found / total
