"""Forbidden claims in a field: the catalogue's patterns, minus disclaimers and shipping talk."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.catalogue import Catalogue, Rule
from rules.mentions import FieldText
from rules.text import fold

_CLAUSE_END = re.compile(r"[\n;!?|•]|\.(?!\d)")
_WORD = re.compile(r"[0-9a-z]+")
_DISCLAIMERS = frozenset({"tidak", "tdk", "bukan", "tak", "jangan"})


@dataclass(frozen=True, slots=True)
class ClaimFound:
    rule: Rule
    field: str
    start: int
    end: int
    text: str


def find_claims(field: FieldText, catalogue: Catalogue) -> list[ClaimFound]:
    if not field.text:
        return []
    folded = fold(field.text)
    out: list[ClaimFound] = []
    for claim in catalogue.claims:
        for pattern in claim.patterns:
            match = pattern.search(folded)
            if match is None:
                continue
            clause_start, clause_end = _clause(folded, match.start(), match.end())
            before = _WORD.findall(folded[clause_start : match.start()])[-3:]
            if _DISCLAIMERS.intersection(before):
                continue  # "bukan untuk menyembuhkan penyakit"
            clause_words = set(_WORD.findall(folded[clause_start:clause_end]))
            if clause_words & catalogue.claim_exclusions:
                continue  # "packing 100% aman": about the parcel, not the product
            start, end = match.span()
            out.append(ClaimFound(claim.rule, field.name, start, end, field.text[start:end]))
            break  # one hit per rule and field is enough to explain it
    return out


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for found in _CLAUSE_END.finditer(text, 0, start):
        left = found.end()
    after = _CLAUSE_END.search(text, end)
    return left, after.start() if after else len(text)
