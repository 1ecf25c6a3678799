"""check() on invented listings against the fixture registry: every code, and hard negatives.

Fixture registry (tests/fixtures/rules/registry.csv), all names and numbers invented:
Sekar Ayu Beauty Krim Malam Collagen NA18301234567 and Toner Rose NA18301234568 (valid),
Bumi Lestari Jamu Sehat Wanita TR301234567 (valid) and Jamu Linu Tulang TR301234568
(expired), Nusa Prima Vita Vitamin C 1000 mg SD301234567 (revoked) and Omega 3 Fish Oil
SI301234568 (valid, expires 2025-01-31), Citra Rasa Food Keripik Tempe MD301234567890,
Dapur Bunda Home Made Sambal Bawang PIRT301234567890123, drugs Amoxikarta Amoksisilin
DKL..., Parasimed Parasetamol DTL..., Alprazotama Alprazolam DPL..., Sildenajaya Sildenafil
GKL..., and the quasi drug Sehat Selalu Minyak Angin Aromaterapi QD301234567.
Warnings: Ratu Jelita Krim Pemutih Malam (no NIE), Jaya Perkasa Kapsul Stamina Pria
(fictitious TR309999999), Kopi Kuat Lelaki Arabika (no brand).
"""

from __future__ import annotations

from datetime import date

import pytest

from rules.codes import VIOLATION_CODES


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # unregistered_nie: well-formed, not in the registry
        ("Kencana Herbal Kapsul Sendi", "BPOM TR 302 222 333", ["unregistered_nie"]),
        ("Arunika Snack Keripik Pisang", "P-IRT No. 4123456789012-27", ["unregistered_nie"]),
        # malformed_nie: food needs no NIE; a supplement does, so no_nie comes along
        ("Arunika Food Keripik Pisang", "Reg. BPOM RI MD41234567", ["malformed_nie"]),
        ("Mentari Vita Kalsium Tulang", "Terdaftar BPOM RI SD 12345678",
         ["malformed_nie", "no_nie"]),
        ("Amoxikarta Amoksisilin 500 mg", "No. Reg BPOM DKL 30123456 A1",
         ["malformed_nie", "prescription_drug"]),
        # read whole: a registered number with a digit too many is malformed, never cut back
        ("Citra Rasa Food Keripik Tempe", "BPOM RI MD 3012 3456 7890 1", ["malformed_nie"]),
        ("Citra Rasa Food Keripik Tempe", "bpom md.3012.3456.7890.12", ["malformed_nie"]),
        ("Bumi Lestari Jamu Sehat Wanita", "Terdaftar BPOM dengan nomor TR.3012.3456.78",
         ["malformed_nie"]),
        ("Kencana Herbal Kapsul Sendi", "Ready stok TR-412-556-78", ["malformed_nie", "no_nie"]),
        ("Arunika Snack Keripik Pisang COD ML 41234567890123", "", ["malformed_nie"]),
        # a wrong number for a registered drug: the drug is still known by name and brand
        ("Amoxikarta Amoksisilin 500 mg", "Reg. DKL 3099999999 A1",
         ["unregistered_nie", "prescription_drug"]),
        # an OTC drug's number borrowed for a prescription drug
        ("Tramadol HCl 50 mg strip isi 10", "Reg. DTL3012345679B1",
         ["nie_mismatch", "prescription_drug"]),
        # nie_mismatch: borrowed from another brand, or from a sibling product of the brand
        ("Mawar Indah Skincare Serum Bakuchiol", "Notifikasi BPOM NA18301234567", ["nie_mismatch"]),
        ("Sekar Ayu Beauty Toner Rose 100 ml", "BPOM NA 18301234567", ["nie_mismatch"]),
        ("Arunika Saus Sambal Pedas", "bpom tr301234567", ["nie_mismatch"]),
        # expired_nie: expired or revoked in the registry
        ("Bumi Lestari Jamu Linu Tulang", "POM TR301234568", ["expired_nie"]),
        ("Nusa Prima Vita Vitamin C 1000mg", "No. BPOM SD.301.234.567", ["expired_nie"]),
        # public_warning: by name and brand, by a fictitious NIE, by a brandless name
        ("Ratu Jelita Krim Pemutih Malam 10gr", "", ["public_warning", "no_nie"]),
        ("Jaya Perkasa Kapsul Stamina Pria", "POM TR 309999999",
         ["public_warning", "unregistered_nie"]),
        ("KOPI KUAT LELAKI ARABIKA 200GR", "", ["public_warning"]),
        # prescription_drug: by a registered K/P NIE, by name+brand, by catalogue name/brand
        ("Amoxikarta Amoksisilin 500 mg", "Reg. DKL 3012345678 A1", ["prescription_drug"]),
        ("Amoxikarta Amoksisilin 500mg kapsul", "tanpa resep", ["prescription_drug"]),
        ("Alprazotama Alprazolam 0,5 mg", "", ["prescription_drug"]),
        ("Sildenajaya Sildenafil Sitrat 50 mg", "GKL3012345672B1", ["prescription_drug"]),
        ("Obat tidur Klonazepam 2 mg isi 10", "", ["prescription_drug", "no_nie"]),
        ("tr4madol 50mg murah", "", ["prescription_drug", "no_nie"]),
        ("Cytotec 200 mcg asli", "paket disamarkan", ["prescription_drug", "no_nie"]),
        # hazardous_ingredient: a non-drug says it contains a drug substance or banned ingredient
        ("Jamu Kuat Perkasa Alam kapsul", "Komposisi: pasak bumi, tadalafil",
         ["hazardous_ingredient", "no_nie"]),
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567\nMengandung hidrokuinon 4%",
         ["hazardous_ingredient"]),
        ("Citra Rasa Food Keripik Tempe", "Pewarna rhodamin B biar cantik",
         ["hazardous_ingredient"]),
        ("Jamu Sehat Lelaki", "Bebas ongkir sildenafil 100mg", ["hazardous_ingredient", "no_nie"]),
        # misleading_claim: food, jamu, supplements, cosmetics
        ("Dapur Bunda Home Made Sambal Bawang", "Dijamin sembuh maag", ["misleading_claim"]),
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567\nPutih dalam 7 hari",
         ["misleading_claim"]),
        ("Bumi Lestari Jamu Sehat Wanita", "TR301234567\nObat segala penyakit",
         ["misleading_claim"]),
        # no_nie: needs an NIE, shows none, and names no registered product
        ("Krim Racik Glowing Super 20gr", "pemakaian malam", ["no_nie"]),
        ("Serum Glowing Original", "No. BPOM: 123456789", ["malformed_nie", "no_nie"]),
    ],
)  # fmt: skip
def test_violations(verdict, title, description, expected):
    assert verdict(title, description).codes == sorted(expected)


