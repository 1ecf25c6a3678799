"""Weak signals that only suggest links, each with its reason in plain words: similar shop
names, near-identical images, the same city and product mix.

Every signal is blocked so it scales: names are compared only within blocks of a shared rare
name token, images only within blocks of an equal hash band, city and products only within
blocks of (city, two product categories). A block bigger than `BLOCK_LIMIT` means the shared
thing is too common to say anything (thousands of shops called "herbal", one stock photo) and
is skipped — the same reasoning as the identifiers' frequency cap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from rules.profiling.model import Account, Pin, Suggestion

BLOCK_LIMIT = 60
NAME_THRESHOLD = 88  # rapidfuzz token_sort_ratio of the names without their generic words
HAMMING_THRESHOLD = 4  # bits of 64 that may differ between two dHashes of one picture
PER_ACCOUNT = 5  # suggestions kept per account, best first
MIN_SCORE = 0.3
# Words every other shop name carries: they say nothing about who runs the shop.
GENERIC_WORDS = frozenset({
    "toko", "shop", "store", "official", "officialshop", "resmi", "grosir", "id", "indo",
    "indonesia", "olshop", "online", "the", "mart", "jaya", "herbal",
})  # fmt: skip
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z]+")


def suggest(
    accounts: list[Account], actor_of: Mapping[str, str], pins: Iterable[Pin] = ()
) -> list[Suggestion]:
    """Pairs of accounts in different actors that weak signals tie, best first."""
    apart = {tuple(sorted((p.a, p.b))) for p in pins if not p.together}
    found: dict[tuple[int, int], list[tuple[float, str]]] = {}

    def add(i: int, j: int, score: float, reason: str) -> None:
        a, b = accounts[i].id, accounts[j].id
        if a == b or actor_of.get(a) == actor_of.get(b):
            return
        pair = (i, j) if a < b else (j, i)
        if (accounts[pair[0]].id, accounts[pair[1]].id) in apart:
            return
        found.setdefault(pair, []).append((score, reason))

    _similar_names(accounts, add)
    _similar_images(accounts, add)
    _same_city_and_products(accounts, add)
    return _best(accounts, found)


def name_key(name: str) -> str:
    """A shop name without case, digits and generic words: 'CendanaAlami Store 93' ->
    'cendana alami'."""
    words = _WORD.findall(_CAMEL.sub(" ", name).lower())
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def _similar_names(accounts: list[Account], add) -> None:
    keys = [name_key(account.shop_name) for account in accounts]
    blocks: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if not key:
            continue
        tokens = set(key.split()) | {key.replace(" ", "")}
        for token in tokens:
            if len(token) >= 3:
                blocks.setdefault(token, []).append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_LIMIT:
            continue
        names = [keys[i] for i in members]
        scores = cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_THRESHOLD)
        for x, y in zip(*scores.nonzero(), strict=True):
            if x >= y:
                continue
            i, j = members[x], members[y]
            if (i, j) in seen:
                continue
            seen.add((i, j))
            score = float(scores[x, y]) / 100
            a, b = accounts[i].shop_name, accounts[j].shop_name
            reason = f"similar shop names: '{a}' / '{b}'" if a != b else f"same shop name: '{a}'"
            add(i, j, 0.6 * score, reason)


def _bands(value: int):
    """Five bands of a 64-bit hash (13+13+13+13+12 bits): two hashes within 4 bits of each
    other agree on at least one band (pigeonhole), so comparing within bands misses none."""
    shift = 0
    for band, width in enumerate((13, 13, 13, 13, 12)):
        yield band, (value >> shift) & ((1 << width) - 1)
        shift += width


def _similar_images(accounts: list[Account], add) -> None:
    blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i, account in enumerate(accounts):
        for value in set(account.image_hashes):
            for band in _bands(value):
                blocks.setdefault(band, []).append((i, value))
    best: dict[tuple[int, int], int] = {}
    for members in blocks.values():
        if len(members) < 2 or len({i for i, _ in members}) > BLOCK_LIMIT:
            continue
        for (i, x), (j, y) in combinations(members, 2):
            if i == j:
                continue
            distance = (x ^ y).bit_count()
            if distance <= HAMMING_THRESHOLD:
                pair = (min(i, j), max(i, j))
                if distance < best.get(pair, 65):
                    best[pair] = distance
    for (i, j), distance in best.items():
        what = "identical" if distance == 0 else f"near-identical ({distance} of 64 bits differ)"
        add(i, j, 0.8 - 0.05 * distance, f"{what} product images")


def _same_city_and_products(accounts: list[Account], add) -> None:
    blocks: dict[tuple[str, str, str], list[int]] = {}
    for i, account in enumerate(accounts):
        if not account.city or len(account.products) < 2:
            continue
        for pair in combinations(sorted(set(account.products))[:6], 2):
            blocks.setdefault((account.city, *pair), []).append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_LIMIT:
            continue
        for i, j in combinations(members, 2):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            a, b = set(accounts[i].products), set(accounts[j].products)
            overlap = len(a & b) / len(a | b)
            if overlap >= 0.5:
                shared = ", ".join(sorted(a & b))
                add(i, j, 0.3 * overlap, f"same city ({accounts[i].city}) and products ({shared})")


def _best(accounts: list[Account], found) -> list[Suggestion]:
    ranked = []
    for (i, j), signals in found.items():
        missing = 1.0
        for score, _ in signals:
            missing *= 1 - score
        score = round(1 - missing, 3)
        if score >= MIN_SCORE:
            reasons = tuple(reason for _, reason in sorted(signals, reverse=True))
            ranked.append(Suggestion(accounts[i].id, accounts[j].id, score, reasons))
    ranked.sort(key=lambda s: (-s.score, s.a, s.b))
    kept, count = [], {}
    for suggestion in ranked:
        if count.get(suggestion.a, 0) < PER_ACCOUNT and count.get(suggestion.b, 0) < PER_ACCOUNT:
            kept.append(suggestion)
            count[suggestion.a] = count.get(suggestion.a, 0) + 1
            count[suggestion.b] = count.get(suggestion.b, 0) + 1
    return kept
