"""check(): everything that is wrong with one listing, each hit with its reason. No I/O, no clock.

The order of questions:
1. Which registration numbers does the listing claim, and what does the registry say about
   each (unregistered, malformed, borrowed from another product, expired or revoked)?
2. Which registered product is it: the one its NIE belongs to, else the one it names by
   brand and product name?
3. What kind of product is it (the registry's category, else the text's)? That decides
   which rules apply: prescription_drug only to drugs, hazardous_ingredient and
   misleading_claim only to the rest, no_nie only to categories that need an NIE.
4. Which catalogue words and claims does the text contain, and in what stance?

Expiry: the registry's status is authoritative (expired/revoked -> expired_nie). When the
caller passes `today`, a row still marked valid whose `expires_on` lies before `today` is
also reported (rule NIE-LAPSED): a stale status should not hide a lapsed licence. Without
`today` no date is compared, so results never depend on when they were computed. A product
recognised by brand and name alone (no number shown) whose registration is expired or
revoked is expired_nie too, not no_nie: it is registered, its licence is not valid.

Quasi drugs (obat_kuasi, QD/QI/QL numbers) need an NIE like drugs, but are not drugs: they
are checked for BKO, banned ingredients and forbidden claims like jamu and cosmetics.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from rules.borrowed import judge, named_by_its_own_word
from rules.catalogue import Catalogue
from rules.category import category_from_fields, cue_categories, headline_ends
from rules.claims import find_claims
from rules.codes import VIOLATION_CODES
from rules.mentions import AFFIRMED, FieldText, Mention, find_mentions
from rules.model import Evidence, Hit, Listing, RegistryProduct, Verdict
from rules.names import ListingWords
from rules.nie import PRESCRIPTION_CLASSES, NieMention, drug_class, extract_nies, shape_note
from rules.registry import Candidate, RegistryIndex, WarningIndex
from rules.text import name_words

NIE_REQUIRED = frozenset(
    {"obat", "obat_tradisional", "suplemen_kesehatan", "kosmetik", "obat_kuasi"}
)  # food needs none: pangan_olahan and pangan_irt are never no_nie
_CODE_ORDER = {code: rank for rank, code in enumerate(VIOLATION_CODES)}


@dataclass
class _Findings:
    """Hits collected for one listing; one hit per rule (and NIE) is enough to explain it."""

    catalogue: Catalogue
    hits: list[Hit] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, rule_id: str, score: float, evidence: Evidence, key: str = "") -> None:
        if (rule_id, key) in self.seen:
            return
        self.seen.add((rule_id, key))
        rule = self.catalogue.rule(rule_id)
        self.hits.append(Hit(rule.code, rule.id, score, evidence, self.catalogue.version))

    def ordered(self) -> tuple[Hit, ...]:
        return tuple(sorted(self.hits, key=lambda h: (_CODE_ORDER[h.code], h.evidence.start)))


@dataclass(frozen=True, slots=True)
class _Product:
    """The registered product a listing offers, and how it was recognised."""

    candidate: Candidate
    nie_mention: NieMention | None  # the shown NIE, or None when named by brand and name

    @property
    def row(self) -> RegistryProduct:
        return self.candidate.row  # type: ignore[return-value]

    def evidence(self, note: str) -> Evidence:
        if self.nie_mention is not None:
            return _nie_evidence(self.nie_mention, self.row.as_dict(), note)
        return Evidence(self.row.product_name, compared_with=self.row.as_dict(), note=note)


def check(
    listing: Listing,
    registry: RegistryIndex,
    warnings: WarningIndex,
    catalogue: Catalogue,
    *,
    today: date | None = None,
) -> Verdict:
    """Everything that is wrong with one listing, each hit explained."""
    fields = [
        FieldText.of("title", listing.title or "", catalogue),
        FieldText.of("description", listing.description or "", catalogue),
    ]
    words = ListingWords(ordered=[w for f in fields for w in name_words(f.words)])
    claimed = _claimed_nies(fields)
    found = _Findings(catalogue)
    named = registry.identify(words)
    mentions = [m for f in fields for m in find_mentions(f, catalogue)]
    listing_words = _ListingText(fields, mentions, words, catalogue)

    product = _check_claimed(claimed, registry, warnings, listing_words, named, found, today)
    shows_nie = any(m.well_formed for m in claimed)
    if product is None and not named and not claimed:
        named = [c for c in (named_by_its_own_word(registry, words),) if c is not None]
    if product is None and named:
        # named by brand and product name: it decides category and drug class; its licence
        # status counts only when no other well-formed number is shown in its place
        product = _Product(named[0], None)
        if not shows_nie:
            how = f"dikenali dari nama dan merek: {named[0].explanation}"
            _expiry(product, how, found, today)

    warned = warnings.identify(words)
    if product is not None:
        category = product.row.category
    elif warned and warned[0].row.category:
        category = warned[0].row.category  # the warning says what the product is
    else:
        category = _category(fields, mentions, claimed, found)
    contents = _contents_of_unknown_product(category, fields, mentions)
    offered = [m for m in mentions if (m.field, m.start) not in contents]
    _prescription(category, product, claimed, offered, found)
    if category != "obat":
        _hazards(category, mentions, found, contents)
        _claims(fields, catalogue, found)
    _warnings_by_name(warned, fields, found)
    if category in NIE_REQUIRED and product is None and not shows_nie:
        _no_nie(registry, words, fields, category, found)
    return Verdict(
        listing_id=listing.id,
        nies=tuple(m.nie for m in claimed),
        category=category,
        hits=found.ordered(),
        version=catalogue.version,
    )


def _claimed_nies(fields: list[FieldText]) -> list[NieMention]:
    """Each claimed number once (the first time it appears), title before description."""
    seen: dict[str, NieMention] = {}
    for f in fields:
        for mention in extract_nies(f.text, f.name):
            seen.setdefault(mention.nie, mention)
    return list(seen.values())


@dataclass
class _ListingText:
    """What a borrowed-NIE judgement reads of the listing; its category only when asked."""

    fields: list[FieldText]
    mentions: list[Mention]
    words: ListingWords
    catalogue: Catalogue
    _kinds: list[tuple[str | None, dict[str, int]]] = field(default_factory=list)

    def headline(self) -> list[str]:
        ends = headline_ends(self.fields)
        for f in self.fields:
            tokens = [t for t in f.words if t.start < ends[f.name]]
            if tokens:
                return name_words(tokens)
        return []

    def kinds(self) -> tuple[str | None, dict[str, int]]:
        """The kind of product the text says, and every kind its cue words point to."""
        if not self._kinds:
            said = category_from_fields(self.fields, self.mentions, self.catalogue)
            self._kinds.append((said, cue_categories(self.fields, self.catalogue)))
        return self._kinds[0]


def _check_claimed(
    claimed: list[NieMention],
    registry: RegistryIndex,
    warnings: WarningIndex,
    text: _ListingText,
    named: list[Candidate],
    found: _Findings,
    today: date | None,
) -> _Product | None:
    """NIE-based hits; returns the registered product whose NIE the listing rightly shows."""
    product: _Product | None = None
    for mention in claimed:
        for warning in warnings.by_nie(mention.nie):
            note = f"NIE ada di daftar peringatan publik ({warning.hazard})"
            found.add("WARN-NIE", 1.0, _nie_evidence(mention, warning.as_dict(), note), mention.nie)
        if not mention.well_formed:
            evidence = _nie_evidence(mention, None, _malformed_note(mention))
            found.add("NIE-MALFORMED", 1.0, evidence, mention.nie)
            continue
        row = registry.lookup(mention.nie)
        if row is None:
            evidence = _nie_evidence(mention, None, "NIE tidak ada di registri")
            found.add("NIE-UNREGISTERED", 1.0, evidence, mention.nie)
            continue
        candidate = registry.compare(row, text.words)
        judgement = judge(candidate, named, text.words, text.headline(), text.catalogue, text.kinds)
        if judgement.own:
            shown = _Product(candidate, mention)
            _expiry(shown, candidate.explanation, found, today)
            product = product or shown
            continue
        note = (
            f"NIE terdaftar untuk {row.product_name} ({row.brand}, {row.category}); "
            f"{candidate.explanation}; {judgement.why}"
        )
        evidence = _nie_evidence(mention, row.as_dict(), note)
        found.add("NIE-MISMATCH", max(0.5, 1.0 - candidate.score), evidence, mention.nie)
    return product


def _expiry(product: _Product, how: str, found: _Findings, today: date | None) -> None:
    row = product.row
    if row.status in ("expired", "revoked"):
        rule = "NIE-EXPIRED" if row.status == "expired" else "NIE-REVOKED"
        found.add(rule, 1.0, product.evidence(f"status registri: {row.status}; {how}"), row.nie)
    elif today is not None and row.expires_on is not None and row.expires_on < today:
        note = f"berlaku sampai {row.expires_on.isoformat()}, diperiksa {today.isoformat()}; {how}"
        found.add("NIE-LAPSED", 0.9, product.evidence(note), row.nie)


def _category(
    fields: list[FieldText], mentions: list[Mention], claimed: list[NieMention], found: _Findings
) -> str | None:
    # numbers the registry did not confirm still say what the seller calls the product;
    # a borrowed NIE (nie_mismatch) says nothing about this listing's product
    unconfirmed = [
        m.category
        for m in claimed
        if m.category is not None and ("NIE-MISMATCH", m.nie) not in found.seen
    ]
    return category_from_fields(fields, mentions, found.catalogue, unconfirmed)


def _prescription(
    category: str | None,
    product: _Product | None,
    claimed: list[NieMention],
    mentions: list[Mention],
    found: _Findings,
) -> None:
    if product is not None:
        # a registered drug: its NIE's class letter decides, not the words around it
        klass = drug_class(product.row.nie)
        if product.row.category == "obat" and klass in PRESCRIPTION_CLASSES:
            note = f"golongan {klass} ({PRESCRIPTION_CLASSES[klass]}) pada NIE {product.row.nie}"
            found.add(f"RX-CLASS-{klass}", 1.0, product.evidence(note))
        return
    names = [m for m in mentions if m.term.rule.kind == "prescription" and m.counts]
    if category not in ("obat", None) or (category is None and not names):
        return  # in a jamu or a cosmetic the same word is a BKO: see _hazards
    for mention in names:
        note = "merek dagang" if mention.term.is_brand else "nama generik"
        evidence = Evidence(mention.text, mention.field, mention.start, mention.end, note=note)
        found.add(mention.term.rule.id, 0.9 if mention.term.is_brand else 0.95, evidence)
    for nie in claimed if not names else ():
        klass = drug_class(nie.nie) if nie.category == "obat" else None
        if klass in PRESCRIPTION_CLASSES:
            note = f"golongan {klass} ({PRESCRIPTION_CLASSES[klass]}) pada nomor yang diklaim"
            found.add(f"RX-CLASS-{klass}", 0.8, _nie_evidence(nie, None, note))


def _contents_of_unknown_product(
    category: str | None, fields: list[FieldText], mentions: list[Mention]
) -> set[tuple[str, int]]:
    """Drugs an unknown kind of product states as its ingredients below its headline
    ("Kapsul Gemuk Badan" / "mengandung siproheptadin"): what it contains, not what it is."""
    if category is not None:
        return set()
    ends = headline_ends(fields)
    return {
        (m.field, m.start) for m in mentions if m.in_ingredients and m.start >= ends.get(m.field, 0)
    }


def _hazards(
    category: str | None,
    mentions: list[Mention],
    found: _Findings,
    contents: set[tuple[str, int]],
) -> None:
    substances = [m for m in mentions if m.term.rule.kind in ("bko", "banned") and m.counts]
    banned_at = {(m.field, m.start) for m in substances if m.term.rule.kind == "banned"}
    for mention in substances:
        at = (mention.field, mention.start)
        if mention.term.rule.kind == "bko" and (
            (category is None and at not in contents) or at in banned_at
        ):
            continue  # unknown product type: a drug name alone may just be a drug on sale
        if category is None and mention.stance != AFFIRMED:
            continue  # "Lampu Merkuri", "Termometer Air Raksa": named, not said to be in it
        affirmed = mention.stance == AFFIRMED
        note = "dinyatakan sebagai kandungan" if affirmed else "disebut dalam teks"
        evidence = Evidence(mention.text, mention.field, mention.start, mention.end, note=note)
        found.add(mention.term.rule.id, 0.95 if affirmed else 0.85, evidence)


def _claims(fields: list[FieldText], catalogue: Catalogue, found: _Findings) -> None:
    for f in fields:
        for claim in find_claims(f, catalogue):
            evidence = Evidence(claim.text, claim.field, claim.start, claim.end, note="klaim")
            found.add(claim.rule.id, 0.9, evidence)


def _warnings_by_name(warned: list[Candidate], fields: list[FieldText], found: _Findings) -> None:
    for candidate in warned:
        warning = candidate.row
        note = f"nama dan merek cocok dengan peringatan publik: {candidate.explanation}"
        evidence = replace(
            _brand_span(fields, warning.brand) or Evidence(text=warning.product_name),
            compared_with=warning.as_dict(),
            note=note,
        )
        found.add("WARN-NAME", candidate.score, evidence, warning.product_name)


def _no_nie(
    registry: RegistryIndex,
    words: ListingWords,
    fields: list[FieldText],
    category: str,
    found: _Findings,
) -> None:
    headline = fields[0] if fields[0].text.strip() else fields[1]
    text = headline.text.strip().split("\n", 1)[0]
    start = headline.text.find(text)
    note = f"kategori {category} wajib NIE; tidak ada NIE dan tidak cocok dengan produk terdaftar"
    compared = None
    closest = registry.names.covered(words)[:1]
    if closest:  # the nearest miss, so an officer can see why it did not count
        row = registry.products[closest[0].position]
        compared = row.as_dict()
        explanation = registry.names.explain(closest[0].position, words)
        note += f"; paling mirip {row.product_name} ({explanation})"
    found.add(
        "NO-NIE", 0.9, Evidence(text, headline.name, start, start + len(text), compared, note)
    )


def _brand_span(fields: list[FieldText], brand: str) -> Evidence | None:
    needle = brand.casefold().strip()
    for f in fields if needle else ():
        start = f.text.casefold().find(needle)
        if start >= 0:
            return Evidence(f.text[start : start + len(needle)], f.name, start, start + len(needle))
    return None


def _nie_evidence(mention: NieMention, compared: dict | None, note: str) -> Evidence:
    return Evidence(mention.raw, mention.field, mention.start, mention.end, compared, note)


def _malformed_note(mention: NieMention) -> str:
    if mention.category is None:
        return "nomor registrasi tanpa awalan NIE yang dikenal"
    return (
        f"jumlah digit/bentuk tidak sesuai untuk awalan {mention.category} ({mention.nie}; "
        f"{shape_note(mention.nie)})"
    )
