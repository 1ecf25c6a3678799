"""Text folding and tokenising shared by NIE extraction, the catalogue scan and name matching.

Offsets matter: every hit points back into the listing's own text, so folding keeps the
length of the string (one character in, one character out).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_WORD = re.compile(r"[0-9a-z]+")
_RUNS = re.compile(r"[a-z]+|[0-9]+")
# "tr@madol", "$ibutramin", "s!ldenafil": symbols standing in for letters, only between
# letters ("!" ending a word stays punctuation; the catalogue scan reads "merkur!" itself).
_SYMBOL_LETTER = re.compile(r"(?<=[a-z])[@$!](?=[a-z])|[@$](?=[a-z]{3})")
_SYMBOL_MAP = str.maketrans({"@": "a", "$": "s", "!": "i"})
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
# A clause ends at a line break or sentence punctuation; commas do not end it ("tanpa
# merkuri, hidrokinon, dan steroid" negates all three).
_CLAUSE_END = re.compile(r"[\n;!?|•]|\.(?!\d)")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    low = char.lower()
    if len(low) != 1:
        low = char
    if low.isascii():
        return low
    base = unicodedata.normalize("NFKD", low)[:1]
    return base if base.isascii() and base else low


def fold(text: str) -> str:
    """Lower-case, accents stripped, same length as the input so offsets carry over."""
    folded = text.lower() if text.isascii() else "".join(_fold_char(c) for c in text)
    if "@" in folded or "$" in folded or "!" in folded:
        folded = _SYMBOL_LETTER.sub(lambda m: m.group().translate(_SYMBOL_MAP), folded)
    return folded


class Token(NamedTuple):
    """A word of a field: folded text, offsets in the field, whether a clause starts here."""

    text: str
    start: int
    end: int
    clause_start: bool


def words(text: str) -> list[Token]:
    """The words of one field, in order, with clause boundaries marked."""
    folded = fold(text)
    ends = [m.start() for m in _CLAUSE_END.finditer(folded)]
    out: list[Token] = []
    next_end, e = (ends[0] if ends else -1), 0
    previous_end = 0
    for match in _WORD.finditer(folded):
        start = match.start()
        boundary = not out
        while next_end != -1 and next_end < start:
            boundary = boundary or next_end >= previous_end
            e += 1
            next_end = ends[e] if e < len(ends) else -1
        out.append(Token(match.group(), start, match.end(), boundary))
        previous_end = match.end()
    return out


def name_tokens(text: str) -> list[str]:
    """Words for name matching: "500mg" -> "500", "mg"; spelling variants unified."""
    return [SYNONYMS.get(run, run) for run in _RUNS.findall(fold(text))]


def name_words(tokens: list[Token]) -> list[str]:
    """name_tokens() from already tokenised words, without folding the text again."""
    out: list[str] = []
    for token in tokens:
        text = token.text
        if text.isalpha() or text.isdigit():
            out.append(SYNONYMS.get(text, text))
        else:
            out += [SYNONYMS.get(run, run) for run in _RUNS.findall(text)]
    return out


# Spelling variants that should count as the same word when comparing product names.
SYNONYMS = {
    "vit": "vitamin",
    "cream": "krim",
    "creme": "krim",
    "tab": "tablet",
    "tabs": "tablet",
    "tablets": "tablet",
    "caps": "kapsul",
    "kaps": "kapsul",
    "capsule": "kapsul",
    "capsules": "kapsul",
    "g": "gr",
    "gram": "gr",
    "grm": "gr",
    "mililiter": "ml",
    "sachet": "saset",
    "sach": "saset",
}


def leet_variant(word: str) -> str | None:
    """The letters-only reading of a word written with digits for letters ("tr4madol")."""
    if word.isalpha() or word.isdigit():
        return None
    letters = sum(c.isalpha() for c in word)
    if letters < 3:
        return None
    decoded = word.translate(LEET)
    return decoded if decoded.isalpha() else None
