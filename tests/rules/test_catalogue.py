"""The catalogue data: versioned, every rule explainable, the abused drugs listed, OTC ones not."""

from __future__ import annotations

import pytest

from rules.catalogue import CatalogueError, build_catalogue
from rules.catalogue.anchors import first_words
from rules.claims import find_claims
from rules.codes import VIOLATION_CODES
from rules.mentions import FieldText


def test_version_and_every_rule_explainable(catalogue):
    assert catalogue.version
    for rule in catalogue.rules.values():
        assert rule.code in VIOLATION_CODES
        assert rule.label and rule.legal_basis, rule.id
        assert rule.recipient in catalogue.recipients, rule.id


def test_every_violation_code_has_a_rule(catalogue):
    assert {rule.code for rule in catalogue.rules.values()} == set(VIOLATION_CODES)


def _prescription_names(catalogue) -> set[str]:
    return {
        name
        for rule in catalogue.rules.values()
        if rule.kind == "prescription"
        for name in rule.names + rule.brands
    }


@pytest.mark.parametrize(
    "name",
    [
        "tramadol", "trihexyphenidyl", "triheksifenidil", "misoprostol", "alprazolam",
        "diazepam", "clonazepam", "klonazepam", "lorazepam", "sildenafil", "tadalafil",
        "vardenafil", "dexamethasone", "deksametason", "prednisone", "methylprednisolone",
        "amoxicillin", "amoksisilin", "ciprofloxacin", "doxycycline", "metronidazole",
        "losartan", "bisoprolol", "amlodipine", "dumolid", "riklona", "hexymer", "viagra",
    ],
)  # fmt: skip
def test_commonly_abused_and_common_prescription_drugs_are_listed(catalogue, name):
    assert name in _prescription_names(catalogue)


@pytest.mark.parametrize(
    "name",
    ["parasetamol", "paracetamol", "ibuprofen", "antasida", "loperamid", "setirizin",
     "loratadin", "klorfeniramin", "dekstrometorfan", "mikonazol", "simetikon"],
)  # fmt: skip
def test_over_the_counter_drugs_are_not_prescription_only(catalogue, name):
    assert name not in _prescription_names(catalogue)


@pytest.mark.parametrize(
    "name, rule_id",
    [
        ("parasetamol", "BKO-PARASETAMOL"),
        ("sildenafil", "BKO-SILDENAFIL"),  # every prescription drug is also a BKO
        ("fenilbutazon", "BKO-FENILBUTAZON"),
        ("sibutramin", "BKO-SIBUTRAMIN"),
        ("merkuri", "BAN-MERKURI"),
        ("hidrokuinon", "BAN-HIDROKINON"),
        ("asam retinoat", "BAN-ASAM-RETINOAT"),
        ("rhodamin b", "BAN-RHODAMIN-B"),
        ("merah k3", "BAN-MERAH-K3"),
    ],
)
def test_substances_a_non_drug_must_not_contain(catalogue, name, rule_id):
    [found] = catalogue.terms.find(name.split())
    assert rule_id in {term.rule.id for term in found.payloads}


def test_claim_examples_match_their_claim(catalogue):
    for claim in catalogue.claims:
        for example in claim.examples:
            found = find_claims(FieldText.of("d", example, catalogue), catalogue)
            assert claim.rule.id in {c.rule.id for c in found}, example


@pytest.mark.parametrize(
    "pattern, words",
    [
        (r"\b(?:obat|mengobati) segala penyakit", {"obat", "mengobati"}),
        (r"\b100 ?% aman\b", {"100"}),
        (r"\b(?:secara )?(?:instan|kilat) putih", {"secara", "instan", "kilat"}),
        (r"\befek ?samping", {"efek", "efeksamping"}),
        (r"\w+ ajaib", None),  # may start with any word: cannot be anchored
    ],
)
def test_claim_anchor_words_are_read_from_the_pattern(pattern, words):
    found = first_words(pattern)
    assert (set(found) if found is not None else None) == words


@pytest.mark.parametrize(
    "main, message",
    [
        ({"files": []}, "no version"),
        ({"version": "x", "rule": [{"id": "A", "code": "nope", "label": "l", "severity": "tinggi",
                                     "legal_basis": "b", "recipient": "platform"}]},
         "unknown violation code"),
        ({"version": "x", "rule": [{"id": "A", "code": "no_nie", "label": "l",
                                     "severity": "tinggi", "recipient": "platform"}]}, "lacks"),
    ],
)  # fmt: skip
def test_inconsistent_catalogue_data_is_refused(main, message):
    with pytest.raises(CatalogueError, match=message):
        build_catalogue(main, {"substances.toml": {"bko": {}}})
