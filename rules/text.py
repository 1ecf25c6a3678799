"""Text folding and tokenising shared by NIE extraction, the catalogue scan and name matching.

Offsets matter: every hit points back into the listing's own text, so folding keeps the
length of the string (one character in, one character out).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[0-9a-z]+")
_RUNS = re.compile(r"[a-z]+|[0-9]+")
# "tr@madol", "$ibutramin": symbols standing in for letters, only between letters.
_SYMBOL_LETTER = re.compile(r"(?<=[a-z])[@$](?=[a-z])|[@$](?=[a-z]{3})")
_SYMBOL_MAP = str.maketrans({"@": "a", "$": "s"})
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
    if "@" in folded or "$" in folded:
        folded = _SYMBOL_LETTER.sub(lambda m: m.group().translate(_SYMBOL_MAP), folded)
    return folded


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a field: folded text, offsets in the field, whether a clause starts here."""

    text: str
    start: int
    end: int
    clause_start: bool


def words(text: str) -> list[Token]:
    """The words of one field, in order, with clause boundaries marked."""
    folded = fold(text)
    out: list[Token] = []
    previous_end = 0
    for match in _WORD.finditer(folded):
        start = match.start()
        gap = folded[previous_end:start]
        boundary = not out or bool(_CLAUSE_END.search(gap))
        if boundary and gap.strip() == "." and out and out[-1].text.isdigit():
            boundary = not match.group().isdigit()  # "0.5 mg" is one number, not two clauses
        out.append(Token(match.group(), start, match.end(), boundary))
        previous_end = match.end()
    return out


def name_tokens(text: str) -> list[str]:
    """Words for name matching: "500mg" -> "500", "mg"; spelling variants unified."""
    out: list[str] = []
    for run in _RUNS.findall(fold(text)):
        out.append(SYNONYMS.get(run, run))
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
