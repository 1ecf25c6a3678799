"""Issue 7: forbidden claims in other word orders, forms and English, beside the wordings a
product may use (claims.toml says which are which and why)."""

from __future__ import annotations

import pytest

from rules.claims import find_claims
from rules.mentions import FieldText


def claims(text: str, catalogue) -> set[str]:
    return {c.rule.id for c in find_claims(FieldText.of("description", text, catalogue), catalogue)}


@pytest.mark.parametrize(
    "text, rule",
    [
        ("putih seketika!!", "CLAIM-INSTANT"),
        ("Instant whitening in 3 days", "CLAIM-INSTANT"),
        ("Whitening permanent, kulit putih dlm 3 hari", "CLAIM-INSTANT"),
        ("whiter skin in 7 days", "CLAIM-INSTANT"),
        ("aman 100%, turun 5 kg seminggu", "CLAIM-SAFE"),
        ("aman 100%, turun 5 kg seminggu", "CLAIM-WEIGHT"),
        ("100% aman tanpa efek samping", "CLAIM-SAFE"),
        ("No side effects!", "CLAIM-SAFE"),
        ("without side effects", "CLAIM-SAFE"),
        ("Lose 10 kg in 2 weeks", "CLAIM-WEIGHT"),
        ("berat badan turun 7 kg", "CLAIM-WEIGHT"),
        ("Fat burner alami, membakar lemak perut", "CLAIM-WEIGHT"),
        ("bakar lemak tanpa olahraga", "CLAIM-WEIGHT"),
        ("tambah tinggi 10 cm dalam 1 bulan", "CLAIM-BODY"),
        ("Peninggi badan cepat, tinggi naik 5-10cm", "CLAIM-BODY"),
        ("grow taller 5 cm", "CLAIM-BODY"),
        ("menumbuhkan rambut botak dalam 2 minggu", "CLAIM-BODY"),
        ("Hair regrowth guaranteed, bald spots gone", "CLAIM-BODY"),
        ("Direkomendasikan dokter untuk penderita maag", "CLAIM-ENDORSED"),
        ("Disetujui BPOM sebagai obat pegal paling ampuh", "CLAIM-ENDORSED"),
        ("Dipercaya dokter, ampuh atasi rematik & asam urat", "CLAIM-ENDORSED"),
        ("Rekomendasi dokter! cegah kanker", "CLAIM-ENDORSED"),
        ("Recommended by doctors", "CLAIM-ENDORSED"),
        ("ampuh untuk asam urat, kolesterol, darah tinggi", "CLAIM-CURE"),
        ("Dipercaya dokter, ampuh atasi rematik & asam urat", "CLAIM-CURE"),
        ("cegah kanker dan diabetes", "CLAIM-CURE"),
        ("menyembuhkan diabetes tanpa obat dokter", "CLAIM-CURE"),
        ("membantu menyembuhkan diabetes", "CLAIM-CURE"),  # a hedge does not soften a cure
        ("Obat diabetes alami, ampuh turunkan gula darah", "CLAIM-CURE"),
        ("No side effects, cures covid", "CLAIM-CURE"),
        ("Clinically proven to cure acne", "CLAIM-CURE"),
        ("Bukan KW, obat segala penyakit", "CLAIM-PANACEA"),  # "bukan" negates KW
        ("Ori bukan palsu!! Menyembuhkan diabetes", "CLAIM-CURE"),
        ("bukan barang palsu ya kak, dijamin sembuh total", "CLAIM-CURE"),
        ("Cures all diseases", "CLAIM-PANACEA"),
        ("Hair regrowth guaranteed", "CLAIM-BODY"),
        ("Guaranteed results", "CLAIM-GUARANTEE"),
        ("Guaranteed slim in 2 weeks", "CLAIM-GUARANTEE"),
        ("auto putih, putih merata dalam 5 hari", "CLAIM-INSTANT"),
        ("Membakar kalori & lemak secara alami", "CLAIM-WEIGHT"),
        ("Para dokter merekomendasikan kopi ini", "CLAIM-ENDORSED"),
        ("Dipakai dokter anak, tinggi bertambah 7 cm", "CLAIM-ENDORSED"),
        ("Dipakai dokter anak, tinggi bertambah 7 cm", "CLAIM-BODY"),
        ("Rahasia kulit glowing, putih dalam 1 minggu", "CLAIM-INSTANT"),
        ("Turunkan berat badan 5kg dalam 10 hari", "CLAIM-WEIGHT"),
        ("Mengecilkan perut buncit dalam seminggu", "CLAIM-WEIGHT"),
        ("Wajah glowing cuma dalam 3 hari", "CLAIM-INSTANT"),
        ("Instantly whiter skin", "CLAIM-INSTANT"),
        ("Hilangkan flek hitam permanen", "CLAIM-INSTANT"),
        ("Menurunkan tekanan darah tinggi", "CLAIM-CURE"),
        ("Sembuh dari diabetes", "CLAIM-CURE"),
        ("Menghancurkan batu ginjal", "CLAIM-CURE"),
        ("Anti aging, awet muda selamanya", "CLAIM-GUARANTEE"),
        ("ampuh basmi jerawat dalam 3 hari", "CLAIM-INSTANT"),
        ("Putih ✨ seketika", "CLAIM-INSTANT"),  # emoji between the words of a claim
        ("100%💯 aman tanpa efek samping", "CLAIM-SAFE"),
        ("Obat segala 🔥 penyakit", "CLAIM-PANACEA"),
    ],
)
def test_claims_in_other_forms(catalogue, text, rule):
    assert rule in claims(text, catalogue)


@pytest.mark.parametrize(
    "text",
    [
        "Membantu memelihara kesehatan tulang dan gigi",
        "Membantu melembapkan kulit, aman untuk kulit sensitif",
        "100% original, uang kembali jika palsu",
        "Produk ORIGINAL 100%, bukan KW",
        "Bisa COD, 100% aman sampai tujuan",
        "Membantu mengurangi lemak tubuh, disertai diet dan olahraga",
        "Membantu mencerahkan kulit dengan pemakaian rutin",
        "Secara tradisional membantu meredakan pegal linu",
        "Membantu menurunkan kadar kolesterol, disertai pola makan sehat",
        "Membantu menumbuhkan rambut",
        "Terdaftar BPOM TR401112221",
        "Sudah BPOM, izin edar resmi",
        "Recommended by beauty influencers",
        "Konsultasikan dengan dokter sebelum minum",
        "Gunakan sesuai anjuran dokter",
        "Bukan obat. Tidak untuk mengobati penyakit",
        "Tidak dapat menyembuhkan penyakit",
        "Jamu Asam Urat Cap Gajah isi 30 kapsul",
        "Dermatologist tested, hypoallergenic",
        "Tinggi 170 cm, berat 60 kg (ukuran model)",
        "Lemak kakao asli, coklat premium",
        "Kopi bikin melek seharian",
        "Safe packaging, fast delivery",
        "Membakar kalori saat olahraga lebih efektif",
        "Auto kirim hari ini",
        "Paket rahasia, dijamin aman sampai",
        "Membantu menurunkan tekanan darah",
        "Stok hilang dalam 2 hari, buruan",
        "Kirim dalam 1 hari",
        "Meredakan maag",
        "Membantu mengatasi jerawat dalam pemakaian rutin",
    ],
)
def test_not_claims(catalogue, text):
    assert claims(text, catalogue) == set()
