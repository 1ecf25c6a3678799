"""Name + brand matching behind a blocking index, so a 500,000-row registry stays fast.

Blocking: a listing can only be a registered product if it names that product's brand, so
candidates come from the brand phrases found in the listing. A brand is keyed by its core
(the brand minus generic words such as "Herbal" or "Skincare"): each adjacent pair of core
words, or the single core word, written apart or glued ("SekarAyu"). A listing looks up
its own word pairs and words, so only the few brands it names are compared, never the whole
registry. Within a brand with many products, rows are reached through the listing's words.
A big brand (thousands of products whose names share most words) is scored in one pass of
array arithmetic: per brand, an inverted list of each name word's rows; the listing's words
pick their lists, and every row sharing a word gets its covered weight summed at once.
Nothing is sampled or truncated, so the right sibling wins however many there are.
For free-text search (the officer's lookup) a second key set holds every name's words,
built on first use; a query reads its rarest words' rows only.

The index is a set of flat tables (arrays and word lists, see `tables()`), so it can be
stored and read back without re-reading the registry: rules.index_store.

Comparison is by coverage: how much of the row's brand is written as one phrase in the
listing, and how much of the rest of its product name appears, with generic words weighing
little. Coverage is explainable ("merek 3/3 kata, nama 2/3 kata") and ignores the promo
noise around a title ("SALE", "isi 30 kapsul", "ORIGINAL 100%").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process, utils

from rules.name_tables import BIG_BRAND, TENTHS, build_tables, weight
from rules.name_tables import GENERIC_WORDS as GENERIC_WORDS  # the rules' word weights
from rules.name_tables import TABLES as TABLES
from rules.text import name_tokens

_MAX_POSTING = 2_000  # a rare-word key with more rows than this is not worth reading
_RARE_KEYS = 4
_SEARCH_POOL = 40
_BIG_TOP = 32  # rows of one big brand handed on, best first (identify keeps 8)
_GENERIC_TENTHS = 3
# A brand counts as named when most of it is written as one phrase; below this, its
# products are not even compared (a shown NIE's own row is compared regardless).
BRAND_NAMED = 0.7


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

    __slots__ = ("_covered", "_ids", "_run_end", "_runs", "ordered", "positions", "present")

    def __init__(self, texts: Iterable[str] = (), *, ordered: list[str] | None = None):
        self.ordered: list[str] = ordered if ordered is not None else []
        for text in texts:
            self.ordered += name_tokens(text)
        self.present = frozenset(self.ordered)
        self.positions: dict[str, list[int]] = {}
        for i, word in enumerate(self.ordered):
            self.positions.setdefault(word, []).append(i)
        self._runs: dict[tuple[str, ...], tuple[float, int]] = {}
        self._run_end: dict[tuple[str, ...], int] = {}  # where the brand's best run ends
        self._covered: dict[tuple, list[Coverage]] = {}  # per index: computed once per listing
        self._ids: dict[int, np.ndarray] = {}  # per index: the listing's words as word ids

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
                    self._run_end[brand] = q
        self._runs[brand] = best_weight, best_count
        return best_weight, best_count


class NameIndex:
    """Brand + product name pairs, blocked by brand core; big brands scored with arrays."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        names, tables = build_tables(pairs)
        self._setup(tables, names)

    @classmethod
    def from_tables(cls, tables: Mapping[str, object], names: Sequence[str]) -> NameIndex:
        """An index from tables an earlier index gave (`tables()`), e.g. read back from disk."""
        index = cls.__new__(cls)
        index._setup(dict(tables), names)
        return index

    def tables(self) -> dict[str, object]:
        """The flat tables the index is made of: numpy arrays and lists of words."""
        return dict(self._tables)

    def _setup(self, tables: dict[str, object], names: Sequence[str]) -> None:
        missing = [name for name in TABLES if name not in tables]
        if missing:
            raise ValueError(f"name index tables lack {', '.join(missing)}")
        self._tables = tables
        self.names = names
        words: list[str] = tables["words"]  # type: ignore[assignment]
        self._words = words
        self._vocab = {word: i for i, word in enumerate(words)}
        self._word_weight = np.asarray(tables["word_weight"], dtype=np.float64)  # in tenths
        self._weights = [int(w) for w in self._word_weight.tolist()]
        self._row_brand = tables["row_brand"]
        self._rest_ptr, self._rest_ids = tables["rest_ptr"], tables["rest_ids"]
        self._brand_row_ptr = tables["brand_row_ptr"]
        self._brand_rows = tables["brand_rows"]
        self._local_total = tables["local_total"]
        self._pair_bounds = tables["pair_bounds"]
        self._pair_word, self._pair_row_ptr = tables["pair_word"], tables["pair_row_ptr"]
        self._pair_rows = tables["pair_rows"]
        self._brand_words = [tuple(text.split(" ")) for text in tables["brand_text"]]
        self._brand_total = tables["brand_total"].tolist()  # type: ignore[attr-defined]
        self._brand_size = np.diff(self._brand_row_ptr).tolist()
        self._brand_keys: dict[str, list[int]] = {}
        for key, brand_id in zip(tables["key_text"], tables["key_brand"].tolist(), strict=True):
            found = self._brand_keys.get(key)
            if found is None:
                self._brand_keys[key] = [brand_id]
            else:
                found.append(brand_id)
        # words a key can start with: a listing's other words skip the lookups
        self._key_starts = frozenset(tables["key_starts"])
        self._small: dict[int, list[tuple[int, tuple[str, ...], tuple[int, ...]]]] = {}
        self._word_rows: tuple[np.ndarray, np.ndarray] | None = None  # built for search only
        self._rest_lists: tuple[list[int], list[int]] | None = None
        self._processed: list[str] | None = None

    def __len__(self) -> int:
        return len(self._row_brand)

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
        for brand_id in sorted(seen):
            run, _ = words.brand_run(self._brand_words[brand_id])
            total = self._brand_total[brand_id]
            cover = run / total if total else 1.0
            if cover >= least:
                out.append((brand_id, cover))
        return out

    def brand_coverages(self, brand_id: int, cover: float, words: ListingWords) -> list[Coverage]:
        """The brand's rows that share the listing's words, each with its coverage.

        A brand with many products is scored in one pass over the inverted lists of the
        listing's words within that brand, and only its best rows are handed on.
        """
        brand_weight, _ = words.brand_run(self._brand_words[brand_id])
        if self._brand_size[brand_id] > BIG_BRAND:
            return self._big_brand_coverages(brand_id, cover, brand_weight, words)
        present = words.present
        out = []
        for row, rest, weights in self._small_rows(brand_id):
            name, strong = _rest_cover(rest, weights, present)
            out.append(Coverage(row, cover, name, brand_weight + strong / TENTHS))
        return out

    def _small_rows(self, brand_id: int) -> list[tuple[int, tuple[str, ...], tuple[int, ...]]]:
        rows = self._small.get(brand_id)
        if rows is None:  # words of a small brand's rows, made on first use
            start, end = self._brand_row_ptr[brand_id], self._brand_row_ptr[brand_id + 1]
            rows = [(row, *self._row_rest(row)) for row in self._brand_rows[start:end].tolist()]
            self._small[brand_id] = rows
        return rows

    def _row_rest(self, row: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
        if self._rest_lists is None:  # plain lists: slicing them beats indexing arrays
            self._rest_lists = self._rest_ptr.tolist(), self._rest_ids.tolist()
        ptr, flat = self._rest_lists
        ids = flat[ptr[row] : ptr[row + 1]]
        return tuple(map(self._words.__getitem__, ids)), tuple(map(self._weights.__getitem__, ids))

    def _present_ids(self, words: ListingWords) -> np.ndarray:
        found = words._ids.get(id(self))
        if found is None:
            vocab = self._vocab
            found = np.array(sorted(vocab[w] for w in words.present if w in vocab), np.int32)
            words._ids[id(self)] = found
        return found

    def _big_brand_coverages(
        self, brand_id: int, cover: float, brand_weight: float, words: ListingWords
    ) -> list[Coverage]:
        base, size = int(self._brand_row_ptr[brand_id]), self._brand_size[brand_id]
        low, high = self._pair_bounds[brand_id], self._pair_bounds[brand_id + 1]
        brand_words = self._pair_word[low:high]  # sorted word ids used by the brand's names
        present = self._present_ids(words)
        hit = strong = np.zeros(size)
        if present.size and brand_words.size:
            at = np.searchsorted(brand_words, present)
            at[at == brand_words.size] = 0
            shared = brand_words[at] == present
            lists = at[shared] + low
            starts = self._pair_row_ptr[lists]
            lengths = self._pair_row_ptr[lists + 1] - starts
            count = int(lengths.sum())
            if count:
                # the rows of every shared word's list, gathered into one array
                offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
                rows = self._pair_rows[offsets + np.arange(count)]
                weights = np.repeat(self._word_weight[present[shared]], lengths)
                hit = np.bincount(rows, weights=weights, minlength=size)
                telling = np.where(weights > _GENERIC_TENTHS, weights, 0.0)
                strong = np.bincount(rows, weights=telling, minlength=size)
        total = self._local_total[base : base + size]
        name = np.divide(hit, total, out=np.ones(size), where=total > 0)
        candidates = np.flatnonzero((hit > 0) | (total == 0))
        if candidates.size > _BIG_TOP:
            candidates = _best(candidates, name[candidates], strong[candidates])
        positions = self._brand_rows[base + candidates].tolist()
        names, strongs = name[candidates].tolist(), strong[candidates].tolist()
        return [
            Coverage(row, cover, n, brand_weight + s / TENTHS)
            for row, n, s in zip(positions, names, strongs, strict=True)
        ]

    def rare_word_candidates(self, words: Sequence[str], limit: int = _SEARCH_POOL) -> list[int]:
        """Rows sharing the query's rarest words, ranked by how many of its words they share.

        The fallback when no brand is named: rows are read only through the rarest words
        (at most _MAX_POSTING rows each), then every query word counts in the ranking.
        """
        ptr, rows = self._word_postings()
        present = frozenset(words)
        ids = [self._vocab[w] for w in present if w in self._vocab]
        sizes = {i: int(ptr[i + 1] - ptr[i]) for i in ids}
        rarest = sorted((i for i in ids if sizes[i] <= _MAX_POSTING), key=lambda i: sizes[i])
        pool: set[int] = set()
        for i in rarest[:_RARE_KEYS]:
            pool.update(rows[ptr[i] : ptr[i + 1]].tolist())
        shared = {}
        for row in pool:
            rest, weights = self._row_rest(row)
            brand = self._brand_words[int(self._row_brand[row])]
            shared[row] = (
                sum(weight(w) for w in brand if w in present)
                + sum(w for word, w in zip(rest, weights, strict=True) if word in present) / TENTHS
            )
        return sorted(shared, key=lambda row: (-shared[row], row))[:limit]

    def _word_postings(self) -> tuple[np.ndarray, np.ndarray]:
        """Word id -> rows whose brand or name has it (CSR), built on first use."""
        if self._word_rows is None:
            n = len(self)
            rest_rows = np.repeat(np.arange(n), np.diff(self._rest_ptr))
            brand_ptr, brand_ids = self._tables["brand_ptr"], self._tables["brand_ids"]
            sizes = np.diff(brand_ptr)[self._row_brand]
            brand_rows = np.repeat(np.arange(n), sizes)
            starts = np.repeat(brand_ptr[self._row_brand] - (np.cumsum(sizes) - sizes), sizes)
            brand_word_ids = brand_ids[starts + np.arange(int(sizes.sum()))]
            word_ids = np.concatenate([self._rest_ids, brand_word_ids])
            rows = np.concatenate([rest_rows, brand_rows])
            order = np.lexsort((rows, word_ids))
            word_ids, rows = word_ids[order], rows[order]
            keep = np.ones(rows.size, bool)  # a word in both brand and name counts once
            keep[1:] = (word_ids[1:] != word_ids[:-1]) | (rows[1:] != rows[:-1])
            word_ids, rows = word_ids[keep], rows[keep]
            ptr = np.searchsorted(word_ids, np.arange(len(self._words) + 1))
            self._word_rows = ptr, rows
        return self._word_rows

    # --- comparison ---------------------------------------------------------------------
    def coverage(self, position: int, words: ListingWords, brand: float | None = None) -> Coverage:
        brand_id = int(self._row_brand[position])
        brand_words, total = self._brand_words[brand_id], self._brand_total[brand_id]
        brand_weight, _ = words.brand_run(brand_words)
        if brand is None:
            brand = brand_weight / total if total else 1.0
        name, strong = _rest_cover(*self._row_rest(position), words.present)
        return Coverage(position, brand, name, brand_weight + strong / TENTHS)

    def covered(self, words: ListingWords, least: float = BRAND_NAMED) -> list[Coverage]:
        """Rows of the brands the listing names (coverage >= least), best first."""
        key = (id(self), least)
        cached = words._covered.get(key)
        if cached is not None:
            return cached
        found = []
        for brand_id, cover in self.named_brands(words, least):
            found += self.brand_coverages(brand_id, cover, words)
        found.sort(key=lambda c: (-c.score, -c.matched, c.position))
        self._settle_ties(found, words)
        words._covered[key] = found
        return found

    def _settle_ties(self, found: list[Coverage], words: ListingWords) -> None:
        """Rows equal on coverage and telling words at the top: the one whose lesser words
        (a size, "Plus", "Sirup", "Original") stand where the name is written, right after
        the brand, comes first; those the text has only elsewhere (a promo "ORIGINAL 100%",
        "Kemasan 100 ml" in the description) count against the row."""
        tied = 1
        while tied < len(found) and found[tied][1:] == found[0][1:]:
            tied += 1
        if tied > 1:
            found[:tied] = sorted(found[:tied], key=lambda c: (-self._placed(c, words), c.position))

    def _placed(self, coverage: Coverage, words: ListingWords) -> int:
        brand = self._brand_words[int(self._row_brand[coverage.position])]
        words.brand_run(brand)
        end = words._run_end.get(brand, len(words.ordered))
        rest, weights = self._row_rest(coverage.position)
        written = set(words.ordered[end : end + len(rest)])
        return sum((w if word in written else -w)
                   for word, w in zip(rest, weights, strict=True)
                   if w < TENTHS and word in words.present)  # fmt: skip

    def explain(self, position: int, words: ListingWords) -> str:
        brand = self._brand_words[int(self._row_brand[position])]
        rest, _ = self._row_rest(position)
        _, brand_found = words.brand_run(brand)
        rest_found = sum(w in words.present for w in rest)
        return f"merek {brand_found}/{len(brand)} kata, nama {rest_found}/{len(rest)} kata"

    # --- free-text search (an officer's lookup) -----------------------------------------
    def search(self, query: str, limit: int = 1) -> list[tuple[int, float]]:
        """Best rows for a free-text query: blocked candidates, scored with rapidfuzz WRatio."""
        words = ListingWords([query])
        pool = {c.position for brand_id, cover in self.named_brands(words)
                for c in self.brand_coverages(brand_id, cover, words)}  # fmt: skip
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


def _best(rows: np.ndarray, name: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """The _BIG_TOP rows ranked first by (name, strong, row order), exactly as a sort would.

    One combined figure finds the cut quickly; every row near the cut is kept and the few
    kept are sorted on the true keys, so ties at the cut fall as they would row by row.
    """
    # two coverages of names up to 1,000 words' weight differ by more than 2**40 / 10**6 of a
    # unit, far above any telling weight, so name decides first and strong breaks its ties
    rank = name * 2.0**40 + strong
    cut = np.partition(rank, rank.size - _BIG_TOP)[rank.size - _BIG_TOP]
    near = np.flatnonzero(rank >= cut - 0.5)  # strong moves in whole tenths
    order = np.lexsort((rows[near], -strong[near], -name[near]))[:_BIG_TOP]
    return rows[near[order]]


def _rest_cover(
    rest: tuple[str, ...], weights: tuple[int, ...], present: frozenset[str]
) -> tuple[float, int]:
    """Share of the row's non-brand words present, and the weight (tenths) of the telling ones.

    The second figure prefers the fuller name among equally covered rows, but only
    on telling words: a promo "ORIGINAL" in a title must not pick the "... Original"
    variant over the product itself.
    """
    hit = strong = total = 0  # the inner loop of every small brand: kept plain
    for word, w in zip(rest, weights, strict=True):
        total += w
        if word in present:
            hit += w
            if w > _GENERIC_TENTHS:
                strong += w
    return (hit / total if total else 1.0), strong
