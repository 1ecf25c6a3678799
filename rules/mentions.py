"""What a field says about catalogue drugs and substances: which are named, and in what stance.

The stance decides whether a mention counts: "mengandung merkuri" affirms it, a bare
"Sildenafil 100mg" mentions it, "tanpa merkuri, hidrokinon, dan steroid" negates all three,
and "hindari krim yang mengandung merkuri" is a caution. Negation reaches across a list
(commas, "dan", "serta") but not across a clause end, a contrast word ("tapi") or a long
stretch of other words ("bebas ongkir sildenafil" does not negate sildenafil).
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.catalogue import Catalogue, Language, Term
from rules.phrases import readable_words
from rules.text import Token, words

AFFIRMED, MENTIONED, NEGATED, CAUTION = "affirmed", "mentioned", "negated", "caution"
_LIST_MARKS = ",/&+;"
_MAX_ITEM_WORDS = 3  # a negator's reach: list items of up to three words ("kopi robusta")


@dataclass(frozen=True, slots=True)
class Mention:
    """A catalogue term found in a field, with its offsets and stance."""

    term: Term
    field: str
    start: int
    end: int
    text: str
    stance: str
    in_ingredients: bool  # stated as something the product contains

    @property
    def counts(self) -> bool:
        return self.stance in (AFFIRMED, MENTIONED)


@dataclass(frozen=True, slots=True)
class FieldText:
    """One field prepared once: raw text, words, and catalogue-readable words."""

    name: str
    text: str
    words: list[Token]
    readable: list[Token]

    @classmethod
    def of(cls, name: str, text: str, catalogue: Catalogue) -> FieldText:
        tokens = words(text)
        return cls(name, text, tokens, readable_words(tokens, catalogue.terms))


def find_mentions(field: FieldText, catalogue: Catalogue) -> list[Mention]:
    tokens = field.readable
    found = catalogue.terms.find([t.text for t in tokens])
    positions = {i for f in found for i in range(f.first, f.last)}
    out: list[Mention] = []
    for hit in found:
        start, end = tokens[hit.first].start, tokens[hit.last - 1].end
        stance = _stance(field.text, tokens, hit.first, hit.last, catalogue.language, positions)
        ingredient = stance == AFFIRMED
        for term in hit.payloads:
            out.append(
                Mention(term, field.name, start, end, field.text[start:end], stance, ingredient)
            )
    return out


def _stance(
    text: str, tokens: list[Token], first: int, last: int, lang: Language, terms: set[int]
) -> str:
    following = tokens[last] if last < len(tokens) else None
    if following and not following.clause_start and following.text in lang.negators_after:
        return NEGATED  # "merkuri free"
    item_words = 0
    i = first - 1
    if tokens[first].clause_start:
        return MENTIONED
    while i >= 0:
        word = tokens[i].text
        if word in lang.contrasts:
            return MENTIONED
        if word in lang.cautions:
            return CAUTION
        if word in lang.negators or (word == "0" and "%" in _gap_after(text, tokens, i)):
            return NEGATED if item_words <= _MAX_ITEM_WORDS else MENTIONED  # "0% merkuri" too
        if word in lang.affirmatives:
            if _negated_verb(tokens, i, lang):
                return NEGATED  # "tidak mengandung", "tanpa campuran", "tidak ada kandungan"
            return CAUTION if _caution_before(tokens, i, lang) else AFFIRMED
        if word in lang.scope_breakers:
            return MENTIONED
        if i in terms or word in lang.list_words or _list_mark_after(text, tokens, i):
            item_words = 0
        else:
            item_words += 1
        if tokens[i].clause_start:
            break
        i -= 1
    return MENTIONED


def _gap_after(text: str, tokens: list[Token], i: int) -> str:
    return text[tokens[i].end : tokens[i + 1].start]


def _list_mark_after(text: str, tokens: list[Token], i: int) -> bool:
    return any(mark in _gap_after(text, tokens, i) for mark in _LIST_MARKS)


def _negated_verb(tokens: list[Token], i: int, lang: Language) -> bool:
    for back in (1, 2):
        if tokens[i - back + 1].clause_start or i - back < 0:
            return False
        if tokens[i - back].text in lang.negators:
            return True
    return False


def _caution_before(tokens: list[Token], i: int, lang: Language) -> bool:
    while i > 0 and not tokens[i].clause_start:
        i -= 1
        if tokens[i].text in lang.cautions:
            return True
    return False
