"""Forbidden claims in a field: the catalogue's patterns, minus disclaimers and shipping talk."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.catalogue import Catalogue, Rule
from rules.mentions import FieldText
from rules.text import fold

_CLAUSE_END = re.compile(r"[\n;!?|•]|\.(?!\d)")
_WORD = re.compile(r"[0-9a-z]+")
# emoji and other symbols between words stand for a space: "putih ✨ seketika", "100%💯 aman"
_SYMBOLS = re.compile(r"[^\x00-\x7f•]")
_DISCLAIMERS = frozenset({"tidak", "tdk", "bukan", "tak", "jangan", "not", "never"})
# words between a disclaimer and its claim: "bukan untuk menyembuhkan", "tidak dapat mengobati"
_DISCLAIMER_FILLERS = frozenset(
    {"untuk", "utk", "dapat", "bisa", "akan", "digunakan", "sebagai", "ditujukan",
     "dimaksudkan", "mampu", "diklaim", "intended", "to", "for", "a", "meant"}
)  # fmt: skip
# "membantu meredakan", "helps reduce": the permitted, hedged form of a claim - unless the
# verb itself cures ("membantu menyembuhkan diabetes" still claims a cure)
_HEDGES = frozenset({"membantu", "bantu", "helps", "help"})
_CURE_VERBS = frozenset(
    {"menyembuhkan", "menyembuhkn", "sembuhkan", "mengobati", "penyembuh", "cure", "cures",
     "heals", "heal"}
)  # fmt: skip


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
    folded = _SYMBOLS.sub(" ", fold(field.text))
    anchors = catalogue.claim_anchors
    out: list[ClaimFound] = []
    found_rules: set[str] = set()
    for token in field.words:
        for claim, pattern in anchors.get(token.text, ()):
            if claim.rule.id in found_rules:
                continue
            match = pattern.match(folded, token.start)
            if match is None or not _is_claim(folded, match.start(), match.end(), catalogue):
                continue
            start, end = match.span()
            found_rules.add(claim.rule.id)  # one hit per rule and field is enough to explain it
            out.append(ClaimFound(claim.rule, field.name, start, end, field.text[start:end]))
    return out


def _is_claim(folded: str, start: int, end: int, catalogue: Catalogue) -> bool:
    clause_start, clause_end = _clause(folded, start, end)
    before = _WORD.findall(_after_last_comma(folded[clause_start:start]))
    words = [w for w in before if w not in _DISCLAIMER_FILLERS]
    if words and words[-1] in _DISCLAIMERS:
        return False  # "bukan untuk menyembuhkan penyakit"; not "Bukan KW, obat segala penyakit"
    if before and before[-1] in _HEDGES and _WORD.findall(folded[start:end])[0] not in _CURE_VERBS:
        return False  # "membantu meredakan", the wording BPOM approves
    # "packing 100% aman": the parcel is safe. Only the claim's own comma-part counts, so
    # "Rahasia kulit glowing, putih dalam 1 minggu" is a claim though "rahasia" is a
    # shipping word ("paket rahasia")
    part_start = max(clause_start, folded.rfind(",", clause_start, start) + 1)
    comma = folded.find(",", end, clause_end)
    part_end = comma if comma >= 0 else clause_end
    part_words = set(_WORD.findall(folded[part_start:part_end]))
    return not part_words & catalogue.claim_exclusions


def _after_last_comma(text: str) -> str:
    return text[text.rfind(",") + 1 :]


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for found in _CLAUSE_END.finditer(text, 0, start):
        left = found.end()
    after = _CLAUSE_END.search(text, end)
    return left, after.start() if after else len(text)
