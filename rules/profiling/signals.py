"""Weak signals that only suggest links, each with its reason in plain words: similar shop
names, near-identical images, the same city and product mix.

A suggestion is about two actors (confirming it joins them), shown as one account of each;
each reason names the two accounts it compares (other accounts of the same two actors may be
the ones that look alike).
Every signal is blocked so it scales: names are compared only within blocks of a shared name
token, images only within blocks of an equal hash band, city and products only within blocks
of (city, two product categories). A block holding more than `BLOCK_LIMIT` actors means the
shared thing is too common to say anything (hundreds of shops called "Herbal Sehat", one stock
photo) and is skipped — the reasoning of the identifiers' frequency cap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from rules.profiling.contacts import shop_key
from rules.profiling.model import Account, Pin, Suggestion

BLOCK_LIMIT = 30
NAME_THRESHOLD = 88  # rapidfuzz token_sort_ratio of the names without their generic words
HAMMING_THRESHOLD = 4  # bits of 64 that may differ between two dHashes of one picture
PER_ACCOUNT = 5  # suggestions kept per account, best first
# A name (or address) more actors use than this is left out: its score, shared out among them
# (2 / actors), would stay under a tenth.
NAME_CROWD = 12
MIN_SCORE = 0.3
# Words every other shop name carries: they say nothing about who runs the shop.
GENERIC_WORDS = frozenset({
    "toko", "shop", "store", "official", "officialshop", "resmi", "grosir", "id", "indo",
    "indonesia", "olshop", "online", "the", "mart", "jaya", "herbal",
})  # fmt: skip
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z]+")
_BAND_WIDTHS = (13, 13, 13, 13, 12)  # 5 bands: hashes within 4 bits agree on one (pigeonhole)


class _Found:
    """Signals per pair of actors, each pair shown as the first two accounts that raised it."""

    def __init__(self, accounts: list[Account], actor: list[int], apart: set[tuple[int, int]]):
        self.accounts, self.actor, self.apart = accounts, actor, apart
        self.signals: dict[tuple[int, int], list[tuple[float, str, str]]] = {}
        self.shown: dict[tuple[int, int], tuple[int, int]] = {}

    def add(self, i: int, j: int, score: float, reason: str, family: str) -> None:
        x, y = self.actor[i], self.actor[j]
        if x == y:
            return
        pair = (x, y) if x < y else (y, x)
        if pair in self.apart:
            return
        self.shown.setdefault(pair, (i, j))
        self.signals.setdefault(pair, []).append((score, reason, family))


def suggest(
    accounts: list[Account], actor_of: Mapping[str, str], pins: Iterable[Pin] = ()
) -> list[Suggestion]:
    """Pairs of accounts in different actors that weak signals tie, best first; never two
    actors an apart pin separates."""
    numbers: dict[str, int] = {}
    actor = [numbers.setdefault(actor_of[a.id], len(numbers)) for a in accounts]
    apart = set()
    for pin in pins:
        if not pin.together and pin.a in actor_of and pin.b in actor_of:
            x, y = numbers[actor_of[pin.a]], numbers[actor_of[pin.b]]
            apart.add((min(x, y), max(x, y)))
    found = _Found(accounts, actor, apart)
    _similar_names(accounts, actor, found)
    _similar_images(accounts, actor, found)
    _same_city_and_products(accounts, actor, found)
    return _best(accounts, found)


def name_key(name: str) -> str:
    """A shop name without case, digits and generic words: 'CendanaAlami Store 93' ->
    'cendana alami'."""
    words = _WORD.findall(_CAMEL.sub(" ", name).lower())
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def _one_per_actor(members: list[int], actor: list[int]) -> list[int]:
    seen: dict[int, int] = {}
    for i in members:
        seen.setdefault(actor[i], i)
    return list(seen.values())


def slug_key(url: str) -> str:
    """The name a shop URL spells, without generic words: 'tokopedia.com/merapimakmurstoreid'
    -> 'merapimakmur', 'https://www.obatpriaoriginal.store/' -> 'obatpriaoriginal'."""
    key = shop_key(url)
    if key is None:
        return ""
    kind, value = key
    slug = value.removeprefix("@") if kind == "handle" else value
    if kind == "shop_url":
        slug = value.split("/")[-1] if "/" in value else value.split(".")[0]
        if slug.isdigit():  # facebook.com/profile/<number>: no name
            return ""
    words = [w for w in _WORD.findall(slug.lower()) if w not in GENERIC_WORDS]
    compact = "".join(words)
    # a slug runs the words together: 'tokomerapimakmurstoreid'
    stripped = _AFFIXES.sub("", compact)
    return stripped if len(stripped) >= 4 else compact


_AFFIX = "|".join(sorted(GENERIC_WORDS, key=len, reverse=True))
_AFFIXES = re.compile(rf"^(?:{_AFFIX})+|(?:{_AFFIX})+$")


def _similar_names(accounts: list[Account], actor: list[int], found: _Found) -> None:
    names = [name_key(account.shop_name) for account in accounts]
    _similar_texts(accounts, actor, found, names, "shop_name", "shop names", 0.6)
    slugs = [slug_key(account.shop_url) for account in accounts]
    _similar_texts(accounts, actor, found, slugs, "shop_url", "shop addresses", 0.5)


def _similar_texts(accounts, actor, found: _Found, keys, field, what, weight) -> None:
    blocks: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            for token in {*key.split(), key.replace(" ", "")}:
                if len(token) >= 3:
                    blocks.setdefault(token, []).append(i)
    # a name many actors use says little about any two of them: its score is shared out
    actors_named: dict[str, set[int]] = {}
    for i, key in enumerate(keys):
        if key:
            actors_named.setdefault(key, set()).add(actor[i])
    compared: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        # a name more than NAME_CROWD actors use cannot reach MIN_SCORE with any partner
        members = [i for i in _one_per_actor(members, actor)
                   if len(actors_named[keys[i]]) <= NAME_CROWD]  # fmt: skip
        if not 2 <= len(members) <= BLOCK_LIMIT:
            continue
        texts = [keys[i] for i in members]
        scores = cdist(texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_THRESHOLD)
        for x, y in zip(*np.nonzero(scores), strict=True):
            i, j = members[x], members[y]
            if x >= y or (actor[i], actor[j]) in compared:
                continue
            compared.add((actor[i], actor[j]))
            a, b = getattr(accounts[i], field), getattr(accounts[j], field)
            ids = accounts[i].id, accounts[j].id
            reason = (
                f"similar {what}: '{a}' ({ids[0]}) / '{b}' ({ids[1]})"
                if a != b
                else f"same {what[:-1] if what.endswith('s') else what}: '{a}' ({ids[0]}, {ids[1]})"
            )
            crowd = max(len(actors_named[keys[i]]), len(actors_named[keys[j]]))
            if crowd > 2:
                reason += f" (used by {crowd} actors)"
            score = weight * float(scores[x, y]) / 100 * min(1.0, 2 / crowd)
            found.add(i, j, score, reason, "name")


def _popcount(values: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(values)
    table = np.array([bin(b).count("1") for b in range(256)], dtype=np.uint8)
    return table[values.view(np.uint8)].reshape(-1, 8).sum(axis=1)


def _similar_images(accounts: list[Account], actor: list[int], found: _Found) -> None:
    """Within each band, hashes sorted by the band's bits: a block is a run of equal bits, and
    every pair of a run is compared at once (vectorised) as the run shifted by 1, 2, ... ."""
    owners, hashes = [], []
    for i, account in enumerate(accounts):
        for value in set(account.image_hashes):
            owners.append(i)
            hashes.append(value & 0xFFFFFFFFFFFFFFFF)
    if len(hashes) < 2:
        return
    owner = np.array(owners, dtype=np.int64)
    value = np.array(hashes, dtype=np.uint64)
    team = np.array(actor, dtype=np.int64)[owner]
    best: dict[tuple[int, int], int] = {}
    shift = 0
    for width in _BAND_WIDTHS:
        band = (value >> np.uint64(shift)) & np.uint64((1 << width) - 1)
        shift += width
        order = np.argsort(band, kind="stable")
        band, hashed, who, teams = band[order], value[order], owner[order], team[order]
        starts = np.flatnonzero(np.r_[True, band[1:] != band[:-1]])
        sizes = np.diff(np.r_[starts, len(band)])
        crowded = np.repeat(sizes > BLOCK_LIMIT * 3, sizes)  # a stock photo: too common
        for step in range(1, int(min(sizes.max(), BLOCK_LIMIT * 3))):
            same = band[step:] == band[:-step]
            same &= ~crowded[step:] & (teams[step:] != teams[:-step])
            if not same.any():
                continue
            left = np.flatnonzero(same)
            distance = _popcount(hashed[left] ^ hashed[left + step])
            close = distance <= HAMMING_THRESHOLD
            for k, d in zip(left[close].tolist(), distance[close].tolist(), strict=True):
                i, j = int(who[k]), int(who[k + step])
                pair = (i, j) if i < j else (j, i)
                if d < best.get(pair, 65):
                    best[pair] = d
    for (i, j), distance in sorted(best.items(), key=lambda item: item[1]):
        what = "identical" if distance == 0 else f"near-identical ({distance} of 64 bits differ)"
        ids = f"({accounts[i].id}, {accounts[j].id})"
        found.add(i, j, 0.8 - 0.05 * distance, f"{what} product images {ids}", "image")


def _same_city_and_products(accounts: list[Account], actor: list[int], found: _Found) -> None:
    blocks: dict[tuple[str, str, str], list[int]] = {}
    for i, account in enumerate(accounts):
        if account.city and len(account.products) >= 2:
            for pair in combinations(sorted(set(account.products))[:6], 2):
                blocks.setdefault((account.city, *pair), []).append(i)
    compared: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        members = _one_per_actor(members, actor)
        if not 2 <= len(members) <= BLOCK_LIMIT:
            continue
        for i, j in combinations(members, 2):
            if (actor[i], actor[j]) in compared:
                continue
            compared.add((actor[i], actor[j]))
            a, b = set(accounts[i].products), set(accounts[j].products)
            overlap = len(a & b) / len(a | b)
            if overlap >= 0.5:
                shared = ", ".join(sorted(a & b))
                ids = f"{accounts[i].id}, {accounts[j].id}"
                reason = f"same city ({accounts[i].city}) and products ({shared}) ({ids})"
                found.add(i, j, 0.3 * overlap, reason, "place")


def _best(accounts: list[Account], found: _Found) -> list[Suggestion]:
    ranked = []
    for pair, signals in found.signals.items():
        # names and addresses say one thing twice: per family of signal only the best counts
        best: dict[str, float] = {}
        for score, _, family in signals:
            best[family] = max(best.get(family, 0.0), score)
        missing = 1.0
        for score in best.values():
            missing *= 1 - score
        score = round(1 - missing, 3)
        if score >= MIN_SCORE:
            i, j = found.shown[pair]
            a, b = sorted((accounts[i].id, accounts[j].id))
            ranked_signals = sorted(signals, key=lambda signal: -signal[0])
            reasons = tuple(dict.fromkeys(reason for _, reason, _ in ranked_signals))
            ranked.append(Suggestion(a, b, score, reasons))
    ranked.sort(key=lambda s: (-s.score, s.a, s.b))
    kept, count = [], {}
    for suggestion in ranked:
        if count.get(suggestion.a, 0) < PER_ACCOUNT and count.get(suggestion.b, 0) < PER_ACCOUNT:
            kept.append(suggestion)
            count[suggestion.a] = count.get(suggestion.a, 0) + 1
            count[suggestion.b] = count.get(suggestion.b, 0) + 1
    return kept
