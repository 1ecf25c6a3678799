"""Name + brand matching behind a blocking index, so a 500,000-row registry stays fast.

Blocking: a listing can only be a registered product if it names that product's brand, so
candidates come from the brand phrases found in the listing. A brand is keyed by its core
(the brand minus generic words such as "Herbal" or "Skincare"): each adjacent pair of core
words, or the single core word, written apart or glued ("SekarAyu"). A listing looks up
its own word pairs and words, so only the few brands it names are compared, never the whole
registry. Within a brand with many products, rows are reached through the listing's words.
For free-text search (the officer's lookup, and the benchmark against a naive scan) a second
key set holds every name's rare words; a query reads its rarest words' rows only.

Comparison is by coverage: how much of the row's brand is written as one phrase in the
listing, and how much of the rest of its product name appears, with generic words weighing
little. Coverage is explainable ("merek 3/3 kata, nama 2/3 kata") and ignores the promo
noise around a title ("SALE", "isi 30 kapsul", "ORIGINAL 100%").
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import fuzz, process, utils

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
_MAX_POSTING = 2_000  # a rare-word key with more rows than this is not worth reading
_RARE_KEYS = 4
_SEARCH_POOL = 40
_BRAND_ROWS_CAP = 64
_BIG_BRAND = 64
# A brand counts as named when most of it is written as one phrase; below this, its
# products are not even compared (a shown NIE's own row is compared regardless).
BRAND_NAMED = 0.7


def weight(word: str) -> float:
    if word in GENERIC_WORDS:
        return _GENERIC_WEIGHT
    if word.isdigit():
        return _NUMBER_WEIGHT
    return 1.0


class Coverage(NamedTuple):
    """How much of one indexed name a listing's words cover (0..1 each)."""

    position: int
    brand: float
    name: float
    matched: float  # weight of the row's telling words found, to prefer the fuller name

    @property
    def score(self) -> float:
        return (self.brand + self.name) / 2


class ListingWords:
    """A listing's words for name matching: in order (brands are phrases) and as a set."""

    __slots__ = ("_covered", "_runs", "ordered", "positions", "present")

    def __init__(self, texts: Iterable[str] = (), *, ordered: list[str] | None = None):
        self.ordered: list[str] = ordered if ordered is not None else []
        for text in texts:
            self.ordered += name_tokens(text)
        self.present = frozenset(self.ordered)
        self.positions: dict[str, list[int]] = {}
        for i, word in enumerate(self.ordered):
            self.positions.setdefault(word, []).append(i)
        self._runs: dict[tuple[str, ...], tuple[float, int]] = {}
        self._covered: dict[tuple, list[Coverage]] = {}  # per index: computed once per listing

    def brand_run(self, brand: tuple[str, ...]) -> tuple[float, int]:
        """Weight and word count of the longest stretch of `brand` written as one phrase.

        Brand words scattered through a description ("Terima kasih" and, elsewhere,
        "Wibawa Herba") do not add up to the brand "Kasih Wibawa Herba"; "SekarAyu" counts
        as "Sekar Ayu".
        """
        cached = self._runs.get(brand)
        if cached is not None:
            return cached
        best_weight, best_count = 0.0, 0
        ordered, size = self.ordered, len(brand)
        for j in range(size):
            starts = [(p, 1) for p in self.positions.get(brand[j], ())]
            for k in range(j + 2, size + 1):  # the brand's words glued into one token
                starts += [(p, k - j) for p in self.positions.get("".join(brand[j:k]), ())]
            for p, first in starts:
                i, q = j + first, p + 1
                while i < size and q < len(ordered) and ordered[q] == brand[i]:
                    i, q = i + 1, q + 1
                got = sum(weight(w) for w in brand[j:i])
                if got > best_weight:
                    best_weight, best_count = got, i - j
        self._runs[brand] = best_weight, best_count
        return best_weight, best_count


