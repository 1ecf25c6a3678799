"""What a field says about catalogue drugs and substances: which are named, and in what stance.

The stance decides whether a mention counts: "mengandung merkuri" affirms it, a bare
"Sildenafil 100mg" mentions it, "tanpa merkuri, hidrokinon, dan steroid" negates all three,
and "hindari krim yang mengandung merkuri" is a caution. Negation reaches across a list
(commas, "dan", "serta") but not across a clause end, a contrast word ("tapi") or a long
stretch of other words ("bebas ongkir sildenafil" does not negate sildenafil).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.catalogue import Catalogue, Language, Term
from rules.phrases import readable_words
from rules.text import Token, words

AFFIRMED, MENTIONED, NEGATED, CAUTION = "affirmed", "mentioned", "negated", "caution"
ASKED = "asked"  # a buyer's question: "ada merkurinya ga?"
# a clause ending in "?" with one of these asks whether the product has the substance; one
# without ("Butuh tramadol?", "Cari krim merkuri?") is a seller's come-on and still counts
_QUESTION_TAGS = frozenset(
    {"ga", "gak", "nggak", "enggak", "ngga", "engga", "gk", "tidak", "tdk", "apakah", "apa",
     "kah", "does", "do", "is", "any"}
)  # fmt: skip
_CLAUSE_END = re.compile(r"[\n;!?|•]|\.(?!\d)")
_LIST_MARKS = ",/&+;"
_JOINING_MARKS = "&+"  # join list items as "dan" does; a comma may also end a phrase
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
        return cls(name, text, tokens, readable_words(tokens, catalogue.terms, text))


def find_mentions(field: FieldText, catalogue: Catalogue) -> list[Mention]:
    tokens = field.readable
    found = catalogue.terms.find([t.text for t in tokens])
    positions = {i for f in found for i in range(f.first, f.last)}
    lang = catalogue.language
    out: list[Mention] = []
    for hit in found:
        start, end = tokens[hit.first].start, tokens[hit.last - 1].end
        stance = _stance(field.text, tokens, hit.first, hit.last, lang, positions)
        if stance in (AFFIRMED, MENTIONED) and _asked(field.text, tokens, hit.first, end, lang):
            stance = ASKED
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
    if _marked_absent(text, tokens, last):
        return NEGATED  # "Merkuri ❌", "merkuri (-)", "kadar merkuri 0 ppm"
    if tokens[first].clause_start:
        return MENTIONED
    walk = _Walk()
    i = first - 1
    while i >= 0:
        word = tokens[i].text
        if i in terms:
            walk.item_words = 0  # another catalogue word of the same list
        elif word in lang.contrasts:
            return MENTIONED
        elif word in lang.cautions:
            return CAUTION
        elif word in lang.negators or (word == "0" and "%" in _gap_after(text, tokens, i)):
            reaches = walk.negation_reaches(_content_after(tokens, i, lang), terms)
            return NEGATED if reaches else MENTIONED  # "0% merkuri" too
        elif word in lang.affirmatives:
            if _negated_verb(text, tokens, i, lang):
                return NEGATED  # "tidak mengandung", "tanpa campuran", "tidak ada kandungan"
            if _caution_before(text, tokens, i, lang) or _of_another_product(tokens, i, lang):
                return CAUTION
            return AFFIRMED
        elif word in lang.scope_breakers:
            return MENTIONED
        elif word in lang.list_words or word in lang.examples:
            walk.item_words, walk.joined = 0, True  # "merkuri dan", "BKO seperti sildenafil"
        else:
            walk.item_words += 1
        if _list_mark_after(text, tokens, i):
            walk.item_words, walk.crossed = 0, True
            walk.joined = walk.joined or _joining_mark_after(text, tokens, i)  # "&", "+"
        if tokens[i].clause_start:
            break
        i -= 1
    return MENTIONED


@dataclass(slots=True)
class _Walk:
    """What lies between a catalogue word and the words before it, walking back."""

    item_words: int = 0  # words since the last list mark: a negator reaches list items only
    crossed: bool = False  # a comma or slash lies between
    joined: bool = False  # a list word ("dan") or an example word ("seperti") lies between

    def negation_reaches(self, first_item: int, terms: set[int]) -> bool:
        """ "tanpa merkuri, hidrokinon" and "tanpa pengawet, pewarna, dan merkuri" negate all
        items; "bukan KW, sildenafil" negates KW only: across a comma a negation reaches a
        list that starts with a catalogue word (`first_item`, the negator's first word) or is
        joined by "dan", "&" or "seperti"."""
        if self.item_words > _MAX_ITEM_WORDS:
            return False
        return not self.crossed or self.joined or first_item in terms


def _content_after(tokens: list[Token], negator: int, lang: Language) -> int:
    """The first word a negator governs: "free from mercury" -> mercury."""
    i = negator + 1
    while i < len(tokens) - 1 and tokens[i].text in lang.fillers:
        i += 1
    return i


# "krim abal-abal yang mengandung merkuri": the verb belongs to the noun before "yang"
_RELATIVES = frozenset({"yang", "yg", "which", "that"})


def _of_another_product(tokens: list[Token], verb: int, lang: Language) -> bool:
    """ "Bukan krim abal-abal yang ada merkurinya", "tidak seperti lotion murahan yang
    mengandung merkuri": the verb describes a product the listing says it is not, or is
    unlike; "krim yang mengandung merkuri, ready" describes the one on sale."""
    if verb == 0 or tokens[verb - 1].text not in _RELATIVES or tokens[verb].clause_start:
        return False
    i = verb - 1
    while i > 0 and not tokens[i].clause_start:
        i -= 1
        if tokens[i].text in lang.negators or tokens[i].text in lang.examples:
            return True
    return False


def _asked(text: str, tokens: list[Token], first: int, end: int, lang: Language) -> bool:
    """A question with a yes/no tag ("ada merkurinya ga?"), or one answered no right after
    ("mengandung timbal? tidak dong kak")."""
    clause_end = _CLAUSE_END.search(text, end)
    if clause_end is None or clause_end.group() != "?":
        return False
    i = first
    while i > 0 and not tokens[i].clause_start:
        i -= 1
    words = {t.text for t in tokens[i:] if t.start < clause_end.start()}
    answer = next((t.text for t in tokens[first:] if t.start > clause_end.start()), "")
    return bool(words & _QUESTION_TAGS) or answer in lang.negators


_ABSENT_MARKS = ("❌", "✖", "✗", "✘", "🚫", "⛔", "(-)", "( - )")
_NIL_UNITS = frozenset({"ppm", "ppb", "mg"})


def _marked_absent(text: str, tokens: list[Token], last: int) -> bool:
    """A mark right after the substance saying it is absent, before any other word."""
    end = tokens[last - 1].end
    following = tokens[last] if last < len(tokens) else None
    gap = text[end : following.start if following else len(text)]
    if any(mark in gap for mark in _ABSENT_MARKS):
        return True
    if following is None or following.text != "0" or following.clause_start:
        return False
    after = text[following.end : following.end + 2]
    unit = tokens[last + 1].text if last + 1 < len(tokens) else ""
    return "%" in after or unit in _NIL_UNITS


def _gap_after(text: str, tokens: list[Token], i: int) -> str:
    return text[tokens[i].end : tokens[i + 1].start]


def _joining_mark_after(text: str, tokens: list[Token], i: int) -> bool:
    return any(m in _gap_after(text, tokens, i) for m in _JOINING_MARKS)


def _list_mark_after(text: str, tokens: list[Token], i: int) -> bool:
    return i + 1 < len(tokens) and any(m in _gap_after(text, tokens, i) for m in _LIST_MARKS)


def _negated_verb(text: str, tokens: list[Token], i: int, lang: Language) -> bool:
    """A negator right before the verb, or before it and a filler ("tidak ada kandungan");
    never across a comma ("bukan KW, mengandung sildenafil" states sildenafil)."""
    j = i - 1
    for _ in range(3):
        if j < 0 or tokens[j + 1].clause_start or _list_mark_after(text, tokens, j):
            return False
        if tokens[j].text in lang.negators:
            return True
        if tokens[j].text not in lang.fillers:
            return False
        j -= 1
    return False


def _caution_before(text: str, tokens: list[Token], i: int, lang: Language) -> bool:
    """A caution earlier in the verb's clause, up to a comma: "hindari krim yang mengandung
    merkuri" warns; "beda dengan krim biasa, mengandung steroid" offers. A caution standing
    alone before the comma ("Awas, krim ini mengandung merkuri") still warns."""
    while i > 0 and not tokens[i].clause_start:
        i -= 1
        if tokens[i].text in lang.cautions:
            return True
        if _list_mark_after(text, tokens, i):
            return _only_cautions_before(tokens, i, lang)
    return False


def _only_cautions_before(tokens: list[Token], i: int, lang: Language) -> bool:
    seen = False
    while i >= 0:
        if tokens[i].text not in lang.cautions:
            return False
        seen = True
        if tokens[i].clause_start:
            break
        i -= 1
    return seen
