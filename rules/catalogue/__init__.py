"""The rule catalogue: versioned TOML data in this folder, loaded into frozen rules and indexes."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from rules.catalogue.anchors import first_words
from rules.codes import VIOLATION_CODES
from rules.model import CATEGORIES
from rules.phrases import PhraseIndex

SEVERITIES = ("kritis", "tinggi", "sedang", "rendah")
# A legal basis must name at least one instrument: an act, a regulation or a decree.
_INSTRUMENT = re.compile(r"\b(?:UU|Undang-Undang|Peraturan|Permenkes|Keputusan|PP)\b")


class CatalogueError(ValueError):
    """The catalogue data is inconsistent (unknown code, duplicate id, bad pattern)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue rule: what it flags, why it is illegal, and who should act on it."""

    id: str
    code: str
    label: str
    severity: str
    legal_basis: str
    recipient: str
    kind: str = ""  # "registry" | "prescription" | "bko" | "banned" | "claim"
    # prescription rules: "oot" | "keras" | "ereksi" | "injeksi" | "psikotropika" | "narkotika"
    drug_class: str = ""
    names: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    # what a lawyer should check before this basis is relied on; empty when it was verified
    review_note: str = ""
    # (category, basis) pairs: the rule that governs this finding in that kind of product,
    # e.g. rhodamin B in food (the food-colour rules) versus in a lipstick (cosmetics rules)
    basis_by_category: tuple[tuple[str, str], ...] = ()

    def basis_for(self, category: str | None) -> str:
        """The legal basis to cite for a finding in a product of `category`."""
        return dict(self.basis_by_category).get(category or "", self.legal_basis)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "label": self.label,
            "severity": self.severity,
            "legal_basis": self.legal_basis,
            "recipient": self.recipient,
        }


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase of the catalogue and the rule it belongs to."""

    rule: Rule
    is_brand: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """A forbidden claim: its patterns, and phrases that must match it (checked by the tests)."""

    rule: Rule
    patterns: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Language:
    """Word lists deciding whether a substance is stated as present, absent or warned about."""

    negators: frozenset[str]
    negators_after: frozenset[str]
    affirmatives: frozenset[str]
    cautions: frozenset[str]
    scope_breakers: frozenset[str]
    contrasts: frozenset[str]
    list_words: frozenset[str]
    # "seperti", "such as": what follows are examples of the word before ("tidak mengandung
    # BKO seperti sildenafil"), so that word's stance carries over
    examples: frozenset[str] = frozenset()
    # words a negator may stand before its verb with: "tidak ada kandungan merkuri"
    fillers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Catalogue:
    """Everything the text rules need, built once: rules by id and the phrase indexes."""

    version: str
    rules: Mapping[str, Rule]
    recipients: Mapping[str, str]
    language: Language
    terms: PhraseIndex[Term]  # drug names and brands, BKO substances, banned ingredients
    claims: tuple[Claim, ...]
    # first word -> the claim patterns that can start with it: a field is only tried where
    # such a word stands (anchored match), instead of scanning it once per pattern
    claim_anchors: Mapping[str, tuple[tuple[Claim, re.Pattern[str]], ...]]
    claim_exclusions: frozenset[str]
    category_cues: PhraseIndex[tuple[str, int]]  # phrase -> (category, weight)
    irt_words: PhraseIndex[str] = field(repr=False, default=None)  # type: ignore[assignment]
    # phrase -> ids of rules it points to without being a finding ("obat kuat" suggests a
    # PDE-5 inhibitor but names none); text rules may use a hint to weigh other evidence
    hints: PhraseIndex[str] = field(repr=False, default=None)  # type: ignore[assignment]
    # headline words that say the listing sells no health product (categories.toml)
    not_product_openers: frozenset[str] = frozenset()
    empty_words: frozenset[str] = frozenset()
    not_bpom_goods: PhraseIndex[str] = field(repr=False, default=None)  # type: ignore[assignment]

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]


def load_catalogue(package: str = "rules.catalogue") -> Catalogue:
    """The packaged catalogue (cached: the data files do not change while running)."""
    return _load(package)


@lru_cache(maxsize=4)
def _load(package: str) -> Catalogue:
    folder = resources.files(package)
    main = tomllib.loads(folder.joinpath("catalogue.toml").read_text(encoding="utf-8"))
    parts = {
        name: tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for name in main.get("files", [])
    }
    return build_catalogue(main, parts)