class NameIndex:
    """Brand + product name pairs, blocked by brand core and by rare word."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        intern = sys.intern
        self.names: list[str] = []
        self._row_brand = array("i")
        self._rest: list[tuple[str, ...]] = []
        self._rest_weights: list[tuple[float, ...]] = []
        self._brand_words: list[tuple[str, ...]] = []
        self._brand_total: list[float] = []
        self._brand_rows: list[array] = []
        self._brand_keys: dict[str, list[int]] = {}
        self._key_starts: set[str] = set()  # words a key can start with: others skip lookups
        self._big_brand_words: dict[int, dict[str, list[int]]] = {}
        brand_ids: dict[tuple[str, ...], int] = {}
        weights: dict[str, float] = {}
        postings: dict[str, array] = {}
        for position, (brand, product_name) in enumerate(pairs):
            brand_words = tuple(intern(w) for w in name_tokens(brand))
            name_words = tuple(intern(w) for w in name_tokens(product_name))
            rest = tuple(dict.fromkeys(_without_brand(name_words, brand_words)))  # no repeats
            brand_id = brand_ids.get(brand_words)
            if brand_id is None:
                brand_id = brand_ids[brand_words] = self._add_brand(brand_words)
            self._brand_rows[brand_id].append(position)
            self._row_brand.append(brand_id)
            self.names.append(product_name)
            self._rest.append(rest)
            self._rest_weights.append(
                tuple(weights.get(w) or weights.setdefault(w, weight(w)) for w in rest)
            )
            keys = set(name_words) | set(brand_words)
            keys.update(f"{a} {b}" for a, b in pairwise(name_words))  # "damai cosmetics"
            for word in keys:
                posting = postings.get(word)
                if posting is None:
                    postings[word] = array("i", (position,))
                elif len(posting) <= _MAX_POSTING:  # past that, a truncated list never read
                    posting.append(position)
        self._postings = postings
        self._processed: list[str] | None = None

    def _add_brand(self, brand_words: tuple[str, ...]) -> int:
        brand_id = len(self._brand_rows)
        self._brand_rows.append(array("i"))
        self._brand_words.append(brand_words)
        self._brand_total.append(sum(weight(w) for w in brand_words))
        for key in _brand_keys(brand_words):
            self._brand_keys.setdefault(key, []).append(brand_id)
            self._key_starts.add(key.split(" ", 1)[0])
        return brand_id

    def __len__(self) -> int:
        return len(self.names)

    # --- blocking ---------------------------------------------------------------------
    def named_brands(self, words: ListingWords, least: float = 0.5) -> list[tuple[int, float]]:
        """(brand id, brand coverage >= least) of the brands the listing names, by their keys."""
        ordered, keys, starts = words.ordered, self._brand_keys, self._key_starts
        seen: set[int] = set()
        for i, word in enumerate(ordered):
            if word not in starts:
                continue
            found = keys.get(word)
            if found:
                seen.update(found)
            if i + 1 < len(ordered):
                found = keys.get(f"{word} {ordered[i + 1]}")
                if found:
                    seen.update(found)
        out = []
        for brand_id in seen:
            run, _ = words.brand_run(self._brand_words[brand_id])
            total = self._brand_total[brand_id]
            cover = run / total if total else 1.0
            if cover >= least:
                out.append((brand_id, cover))
        return out

    def brand_rows(self, brand_id: int, words: ListingWords) -> Sequence[int]:
        """A brand's rows; for a brand with many products, those sharing the listing's words."""
        rows = self._brand_rows[brand_id]
        if len(rows) <= _BIG_BRAND:
            return rows
        by_word = self._big_brand_words.get(brand_id)
        if by_word is None:  # built on first use: most big brands are never named
            by_word = {}
            for row in rows:
                for word in set(self._rest[row]):
                    by_word.setdefault(word, []).append(row)
            self._big_brand_words[brand_id] = by_word
        # the listing's words that are rarest within the brand point at its product
        lists = sorted(
            (by_word[w] for w in words.present if w in by_word and weight(w) == 1.0), key=len
        )
        counts: Counter[int] = Counter()
        for rows_with_word in lists:
            counts.update(rows_with_word)
            if len(counts) >= 4 * _BRAND_ROWS_CAP:
                break
        return [row for row, _ in counts.most_common(_BRAND_ROWS_CAP)]

    def rare_word_candidates(self, words: Sequence[str], limit: int = _SEARCH_POOL) -> list[int]:
        """Rows sharing the query's rarest words, ranked by how many of its words they share.

        The fallback when no brand is named: rows are read only through the rarest words
        (at most _MAX_POSTING rows each), then every query word counts in the ranking.
        """
        postings, present = self._postings, frozenset(words)
        query_keys = present | {f"{a} {b}" for a, b in pairwise(words)}
        keys = sorted(
            {k for k in query_keys if k in postings and len(postings[k]) <= _MAX_POSTING},
            key=lambda k: len(postings[k]),
        )[:_RARE_KEYS]
        pool: set[int] = set()
        for key in keys:
            pool.update(postings[key])
        brand_words, row_brand, rest = self._brand_words, self._row_brand, self._rest
        shared = {
            row: sum(weight(w) for w in brand_words[row_brand[row]] + rest[row] if w in present)
            for row in pool
        }
        return sorted(shared, key=lambda row: (-shared[row], row))[:limit]

    # --- comparison ---------------------------------------------------------------------
    def coverage(self, position: int, words: ListingWords, brand: float | None = None) -> Coverage:
        brand_id = self._row_brand[position]
        brand_words, total = self._brand_words[brand_id], self._brand_total[brand_id]
        brand_weight, _ = words.brand_run(brand_words)
        if brand is None:
            brand = brand_weight / total if total else 1.0
        name, strong = self._rest_cover(position, words.present)
        return Coverage(position, brand, name, brand_weight + strong)

    def covered(self, words: ListingWords, least: float = BRAND_NAMED) -> list[Coverage]:
        """Rows of the brands the listing names (coverage >= least), best first."""
        key = (id(self), least)
        cached = words._covered.get(key)
        if cached is not None:
            return cached
        present, rest_cover = words.present, self._rest_cover
        found = []
        for brand_id, cover in self.named_brands(words, least):
            brand_weight, _ = words.brand_run(self._brand_words[brand_id])
            for row in self.brand_rows(brand_id, words):
                name, strong = rest_cover(row, present)
                found.append(Coverage(row, cover, name, brand_weight + strong))
        found.sort(key=lambda c: (-c.score, -c.matched, c.position))
        words._covered[key] = found
        return found

    def _rest_cover(self, row: int, present: frozenset[str]) -> tuple[float, float]:
        """Share of the row's non-brand words present, and the weight of the telling ones.

        The second figure prefers the fuller name among equally covered rows, but only
        on telling words: a promo "ORIGINAL" in a title must not pick the "... Original"
        variant over the product itself.
        """
        hit = strong = total = 0.0  # the inner loop of every check: kept plain
        for word, w in zip(self._rest[row], self._rest_weights[row], strict=True):
            total += w
            if word in present:
                hit += w
                if w > _GENERIC_WEIGHT:
                    strong += w
        return (hit / total if total else 1.0), strong

    def explain(self, position: int, words: ListingWords) -> str:
        brand = self._brand_words[self._row_brand[position]]
        rest = self._rest[position]
        _, brand_found = words.brand_run(brand)
        rest_found = sum(w in words.present for w in rest)
        return f"merek {brand_found}/{len(brand)} kata, nama {rest_found}/{len(rest)} kata"

    # --- free-text search (the name matcher measured against the naive baseline) --------
    def search(self, query: str, limit: int = 1) -> list[tuple[int, float]]:
        """Best rows for a free-text query: blocked candidates, scored with rapidfuzz WRatio."""
        words = ListingWords([query])
        pool = {row for brand_id, _ in self.named_brands(words)
                for row in self.brand_rows(brand_id, words)}  # fmt: skip
        pool.update(self.rare_word_candidates(words.ordered))
        if not pool:
            return []
        positions = sorted(pool)
        processed = self._processed_names()
        found = process.extract(
            utils.default_process(query),
            [processed[p] for p in positions],
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit,
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
    return tuple(w for w in name if w not in brand_set)


def _brand_keys(brand: tuple[str, ...]) -> set[str]:
    """Lookup keys of a brand: pairs of its core words (apart and glued), or its one core word."""
    core = tuple(w for w in brand if w not in GENERIC_WORDS) or brand
    if len(core) == 1:
        return {core[0]}
    pairs = list(pairwise(core))
    return {f"{a} {b}" for a, b in pairs} | {a + b for a, b in pairs} | {"".join(core)}
