"""Spellings of catalogue words that sellers write: stretched letters, one letter off, "-nya".

"Tramadooool" and "trrraaammadol" stretch a name, "hydroquinon" and "deksamethason" miss or
add one letter, "merkurinya" adds the possessive and "bermerkuri" (mercury-laden) a prefix.
Each is read back to the catalogue word only when exactly one catalogue word fits, and only
for words long enough that a letter off does not turn an ordinary word into a substance
("metanol" is not "metadon": short words must match exactly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_RUN = re.compile(r"([a-z])\1+")
_MIN_STRETCHED = 5  # "tramadooool" -> "tramadol"; shorter words are left alone
_MIN_CLIPPED = 6  # "codein" -> "codeine": a last letter dropped from a word this long
_MIN_NEAR = 8  # a letter off counts only between words this long ("hydroquinon")
_SUFFIXES = ("nya",)  # "merkurinya", "hidrokuinonnya"
_MEMO_SIZE = 100_000
_PREFIXES = ("ber",)  # "bermerkuri", "berformalin": having it


def squeeze(word: str) -> str:
    """The word with every run of one letter written once: "trrraaammadol" -> "tramadol"."""
    return _RUN.sub(r"\1", word)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Spellings:
    """Catalogue words by their squeezed form and by their forms with one letter left out."""

    def __init__(self, vocabulary: Iterable[str]):
        words = sorted(w for w in vocabulary if w.isalpha())
        self._words = frozenset(words)
        self._stretched = _unique((squeeze(w), w) for w in words if len(w) >= _MIN_STRETCHED)
        self._long = frozenset(w for w in words if len(w) >= _MIN_NEAR)
        self._shortened = _unique((key, w) for w in self._long for key in _deletions(w))
        # a shorter name lacking only its English final "e": "codein", "hidroquinon" (not any
        # last letter: "Lumina", a brand, is no "luminal")
        self._clipped = _unique(
            (w[:-1], w) for w in words if len(w) > _MIN_CLIPPED and w.endswith("e")
        )
        # one letter off leaves the first three or the last three letters as they were
        self._heads = frozenset(w[:3] for w in self._long)
        self._tails = frozenset(w[-3:] for w in self._long)
        self._memo: dict[str, str | None] = {}  # ordinary words recur in every listing

    def correct(self, word: str) -> str | None:
        """The one catalogue word `word` is a spelling of, or None."""
        if len(word) < _MIN_STRETCHED or word in self._words:
            return None
        memo = self._memo
        if word in memo:
            return memo[word]
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[word] = found = self._correct(word) if word.isalpha() else None
        return found

    def _correct(self, word: str) -> str | None:
        stems = [word.removesuffix(s) for s in _SUFFIXES] + [
            word.removeprefix(p) for p in _PREFIXES
        ]
        for stem in stems:
            if stem != word and stem in self._words and len(stem) >= _MIN_STRETCHED:
                return stem
        squeezed = squeeze(word)
        if squeezed != word and squeezed in self._stretched:
            return self._stretched[squeezed]
        if word in self._clipped:
            return self._clipped[word]
        if len(word) < _MIN_NEAR or (word[:3] not in self._heads and word[-3:] not in self._tails):
            return None
        return self._one_letter_off(word)

    def _one_letter_off(self, word: str) -> str | None:
        """A letter missing, then a letter too many, then one letter changed or swapped: the
        nearest kind that gives exactly one word decides ("hydroquinon" lacks the "e" of
        "hydroquinone" before it is "hidroquinon" with one letter changed)."""
        if word in self._shortened:
            return self._shortened[word]
        deletions = _deletions(word)
        for candidates in (
            deletions & self._long,
            {self._shortened[k] for k in deletions if k in self._shortened},
        ):
            if len(candidates) == 1:
                return candidates.pop()
            if candidates:
                return None
        return None


def _unique(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key -> word, dropping keys shared by two different words (they decide nothing)."""
    out: dict[str, str] = {}
    clashes: set[str] = set()
    for key, word in pairs:
        if out.get(key, word) != word:
            clashes.add(key)
        out[key] = word
    return {k: w for k, w in out.items() if k not in clashes}
