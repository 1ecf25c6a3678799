"""The catalogue data: versioned, every rule explainable, the abused drugs listed, OTC ones not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rules.catalogue as catalogue_package
from rules.catalogue import CatalogueError, build_catalogue
from rules.catalogue.anchors import first_words
from rules.claims import find_claims
from rules.codes import VIOLATION_CODES
from rules.mentions import FieldText


def test_version_and_every_rule_explainable(catalogue):
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d+", catalogue.version)
    for rule in catalogue.rules.values():
        assert rule.code in VIOLATION_CODES
        assert rule.label and rule.legal_basis, rule.id
        assert rule.recipient in catalogue.recipients, rule.id


def test_the_changelog_names_the_current_version(catalogue):
    text = (Path(catalogue_package.__file__).parent / "catalogue.toml").read_text("utf-8")
    assert f"# {catalogue.version} " in text


def test_every_legal_basis_names_a_regulation(catalogue):
    instrument = re.compile(r"\b(?:UU|Peraturan|Keputusan)\b.*\b(?:No\.|Nomor) ?\S+")
    for rule in catalogue.rules.values():
        for basis in [rule.legal_basis] + [b for _, b in rule.basis_by_category]:
            assert instrument.search(basis), (rule.id, basis)


def test_uncertain_citations_carry_a_review_note(catalogue):
    # nothing in the catalogue has been checked against the official texts yet
    unreviewed = [r.id for r in catalogue.rules.values() if r.kind != "claim" and not r.review_note]
    assert unreviewed == []


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
     "loratadin", "klorfeniramin", "mikonazol", "simetikon",
     "dekstrometorfan"],  # an OOT, but sold lawfully in combined cough medicine
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


_BKO = {"label": "BKO", "severity": "kritis", "recipient": "dit_intelijen",
        "legal_basis": "UU No. 17 Tahun 2023 tentang Kesehatan"}  # fmt: skip
_MAIN = {"version": "x", "files": []}


@pytest.mark.parametrize(
    "substances, message",
    [
        ({"bko": _BKO, "substance": [{"id": "BKO-X", "names": ["x"], "legal_basis": ""}]},
         "BKO-X: no legal_basis"),
        ({"bko": _BKO, "substance": [{"id": "BKO-X", "names": ["x"], "legal_basis": "  "}]},
         "BKO-X: no legal_basis"),
        ({"bko": {k: v for k, v in _BKO.items() if k != "legal_basis"},
          "substance": [{"id": "BKO-X", "names": ["x"]}]}, "BKO-X lacks 'legal_basis'"),
        ({"bko": _BKO, "substance": [{"id": "BKO-X", "names": ["x"],
                                      "legal_basis": "dilarang menurut aturan"}]},
         "BKO-X: legal_basis names no regulation"),
        ({"bko": _BKO, "substance": [{"id": "BKO-X", "names": ["x"],
                                      "basis": {"pangan_olahan": ""}}]},
         "BKO-X: no legal_basis"),
        ({"bko": _BKO, "substance": [{"id": "BKO-X", "names": ["x"],
                                      "basis": {"makanan": "UU No. 18 Tahun 2012"}}]},
         "BKO-X: basis for unknown category makanan"),
    ],
)  # fmt: skip
def test_an_entry_without_a_legal_basis_is_refused(substances, message):
    with pytest.raises(CatalogueError, match=re.escape(message)):
        build_catalogue(_MAIN, {"substances.toml": substances})


def test_a_drug_without_a_legal_basis_is_refused():
    drugs = {"class": {"keras": {"label": "Obat keras", "severity": "tinggi",
                                 "recipient": "platform", "legal_basis": ""}},
             "drug": [{"id": "RX-X", "class": "keras", "names": ["x"]}]}  # fmt: skip
    with pytest.raises(CatalogueError, match="RX-X: no legal_basis"):
        build_catalogue(_MAIN, {"substances.toml": {"bko": _BKO}, "prescription.toml": drugs})


def test_a_hint_to_an_unknown_rule_is_refused():
    drugs = {"hint": [{"phrases": ["obat kuat"], "rules": ["RX-NOPE"]}]}
    with pytest.raises(CatalogueError, match="unknown rule RX-NOPE"):
        build_catalogue(_MAIN, {"substances.toml": {"bko": _BKO}, "prescription.toml": drugs})


def test_an_entry_with_its_own_basis_keeps_its_own_review_note():
    substances = {
        "bko": {**_BKO, "review_note": "check the group basis"},
        "substance": [
            {"id": "BKO-A", "names": ["a"]},
            {"id": "BKO-B", "names": ["b"], "legal_basis": "Peraturan BPOM No. 1 Tahun 2020"},
        ],
    }
    built = build_catalogue(_MAIN, {"substances.toml": substances})
    assert built.rule("BKO-A").review_note == "check the group basis"
    assert built.rule("BKO-B").review_note == ""