def build_catalogue(main: Mapping[str, Any], parts: Mapping[str, Mapping[str, Any]]) -> Catalogue:
    """Assemble a Catalogue from parsed TOML (kept separate from file access for tests)."""
    version = str(main.get("version") or "")
    if not version:
        raise CatalogueError("catalogue.toml has no version")
    rules: dict[str, Rule] = {}

    def add(rule: Rule) -> Rule:
        if rule.id in rules:
            raise CatalogueError(f"duplicate rule id {rule.id}")
        if rule.code not in VIOLATION_CODES:
            raise CatalogueError(f"rule {rule.id}: unknown violation code {rule.code}")
        if rule.severity not in SEVERITIES:
            raise CatalogueError(f"rule {rule.id}: unknown severity {rule.severity}")
        _check_basis(rule)
        rules[rule.id] = rule
        return rule

    for entry in main.get("rule", []):
        add(Rule(**_common(entry), code=entry["code"], kind="registry"))

    substances = parts.get("substances.toml", {})
    drug_terms, substance_terms = _drug_rules(parts.get("prescription.toml", {}), substances, add)
    substance_terms += _substance_rules(substances, add)
    substance_terms += _not_names(substances)
    claims_data = parts.get("claims.toml", {})
    claims = _claim_rules(claims_data, add)
    cues = _category_cues(parts.get("categories.toml", {}))
    not_product = parts.get("categories.toml", {}).get("not_product", {})
    lang = main.get("language", {})
    return Catalogue(
        version=version,
        rules=rules,
        recipients=dict(main.get("recipients", {})),
        language=Language(**{k: frozenset(lang.get(k, ())) for k in Language.__slots__}),
        terms=PhraseIndex(drug_terms + substance_terms),
        claims=claims,
        claim_anchors=_claim_anchors(claims),
        claim_exclusions=frozenset(claims_data.get("defaults", {}).get("not_in_clause_with", ())),
        category_cues=PhraseIndex(cues),
        irt_words=PhraseIndex(
            (w, "pangan_irt")
            for w in parts.get("categories.toml", {}).get("irt", {}).get("words", ())
        ),
        hints=PhraseIndex(_hints(parts.get("prescription.toml", {}), rules)),
        not_product_openers=frozenset(not_product.get("openers", ())),
        empty_words=frozenset(not_product.get("empty", ())),
        not_bpom_goods=PhraseIndex((w, "not_product") for w in not_product.get("elsewhere", ())),
    )


def _check_basis(rule: Rule) -> None:
    """Every rule says which law it rests on: no finding goes into a letter unexplained."""
    bases = [rule.legal_basis] + [basis for _, basis in rule.basis_by_category]
    for basis in bases:
        if not isinstance(basis, str) or not basis.strip():
            raise CatalogueError(f"rule {rule.id}: no legal_basis")
        if not _INSTRUMENT.search(basis):
            raise CatalogueError(f"rule {rule.id}: legal_basis names no regulation: {basis!r}")
    for category, _ in rule.basis_by_category:
        if category not in CATEGORIES:
            raise CatalogueError(f"rule {rule.id}: basis for unknown category {category}")
    if not isinstance(rule.review_note, str):
        raise CatalogueError(f"rule {rule.id}: review_note must be text")


