"""The registry-side codes on the fixture registry (see test_matcher.py for its rows):
a shown NIE is borrowed (nie_mismatch) only when the listing offers another product, brand
or kind of product; no_nie only for a health product that shows no number and names no
registered product. Positives beside hard negatives in each table."""

from __future__ import annotations

import pytest

from rules.borrowed import judge
from rules.names import ListingWords
from rules.text import name_tokens


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # borrowed: a sibling's number, with the brand named
        ("Sekar Ayu Beauty Toner Rose", "NA18301234567", ["nie_mismatch"]),
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234568", ["nie_mismatch"]),
        # ...beside the same product with its own number (hard negatives)
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567", []),
        ("Sekar Ayu Beauty Toner Rose 100 ml", "NA18301234568", []),
        # borrowed: another brand before the same product words, another product, another
        # registered product named, another kind of product
        ("Mawar Indah Krim Malam Collagen", "BPOM NA18301234567", ["nie_mismatch"]),
        ("Krim Pemutih Snow White 30 gr", "BPOM NA18301234567", ["nie_mismatch"]),
        ("Bumi Lestari Jamu Sehat Wanita", "NA18301234567", ["nie_mismatch"]),
        ("Sehat Wanita serum wajah", "POM TR301234567", ["nie_mismatch"]),
        ("Kopi Jahe Cap Banteng sachet", "BPOM RI MD301234567890", ["nie_mismatch"]),
        # own: named without the brand, by the brand's initials, or not named at all
        ("Krim Malam Collagen 30gr ORI", "NA18301234567", []),
        ("SAB Krim Malam Collagen", "BPOM NA18301234567", []),
        ("Parasetamol 500 mg strip isi 10", "DTL3012345679B1", []),
        ("Minyak Angin Aromaterapi roll on", "POM QD 301234567", []),
        ("Keripik Tempe Renyah 250 gr", "BPOM RI MD 301234567890", []),
        ("Ready kak", "BPOM NA18301234567", []),
        ("Halo kak ready lagi Krim Malam Collagen", "NA18301234567", []),
        ("Korea Krim Malam Collagen", "BPOM NA18301234567", []),
        ("Cantik Alami Krim Malam Collagen", "NA18301234567", []),
        ("Toner Wajah Segar", "NA18301234568", []),  # a toner, nothing else said
        ("Night Cream Collagen 30gr", "NA18301234567", []),  # its name in English
        ("Krim Malam Retinol", "NA18301234567", ["nie_mismatch"]),  # retinol, not collagen
        ("Serum Glow Ayu Beauty", "NA18301234567", ["nie_mismatch"]),  # the brand's tail only
        ("Collagen Krim Malam Wajah", "NA18301234567", []),  # another order
        ("Sirup parasetamol anak", "DTL3012345679B1", []),  # its name without "500 mg"
        ("Vitamin C Omega 3 Fish Oil", "SI301234568", []),
        # a strength the number is not registered for; a size is no strength
        ("Parasetamol 650 mg", "DTL3012345679B1", ["nie_mismatch"]),
        ("Parasimed Parasetamol 650 mg", "DTL3012345679B1", ["nie_mismatch"]),
        ("Parasetamol 500mg strip", "DTL3012345679B1", []),
        ("Nusa Prima Vita Omega 3 Fish Oil 100 kapsul", "SI301234568", []),
        ("Jamu Sehat Wanita kapsul", "POM TR 301234567", []),
        # with the brand: one telling word of the name is enough ("Keripik Tempe" of Citra
        # Rasa Food); a name of the brand sharing none of them is another product
        ("Tempe Citra Rasa Food 250gr", "MD301234567890", []),
        ("Citra Rasa Food Kacang Atom", "MD301234567890", ["nie_mismatch"]),
        # a brand introduced after the product words ("by", "merk", "cap")
        ("Krim Malam Collagen by Derma Putih", "NA18301234567", ["nie_mismatch"]),
        ("Krim Malam Collagen merk Mawar Indah", "NA18301234567", ["nie_mismatch"]),
        ("Krim Malam Collagen by Sekar Ayu Beauty", "NA18301234567", []),
    ],
)
def test_a_shown_number_is_borrowed_only_for_another_product(verdict, title, description, expected):
    assert list(verdict(title, description).codes) == expected


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # a bundle shows each product's own number; one number of a product not in the bundle
        # is borrowed
        ("Paket Sekar Ayu Beauty Krim Malam Collagen + Toner Rose",
         "Krim: NA18301234567\nToner: NA18301234568", []),
        ("Paket Nusa Prima Vita Omega 3 Fish Oil + Vitamin C 1000 mg",
         "SI301234568 & SD301234567", ["expired_nie"]),
        ("Paket Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567 dan NA18301234568",
         ["nie_mismatch"]),
        # a sibling named in passing, the number the product's own
        ("Sekar Ayu Beauty Toner Rose", "cocok dengan krim malam collagen kami\nNA18301234568",
         []),
        ("Nusa Prima Vita Omega 3 Fish Oil", "lebih hemat dari vitamin c kami\nSI301234568", []),
        # ...but named instead of the number's own product, it was borrowed
        ("Nusa Prima Vita Omega 3 Fish Oil", "SD301234567", ["nie_mismatch"]),
    ],
)  # fmt: skip
def test_bundles_and_siblings(verdict, title, description, expected):
    assert list(verdict(title, description).codes) == expected


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # a typo digit or a wrong prefix matching no row: unregistered, not borrowed
        ("Sekar Ayu Beauty Krim Malam Collagen", "BPOM NA18301234576", ["unregistered_nie"]),
        ("Bumi Lestari Jamu Sehat Wanita", "POM TI301234567", ["unregistered_nie"]),
        ("Bumi Lestari Jamu Sehat Wanita", "POM TR 30123456", ["malformed_nie"]),
        # the number printed every way, glued to wording or words, with dashes of any kind
        ("Sekar Ayu Beauty Krim Malam Collagen", "BPOMNA18301234567", []),
        ("Sekar Ayu Beauty Krim Malam Collagen", "BPOM NA\u20131830\u20131234\u2013567", []),
        ("Bumi Lestari Jamu Sehat Wanita", "No Reg POM : TR \u2013 301 234 567", []),
        ("Dapur Bunda Sambal Bawang", "PIRT: 3012345678901 - 23", []),
        ("Citra Rasa Food Keripik Tempe", "bpom ri md301234567890exp2027", []),
        ("Kopi Gula Aren literan", "bpom ri md224411330099exp2027", ["unregistered_nie"]),
        # expired or revoked, by the number or by the name alone
        ("Bumi Lestari Jamu Linu Tulang", "Reg POM TR 301.234.568", ["expired_nie"]),
        ("Nusa Prima Vita Vitamin C 1000 mg", "sudah BPOM", ["expired_nie"]),
    ],
)
def test_numbers_in_every_writing(verdict, title, description, expected):
    assert list(verdict(title, description).codes) == expected


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # no_nie: a health product, no number, no registered product named
        ("Serum wajah glowing 20 ml", "tekstur ringan", ["no_nie"]),
        ("Serum botol kaca 20 ml", "pipet", ["no_nie"]),
        ("Kapsul Herbal Pelangsing Sari Rimba", "isi 30 kapsul", ["no_nie"]),
        ("Serum Jerawat Acne Fighter", "Original BPOM 125.000 free ongkir", ["no_nie"]),
        # hard negatives: no health product, food, a registered product named
        ("Botol serum kosong 20 ml pipet kaca", "untuk isi ulang", []),
        ("Rak kosmetik akrilik 3 susun", "muat lipstik dan skincare", []),
        ("Tempat sabun kayu jati", "untuk kamar mandi", []),
        ("Kaos Skincare Addict", "katun combed 30s", []),
        ("Mainan Slime Glowing Anak", "aman untuk anak", []),
        # goods BPOM does not register: household, pesticide, masks, pets and livestock
        ("Sabun Cuci Piring Jeruk Nipis 800 ml", "", []),
        ("Obat Nyamuk Bakar 10 pcs", "", []),
        ("Masker Kain 3 ply isi 50", "", []),
        ("Shampoo Kucing Anti Kutu 250 ml", "", []),
        ("Vitamin Ayam Petelur 100 gr", "", []),
        ("Pakan Burung Vitamin Plus", "", []),
        # ...beside their look-alikes that need an NIE
        ("Jamu Kumis Kucing kapsul", "isi 30", ["no_nie"]),
        ("Sabun Muka Jeruk Nipis 100 ml", "", ["no_nie"]),
        ("Vitamin C 1000 mg isi 30", "", ["no_nie"]),
        # slimming teas, fertility honeys and turtle oil need an NIE; a slimming corset none
        ("Teh Pelangsing Detox", "isi 20 kantong", ["no_nie"]),
        ("Madu Penyubur Kandungan", "", ["no_nie"]),
        ("Minyak Bulus Asli 30 ml", "", ["no_nie"]),
        ("Korset Pelangsing Perut", "bahan lentur", []),
        ("Keripik Singkong Balado homemade", "renyah", []),
        ("Sekar Ayu Beauty Toner Rose", "sudah BPOM ya kak", []),
        ("Bumi Lestari Jamu Sehat Wanita", "BPOM \u2705 halal \u2705", []),
    ],
)
def test_no_nie_only_for_health_products(verdict, title, description, expected):
    assert list(verdict(title, description).codes) == expected


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # a brand named in full and a word only one of its products has: that product
        ("Sekar Ayu Beauty Collagen", "sudah bpom", []),
        ("Sekar Ayu Beauty Rose 100ml", "", []),
        ("Bumi Lestari Linu", "pegal hilang", ["expired_nie"]),  # the only "linu": expired
        # a word the brand's products do not have, or only a generic one: no product named
        ("Sekar Ayu Beauty Serum Retinol", "", ["no_nie"]),
        ("Bumi Lestari Jamu kapsul", "", ["no_nie"]),
        ("Ayu Collagen serum", "", ["no_nie"]),  # the brand only in part
    ],
)
def test_a_brand_and_a_word_of_its_own_name_the_product(verdict, title, description, expected):
    assert list(verdict(title, description).codes) == expected


def test_a_borrowed_number_says_why(verdict):
    hit = verdict("Mawar Indah Krim Malam Collagen", "BPOM NA18301234567").hits[0]
    assert hit.code == "nie_mismatch"
    assert "merek lain di judul: mawar indah" in hit.evidence.note


@pytest.mark.parametrize(
    "headline, own",
    [
        ("Sekar Ayu Beauty Krim Malam Collagen", True),
        ("Promo ORI Krim Malam Collagen", True),
        ("SAB Krim Malam Collagen", True),
        ("Mawar Indah Krim Malam Collagen", False),
    ],
)
def test_judge_reads_the_headline_before_the_product_words(registry, catalogue, headline, own):
    row = registry.lookup("NA18301234567")
    words = ListingWords(ordered=name_tokens(headline))
    candidate = registry.compare(row, words)
    named = registry.identify(words)
    got = judge(candidate, named, words, name_tokens(headline), catalogue, lambda: (None, {}))
    assert got.own is own