@pytest.mark.parametrize(
    "title, description",
    [
        # phone numbers, barcodes, prices, halal numbers, order ids, SKUs next to a food
        ("Citra Rasa Food Keripik Tempe", "WA 0812-3456-7890, +62 813 1111 2222\n"
         "Barcode 8991234567890\nHarga Rp 125.000\nSertifikat Halal ID12110000123450823\n"
         "INV/20250101/MPL/1234567890\nNo pesanan 250101ABCD12EF\nSKU-1234-567\n"
         "Isi 100 ml 2 botol"),
        # negations of banned ingredients and BKO
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567\n"
         "Tanpa merkuri, hidrokinon, dan steroid\nBebas BKO\nTidak mengandung bahan kimia obat\n"
         "0% merkuri\nmerkuri free\nLolos uji merkuri\nHindari krim yang mengandung merkuri"),
        # parasetamol in a real (OTC) drug listing is just the drug, not a BKO
        ("Parasimed Parasetamol 500 mg", "DTL3012345679B1\nTanpa resep dokter"),
        ("Parasimed Parasetamol 500 mg", "Obat demam, bisa tanpa resep"),
        # a drug name inside another word
        ("Kopi Astramadolina Robusta", ""),
        # shipping talk, disclaimers and product names that look like claims
        ("Citra Rasa Food Keripik Tempe", "Produk 100% original\nPacking 100% aman\n"
         "Paket disamarkan, privasi aman\nBukan obat, tidak untuk menyembuhkan penyakit\n"
         "Mi Instan Goreng"),
        # registered product named without its NIE (brand written short or glued)
        ("Sekar Ayu Krim Malam Collagen 30g", ""),
        ("SekarAyu Beauty Krim Malam Collagen", "NA18301234567"),
        ("Bumi Lestari Jamu Sehat Wanita", "BPOM RI\nTR 301 234 567\nbebas ongkir"),
        # the registered number in groups, beside quantities, units, prices and phones
        ("Citra Rasa Food Keripik Tempe", "No. POM: MD 3012 3456 7890 2 pcs\n"
         "Kemasan 250 ml 25.000\nTL: 0812-3456-7890\nKode SKU: SD-2231-889"),
        ("Bumi Lestari Jamu Sehat Wanita", "POM TR 301 234 567 0812 3456 7890"),
        ("Sekar Ayu Beauty Krim Malam Collagen", "Notifikasi BPOM NA 1830\n1234 567"),
        # food without an NIE, and a registered quasi drug
        ("Teh Celup Melati Wangi", "Nikmat diseduh hangat"),
        ("Sehat Selalu Minyak Angin Aromaterapi", "POM QD 301234567"),
        # a registered supplement whose expiry date passed, with no date to compare
        ("Nusa Prima Vita Omega 3 Fish Oil isi 60", "BPOM SI301234568"),
    ],
)  # fmt: skip
def test_clean_listings(verdict, title, description):
    assert verdict(title, description).codes == []


