"""What kind of product a listing offers, from its words alone (drug, jamu, supplement, ...).

Used only when neither a matching registry row nor a claimed NIE says so. Cue words come
from catalogue/categories.toml; words in the headline count twice, and a drug name counts
for "obat" unless the listing states it as an ingredient (a jamu "mengandung sildenafil" is
still a jamu) or names it below a headline that names another kind of product ("Krim HN
Malam" then "hidrokuinon 4% + tretinoin": a cream with drugs in it, not a drug on sale).
Ties go to the cue that comes first: product-type words follow the brand.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.catalogue import Catalogue, load_catalogue
from rules.mentions import FieldText, Mention, find_mentions
from rules.text import SYNONYMS

# English product words read as the Indonesian cue words of categories.toml, on top of the
# spelling variants name matching shares ("cream" -> "krim"): "Men power coffee" is a kopi
_CUE_WORDS = {
    **SYNONYMS,
    "coffee": "kopi", "tea": "teh", "honey": "madu", "candy": "permen", "candies": "permen",
    "gummy": "permen", "gummies": "permen", "milk": "susu", "soap": "sabun", "drink": "minuman",
    "beverage": "minuman", "chocolate": "coklat", "biscuit": "biskuit", "biscuits": "biskuit",
    "chips": "keripik", "sauce": "saus", "syrup": "sirup", "powder": "bubuk", "herb": "herbal",
    "herbs": "herbal", "traditional": "tradisional", "medicine": "obat", "injection": "injeksi",
    "ointment": "salep", "supplements": "suplemen", "vitamins": "vitamin", "lipsticks": "lipstik",
}  # fmt: skip
_DRUG_NAME_WEIGHT = 3
_CLAIMED_NIE_WEIGHT = 3
_MIN_SCORE = 2


def infer_category(text: str, catalogue: Catalogue | None = None) -> str | None:
    """One of rules.model.CATEGORIES, or None when the text gives too little to go on."""
    catalogue = catalogue or load_catalogue()
    lines = text.strip().split("\n", 1)
    fields = [FieldText.of("title", lines[0], catalogue)]
    if len(lines) > 1:
        fields.append(FieldText.of("description", lines[1], catalogue))
    mentions = [m for f in fields for m in find_mentions(f, catalogue)]
    return category_from_fields(fields, mentions, catalogue)


def category_from_fields(
    fields: Sequence[FieldText],
    mentions: Sequence[Mention],
    catalogue: Catalogue,
    claimed: Sequence[str] = (),
) -> str | None:
    """Score every category's cue words over the fields; the headline counts twice.

    `claimed` are categories of registration numbers the listing claims but the registry
    does not confirm (a "P-IRT" number says the seller calls it home-industry food).
    """
    if not claimed and sells_no_product(fields, catalogue):
        return None  # "Poster Edukasi Bahaya Narkoba", "Botol serum kosong": no health product
    scores: dict[str, float] = {}
    first_seen: dict[str, int] = {}
    for category in claimed:
        scores[category] = scores.get(category, 0) + _CLAIMED_NIE_WEIGHT
        first_seen.setdefault(category, 5_000_000)
    limits = headline_ends(fields)
    irt = False

    # weak words ("krim", "kulit", "resep") decide only when one opens the headline, where
    # the product noun stands ("Krim HN Malam", "Sabun Bayi", "Obat Kuat Oles"), or beside a
    # strong cue, a drug name, a claimed number or a catalogue substance: "Jaket Kulit" and
    # "Buku Resep" are no health products at all
    decided = bool(claimed) or any(m.counts for m in mentions)
    opening = _headline_opening(fields)

    def add(category: str, weight: int, field_rank: int, offset: int, headline: bool) -> None:
        nonlocal decided
        decided = decided or weight > 1 or (headline and offset == opening)
        scores[category] = scores.get(category, 0) + weight * (2 if headline else 1)
        first_seen.setdefault(category, field_rank * 1_000_000 + offset)

    named_in_headline: set[str] = set()  # product types the headline names
    for rank, field in enumerate(fields):
        words = [_CUE_WORDS.get(t.text, t.text) for t in field.words]  # "cream" is a "krim"
        for found in catalogue.category_cues.find(words):
            offset = field.words[found.first].start
            headline = offset < limits[field.name]
            for category, weight in found.payloads:
                add(category, weight, rank, offset, headline)
                if headline:
                    named_in_headline.add(category)
        irt = irt or bool(catalogue.irt_words.find(words))
    ranks = {f.name: rank for rank, f in enumerate(fields)}
    # the headline says what is sold: a drug named only further down a listing whose
    # headline names a cream, a coffee or a jamu is what that product contains
    other_product = bool(named_in_headline - {"obat"})
    for mention in mentions:
        if (
            mention.term.rule.kind == "prescription"
            and mention.counts
            and not mention.in_ingredients
        ):
            headline = mention.start < limits.get(mention.field, 0)
            if other_product and not headline:
                continue
            add("obat", _DRUG_NAME_WEIGHT, ranks.get(mention.field, 9), mention.start, headline)
    if not scores:
        return None
    category, score = max(scores.items(), key=lambda kv: (kv[1], -first_seen[kv[0]]))
    if score < _MIN_SCORE or not decided:
        return None  # weak words alone ("Jaket Kulit", "Buku Resep") name no product type
    if category == "pangan_olahan" and irt:
        return "pangan_irt"
    return category


def cue_categories(fields: Sequence[FieldText], catalogue: Catalogue) -> dict[str, int]:
    """Every category some cue word of the listing points to, with its strongest cue's weight
    ("Vitamin C Serum" points to supplements and cosmetics alike)."""
    found: dict[str, int] = {}
    for field in fields:
        words = [_CUE_WORDS.get(t.text, t.text) for t in field.words]
        for cue in catalogue.category_cues.find(words):
            for category, weight in cue.payloads:
                found[category] = max(weight, found.get(category, 0))
    return found


def sells_no_product(fields: Sequence[FieldText], catalogue: Catalogue) -> bool:
    """The headline opens with a thing that is no health product (a poster, a book, a rack),
    names a container as empty ("Botol serum kosong 20 ml"), or names goods BPOM does not
    register (dish soap, mosquito coils, cloth masks, pet and livestock products)."""
    limits = headline_ends(fields)
    for field in fields:
        headline = [t.text for t in field.words if t.start < limits[field.name]]
        if headline:
            return (
                headline[0] in catalogue.not_product_openers
                or any(w in catalogue.empty_words for w in headline)
                or bool(catalogue.not_bpom_goods.find(headline))
            )
    return False


def _headline_opening(fields: Sequence[FieldText]) -> int:
    """Offset of the headline's first word (in the title, else in the description)."""
    for field in fields:
        if field.words:
            return field.words[0].start
    return -1


def headline_ends(fields: Sequence[FieldText]) -> dict[str, int]:
    """Per field, the character offset where the headline ends (0: no headline in it)."""
    return {f.name: _headline_limit(f, fields) for f in fields}


def _headline_limit(field: FieldText, fields: Sequence[FieldText]) -> int:
    """Character offset where the headline ends: the whole title, else the first line."""
    if field.name == "title":
        return len(field.text)
    if any(f.name == "title" and f.text.strip() for f in fields):
        return 0
    text = field.text.lstrip()
    skipped = len(field.text) - len(text)
    line_end = text.find("\n")
    return skipped + (line_end if line_end >= 0 else len(text))
