"""Stance of substance mentions (negation), forbidden claims, obfuscation, category inference."""

from __future__ import annotations

import pytest

from rules.category import infer_category
from rules.claims import find_claims
from rules.mentions import AFFIRMED, CAUTION, MENTIONED, NEGATED, FieldText, find_mentions


def stances(text: str, catalogue) -> dict[str, str]:
    found = find_mentions(FieldText.of("description", text, catalogue), catalogue)
    return {m.text.lower(): m.stance for m in found}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mengandung merkuri (mercury)", {"merkuri": AFFIRMED, "mercury": AFFIRMED}),
        ("Komposisi: kopi robusta, gula, sildenafil", {"sildenafil": AFFIRMED}),
        ("Diperkuat hydroquinone", {"hydroquinone": AFFIRMED}),
        ("Dengan asam retinoat 0,05%", {"asam retinoat": AFFIRMED}),
        ("Krim merkuri murah", {"merkuri": MENTIONED}),
        ("Bebas ongkir sildenafil 100mg", {"sildenafil": MENTIONED}),
        ("Tanpa merkuri, hidrokinon, dan steroid",
         {"merkuri": NEGATED, "hidrokinon": NEGATED, "steroid": NEGATED}),
        ("Bebas BKO", {"bko": NEGATED}),
        ("Bebas bahan kimia obat", {"bahan kimia obat": NEGATED}),
        ("Tidak mengandung hidrokinon", {"hidrokinon": NEGATED}),
        ("Tidak ada kandungan merkuri", {"merkuri": NEGATED}),
        ("0% merkuri", {"merkuri": NEGATED}),
        ("merkuri free", {"merkuri": NEGATED}),
        ("Lolos uji merkuri", {"merkuri": NEGATED}),
        ("No mercury, no paraben", {"mercury": NEGATED}),
        ("Tidak mengandung merkuri tapi mengandung hidrokinon",
         {"merkuri": NEGATED, "hidrokinon": AFFIRMED}),
        ("Tanpa pengawet. Mengandung deksametason", {"deksametason": AFFIRMED}),
        ("Hindari krim yang mengandung merkuri", {"merkuri": CAUTION}),
    ],
)  # fmt: skip
def test_stance_of_a_substance_mention(catalogue, text, expected):
    assert stances(text, catalogue) == expected


@pytest.mark.parametrize(
    "text, word",
    [
        ("jual tr4madol murah", "tramadol"),
        ("s1ldenafil 100", "sildenafil"),
        ("obat t.r.a.m.a.d.o.l", "tramadol"),
        ("alpra-zolam 1mg", "alprazolam"),
        ("sildenafil100mg", "sildenafil"),
        ("Xanax asli", "alprazolam"),  # a brand points to its substance's rule
    ],
)
def test_obfuscated_drug_names_are_read(catalogue, text, word):
    found = find_mentions(FieldText.of("title", text, catalogue), catalogue)
    assert any(word in m.term.rule.names for m in found)


@pytest.mark.parametrize(
    "text",
    ["Astramadolina kopi", "parasetamol", "Rasa tamol", "Deksamemedi tablet", "metasone"],
)
def test_word_boundaries_hold(catalogue, text):
    found = find_mentions(FieldText.of("title", text, catalogue), catalogue)
    assert not [m for m in found if m.term.rule.kind == "prescription"]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Obat segala penyakit", "CLAIM-PANACEA"),
        ("Menyembuhkan diabetes", "CLAIM-CURE"),
        ("Ampuh mengatasi kanker", "CLAIM-CURE"),
        ("100% aman tanpa efek samping", "CLAIM-SAFE"),
        ("Dijamin langsing", "CLAIM-GUARANTEE"),
        ("Putih permanen dalam 7 hari", "CLAIM-INSTANT"),
        ("Hasil instan!", "CLAIM-INSTANT"),
        ("Langsing tanpa diet", "CLAIM-INSTANT"),
    ],
)
def test_forbidden_claims(catalogue, text, rule):
    found = find_claims(FieldText.of("description", text, catalogue), catalogue)
    assert rule in {c.rule.id for c in found}


@pytest.mark.parametrize(
    "text",
    [
        "Produk ORIGINAL 100%, bukan KW",
        "Packing aman pakai bubble wrap + kardus",
        "Pembayaran 100% aman via rekber",
        "Paket disamarkan, privasi aman",
        "ORIGINAL 100%\nAman untuk ibu hamil",
        "Bukan obat, tidak untuk menyembuhkan penyakit",
        "Mi Instan Goreng Pedas",
        "Bumbu Rendang Instan 60 gr",
        "Secara tradisional membantu meredakan pegal linu",
        "Membantu mengatasi masuk angin",
        "Garansi uang kembali jika barang rusak",
    ],
)
def test_not_claims(catalogue, text):
    assert find_claims(FieldText.of("description", text, catalogue), catalogue) == []


@pytest.mark.parametrize(
    "text, category",
    [
        ("Raja Sentosa Jamu Pegal Linu Serbuk isi 10", "obat_tradisional"),
        ("Kapsul Jahe Kunyit\nMengandung deksametason dan parasetamol", "obat_tradisional"),
        ("Vitamin C 1000 mg plus Zinc tablet", "suplemen_kesehatan"),
        ("Cream Malam Glowing racikan 15gr", "kosmetik"),
        ("Serum Niacinamide 20 ml", "kosmetik"),
        ("Kopi Kuat Lelaki 250 gr\nKomposisi: kopi robusta, gula, sildenafil", "pangan_olahan"),
        ("Jahe Instan Home Made 250 gr", "pangan_irt"),
        ("Alprazolam 0,5 mg isi 10 tablet", "obat"),
        ("misoprostol 200mcg obat telat haid", "obat"),
        ("Antasida Doen tablet kunyah", "obat"),
        ("Ready stok kak, kirim hari ini", None),
    ],
)
def test_category_inference(catalogue, text, category):
    assert infer_category(text, catalogue) == category
