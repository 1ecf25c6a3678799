"""Issue 7 at the level of check(): the product type decides the code, trade names stand for
their substances, and English or chat listings are read like Indonesian ones."""

from __future__ import annotations

import pytest

H, M, P, N = "hazardous_ingredient", "misleading_claim", "prescription_drug", "no_nie"


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # a drug substance inside a coffee, jamu, supplement, cosmetic or food: a BKO
        ("Kopi Stamina Pria Sachet", "Kopi kuat mengandung sildenafil", [H]),
        ("Kopi Lanang Jantan 10 sachet", "mengandung viagra asli", [H]),
        ("Jamu Kuat Pria Tahan Lama", "ramuan herbal + cialis", [H, N]),
        ("Suplemen Pelangsing Ultra Slim kapsul", "Mengandung sibutramin", [H, N]),
        ("Krim HN Malam", "h1dr0kuinon 4% + tretinoin", [H, N]),
        ("Permen Kopi Perkasa isi 20", "ada tadalafil di dalamnya", [H]),
        # a product of no known kind stating a drug as its ingredient below its headline
        ("Kapsul Gemuk Badan", "nafsu makan meningkat, mengandung siproheptadin", [H]),
        # English product words name the product type too
        ("Men power coffee", "with tadalafil, last all night", [H]),
        ("Weight loss tea", "contains sibutramine, lose 8 kg a month", [H, M]),
        ("Skin whitening soap", "with mercury for faster result", [H, N]),
        ("Skin whitening soap", "mercury free, safe for all skin", [N]),
        # the same words offered as the drug itself
        ("Ready stok kak", "alprazolam 1mg", [P, N]),
        ("Alprazolam 1mg", "mengandung alprazolam", [P, N]),
        ("jual tramadol 50mg strip", "", [P, N]),
        ("Jual Viagra 100mg isi 4 tablet", "kirim rahasia", [P, N]),
        ("Cialis 20mg original", "obat kuat pria", [P, N]),
        ("Tramadol 100mg for sale", "no prescription needed", [P, N]),
        ("t r a m a d o l ready gan", "", [P, N]),
        ("Trrraaammadol 50 mg", "tanpa resep", [P, N]),
        # negation, cautions and tests read as they are meant
        ("Kopi Jantan Sachet isi 10", "Original bukan KW, mengandung sildenafil", [H]),
        ("Krim Dokter Racikan 20gr", "Seperti produk dokter, mengandung hidrokinon 4%", [H, N]),
        ("Krim HN Super Whitening 30gr", "Hasil uji lab: merkuri positif", [H, N]),
        ("Whitening cream 30g", "contains mercury, fast result", [H, N]),
        ("Jamu Sehat Sentosa kapsul", "Bukan KW, obat segala penyakit", [M, N]),
        # hard negatives
        ("Sekar Ayu Beauty Krim Malam Collagen", "NA18301234567\nLulus uji lab bebas merkuri",
         []),
        ("Sekar Ayu Beauty Krim Malam Collagen",
         "NA18301234567\nHati-hati krim ilegal mengandung merkuri, produk kami bebas merkuri",
         []),
        ("Sekar Ayu Beauty Krim Malam Collagen",
         "NA18301234567\nkak ada merkurinya ga?\nga ada kak, bebas merkuri", []),
        ("Sekar Ayu Beauty Krim Malam Collagen",
         "NA18301234567\nMembantu melembapkan kulit, aman untuk kulit sensitif", []),
        ("Poster Planet Merkurius A3", "Poster tata surya edukasi anak", []),
        ("T r a m p o l i n mini anak 1 meter", "", []),
        ("Dextrose monohydrate 1 kg", "gula untuk minuman", []),
        ("Lampu Merkuri 250 Watt", "lampu jalan, fitting E40", []),
        ("Termometer Air Raksa Klasik", "termometer badan kaca", []),
        ("Barang Misterius", "mengandung merkuri", [H]),  # said to be in it: still a finding
    ],
)  # fmt: skip
def test_codes_of_listings_in_other_styles(verdict, title, description, expected):
    assert verdict(title, description).codes == sorted(expected)