def _common(entry: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fields every rule has; an entry's own value wins over its group's default.

    A review note follows its legal basis: an entry citing its own basis does not inherit
    the group's note about the group's basis.
    """
    defaults = defaults or {}
    basis_from = entry if "legal_basis" in entry else defaults
    try:
        return {
            "id": entry["id"],
            "label": entry.get("label") or defaults["label"],
            "severity": entry.get("severity") or defaults["severity"],
            "legal_basis": basis_from["legal_basis"],
            "recipient": entry.get("recipient") or defaults["recipient"],
            "review_note": entry.get("review_note", basis_from.get("review_note", "")),
            "basis_by_category": tuple(
                sorted({**basis_from.get("basis", {}), **entry.get("basis", {})}.items())
            ),
        }
    except KeyError as missing:
        raise CatalogueError(f"rule {entry.get('id', '?')} lacks {missing}") from None


def _drug_rules(data: Mapping[str, Any], substances: Mapping[str, Any], add) -> tuple[list, list]:
    """Prescription rules, plus each drug's BKO twin for when a non-drug product names it."""
    classes = data.get("class", {})
    bko = substances.get("bko")
    if bko is None:
        raise CatalogueError("substances.toml lacks the [bko] defaults")
    drug_terms: list[tuple[str, Term]] = []
    substance_terms: list[tuple[str, Term]] = []
    for entry in data.get("drug", []):
        klass = classes.get(entry.get("class", ""))
        if klass is None:
            raise CatalogueError(f"drug {entry.get('id')}: unknown class {entry.get('class')}")
        names, brands = tuple(entry.get("names", ())), tuple(entry.get("brands", ()))
        if not names:
            raise CatalogueError(f"drug {entry.get('id')} has no names")
        label = entry.get("label") or f"{klass['label']}: {names[0]}"
        rule = add(Rule(**_common({**entry, "label": label}, klass), code="prescription_drug",
                        kind="prescription", drug_class=entry["class"], names=names,
                        brands=brands))  # fmt: skip
        twin_id = "BKO-" + rule.id.removeprefix("RX-")
        twin_label = "BKO: " + rule.label.split(": ", 1)[-1]
        twin = add(Rule(**_common({"id": twin_id, "label": twin_label}, bko),
                        code="hazardous_ingredient", kind="bko", names=names,
                        brands=brands))  # fmt: skip
        drug_terms += [(name, Term(rule)) for name in names]
        drug_terms += [(brand, Term(rule, is_brand=True)) for brand in brands]
        # a trade or street name stands for its substance too: "kopi mengandung viagra"
        substance_terms += [(name, Term(twin)) for name in names]
        substance_terms += [(brand, Term(twin, is_brand=True)) for brand in brands]
    return drug_terms, substance_terms


def _substance_rules(data: Mapping[str, Any], add) -> list[tuple[str, Term]]:
    bko = data["bko"]
    terms: list[tuple[str, Term]] = []
    for entry in data.get("substance", []):
        rule = add(Rule(**_common(entry, bko), code="hazardous_ingredient", kind="bko",
                        names=tuple(entry.get("names", ()))))  # fmt: skip
        terms += [(name, Term(rule)) for name in rule.names]
    for entry in data.get("banned", []):
        group = data.get(entry.get("group", ""))
        if group is None:
            raise CatalogueError(f"banned {entry.get('id')}: unknown group {entry.get('group')}")
        rule = add(Rule(**_common(entry, group), code="hazardous_ingredient", kind="banned",
                        names=tuple(entry.get("names", ()))))  # fmt: skip
        terms += [(name, Term(rule)) for name in rule.names]
    return terms


# Stands for phrases that contain a catalogue word but mean something else ("timbal balik",
# reciprocal, is not lead). Its kind is neither a drug nor a substance, so the text rules
# read the phrase as a whole and report nothing.
NOT_A_NAME = Rule(
    id="NOT-A-NAME", code="", label="bukan nama zat", severity="rendah", legal_basis="",
    recipient="", kind="not_a_name",
)  # fmt: skip


def _not_names(data: Mapping[str, Any]) -> list[tuple[str, Term]]:
    return [(phrase, Term(NOT_A_NAME)) for phrase in data.get("not_a_name", {}).get("phrases", ())]


def _hints(data: Mapping[str, Any], rules: Mapping[str, Rule]) -> list[tuple[str, str]]:
    hints = []
    for entry in data.get("hint", []):
        for rule_id in entry.get("rules", ()):
            if rule_id not in rules:
                raise CatalogueError(f"hint {entry.get('phrases')}: unknown rule {rule_id}")
            hints += [(phrase, rule_id) for phrase in entry.get("phrases", ())]
    return hints


def _claim_rules(data: Mapping[str, Any], add) -> tuple[Claim, ...]:
    defaults = data.get("defaults", {})
    claims = []
    for entry in data.get("claim", []):
        rule = add(Rule(**_common(entry, defaults), code="misleading_claim", kind="claim"))
        try:
            patterns = tuple(re.compile(_spaced(p)) for p in entry.get("patterns", ()))
        except re.error as error:
            raise CatalogueError(f"claim {rule.id}: bad pattern: {error}") from None
        claims.append(Claim(rule, patterns, tuple(entry.get("examples", ()))))
    return tuple(claims)


def _claim_anchors(claims: tuple[Claim, ...]) -> dict[str, tuple[tuple[Claim, re.Pattern], ...]]:
    anchors: dict[str, list[tuple[Claim, re.Pattern]]] = {}
    for claim in claims:
        for pattern in claim.patterns:
            first = first_words(pattern.pattern)
            if not first:
                raise CatalogueError(f"claim {claim.rule.id}: pattern must start with a word")
            for word in first:
                anchors.setdefault(word, []).append((claim, pattern))
    return {word: tuple(entries) for word, entries in anchors.items()}


def _spaced(pattern: str) -> str:
    # a space in a pattern stands for any run of spaces or tabs, never a line break
    return re.sub(r" \??", lambda m: r"[ \t]*" if m.group() == " ?" else r"[ \t]+", pattern)


def _category_cues(data: Mapping[str, Any]) -> list[tuple[str, tuple[str, int]]]:
    cues = []
    for category, words in data.get("cues", {}).items():
        cues += [(w, (category, 3)) for w in words.get("strong", ())]
        cues += [(w, (category, 1)) for w in words.get("weak", ())]
    return cues