def test_brand_words_scattered_through_the_text_are_not_the_brand(verdict):
    # "Sekar" and "Ayu" both appear, but apart: this is not Sekar Ayu Beauty's product
    scattered = verdict("Krim Malam Collagen racikan", "Toko Sekar buka tiap hari. Ayu kirim besok")
    assert scattered.codes == ["no_nie"]
    assert verdict("Sekar Ayu Krim Malam Collagen racikan", "").codes == []


def test_a_lapsed_licence_counts_once_today_is_given(verdict):
    listing = ("Nusa Prima Vita Omega 3 Fish Oil", "BPOM SI301234568")
    assert verdict(*listing).codes == []
    late = verdict(*listing, today=date(2025, 6, 1))
    assert late.codes == ["expired_nie"] and late.hits[0].rule == "NIE-LAPSED"
    assert verdict(*listing, today=date(2025, 1, 31)).codes == []


def test_every_hit_is_explained(verdict, catalogue):
    description = "Notifikasi BPOM NA18301234567\nMengandung merkuri\n100% aman"
    result = verdict("Mawar Indah Skincare Krim Malam", description)
    assert result.nies == ("NA18301234567",) and result.category == "kosmetik"
    by_code = {hit.code: hit for hit in result.hits}
    assert set(by_code) == {"nie_mismatch", "hazardous_ingredient", "misleading_claim"}
    for hit in result.hits:
        assert hit.code in VIOLATION_CODES and hit.rule in catalogue.rules
        assert hit.version == catalogue.version and 0 < hit.score <= 1
        evidence = hit.evidence
        assert description[evidence.start : evidence.end] == evidence.text
        assert evidence.field == "description"
    mismatch = by_code["nie_mismatch"].evidence
    assert mismatch.compared_with["product_name"] == "Sekar Ayu Beauty Krim Malam Collagen"
    assert "merek 0/3" in mismatch.note
    assert by_code["hazardous_ingredient"].rule == "BAN-MERKURI"


def test_verdict_as_dict_is_the_check_output_line(verdict):
    line = verdict("Bumi Lestari Jamu Linu Tulang", "POM TR301234568").as_dict()
    assert line["id"] == "t-1" and line["nies"] == ["TR301234568"]
    [violation] = line["violations"]
    assert {"type", "rule", "score", "evidence"} <= set(violation)
    assert violation["type"] == "expired_nie" and violation["rule"] == "NIE-EXPIRED"
    assert violation["evidence"]["compared_with"]["status"] == "expired"


def test_the_registry_class_letter_decides_for_a_registered_drug(verdict):
    # a K-class NIE registered to this very drug: prescription-only although registered
    hit = verdict("Amoxikarta Amoksisilin 500 mg", "DKL3012345678A1").hits[0]
    assert hit.rule == "RX-CLASS-K" and hit.evidence.compared_with["nie"] == "DKL3012345678A1"
    # the P class (psikotropika), recognised by name and brand alone
    assert verdict("Alprazotama Alprazolam 0,5 mg").hits[0].rule == "RX-CLASS-P"


def test_malformed_evidence_is_the_whole_number_with_its_digit_count(verdict):
    [hit] = verdict("Citra Rasa Food Keripik Tempe", "BPOM RI MD 3012 3456 7890 1\nisi 2").hits
    assert (hit.code, hit.evidence.text) == ("malformed_nie", "MD 3012 3456 7890 1")
    assert "MD: 13 digit, seharusnya 12 atau 15 digit" in hit.evidence.note
