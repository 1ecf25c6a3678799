"""Seeded synthetic NIE registry, public warnings and listings, for benchmarks and tests.

Indonesian-style brands ("Arum Mekar Herbal", "Amoksikarta"), every category of the NIE
table, and listings of every kind the rules tell apart (clean, unregistered, malformed,
borrowed, expired, warned, prescription, BKO, forbidden claim, no NIE), each with the codes
its template implies under "expected". The same seed always gives the same data.

    rows = generate_registry(500_000, seed=1)
    write_registry_csv(Path("registry.csv"), rows)
    warnings = generate_warnings(200, seed=1)
    listings = generate_listings(20_000, rows, seed=1, warnings=warnings)
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from rules.model import PublicWarning, RegistryProduct
from rules.tables import REGISTRY_COLUMNS, WARNING_COLUMNS


def _words(text: str) -> list[str]:
    return text.split()


def _phrases(text: str) -> list[str]:
    return text.split("|")


BRAND_FIRST = _words(
    "Arum Griya Melati Teratai Pelangi Warisan Dewi Kirana Padma Kembang Laras Cahaya Raja "
    "Taman Ayunda Embun Mentari Sekar Bunga Sari Putri Surya Bintang Nusa Citra Intan Mutiara "
    "Permata Cempaka Kenanga Anggrek Seroja Wijaya Sinar Rumah Bumi Tirta Candra Lintang Puspa "
    "Ratna Dewata Wangi Harum Sehat Segar Prima Mulia Agung Cipta Karya Mitra Sentosa Abadi "
    "Lestari Berkah Barokah Amanah Kasih Cinta Mawar Dahlia Kamboja Tanjung"
)
# first words the registry never uses: warned brands, and brands of unregistered listings
_OUTSIDE_FIRST = _words(
    "Lentera Pelita Samudra Gunung Rimba Pusaka Nagari Bahari Serayu Kahyangan Saujana Baskara "
    "Nirmala Anindya Kalingga Mahesa Sagara Wiwitan Jenggala Palapa"
)
WARNED_FIRST, UNREGISTERED_FIRST = _OUTSIDE_FIRST[:8], _OUTSIDE_FIRST[8:]
BRAND_SECOND = _words(
    "Mekar Kinasih Mulia Lestari Segar Wening Sentosa Raharja Harum Nusantara Ayu Jelita Utama "
    "Makmur Sejati Wijaya Dwipa Kencana Mandiri Anggun Berseri Pesona Rahayu Asri Ceria Prima "
    "Murni Alami Santika Gemilang Bening Sehat Indah Sari Jaya Abadi Permai Lancar Rezeki "
    "Sejahtera Nirwana Mahkota Perkasa Sakti Wibawa Kusuma Purnama Cemerlang Bahagia Damai "
    "Setia Teduh Tentram Sumber Karunia Anugerah Baru Muda Kartika Yasa"
)
SUFFIX = {
    "obat_tradisional": ("Herbal", "Herba", "Jamu", ""),
    "suplemen_kesehatan": ("Vita", "Nutri", "Health", ""),
    "kosmetik": ("Skincare", "Glow", "Beauty", "Cosmetics", "Skin"),
    "pangan_olahan": ("Food", "Snack", "Pangan", ""),
    "pangan_irt": ("Home Made", "Dapur", "Rumahan"),
    "obat_kuasi": ("Sehat", "Care"),
}
PRODUCTS = {
    "obat_tradisional": _phrases(
        "Jamu Pegal Linu|Jamu Masuk Angin|Kapsul Temulawak|Kapsul Sambiloto|Jamu Beras Kencur|"
        "Jamu Kunyit Asam|Minyak Urut|Minyak Telon|Minyak Kayu Putih|Balsem Gosok Herbal|"
        "Koyo Herbal Hangat|Param Kocok|Teh Herbal Langsing|Madu Herbal Anak|Sirup Herbal Batuk|"
        "Kapsul Habbatussauda|Kapsul Daun Sirsak|Kapsul Ekstrak Meniran|Jamu Habis Bersalin|"
        "Jamu Asam Urat|Jamu Sari Rapet|Kapsul Pasak Bumi|Serbuk Jahe Merah Herbal|"
        "Kapsul Kunyit Putih|Jamu Gatal Kulit|Tablet Herbal Pencernaan|Kapsul Jahe Kunyit|"
        "Jamu Tolak Angin|Kapsul Kumis Kucing|Jamu Galian Singset"
    ),
    "suplemen_kesehatan": _phrases(
        "Vitamin C 500 mg|Vitamin C 1000 mg|Vitamin D3 1000 IU|Vitamin E 400 IU|"
        "Kalsium Plus Vitamin D3|Zinc 20 mg|Magnesium Sitrat|Spirulina 500 mg|Biotin 5000 mcg|"
        "Lutein Plus|Multivitamin Anak Sirup|Multivitamin Dewasa|Omega 3 Fish Oil|Kolagen Drink|"
        "Zat Besi Plus Asam Folat|Propolis Tetes|Glukosamin Plus|Probiotik Sachet|"
        "Vitamin B Kompleks|Vitamin C Plus Zinc Tablet Hisap|Kalsium Anak Tablet Kunyah|"
        "Minyak Ikan Kapsul Lunak"
    ),
    "kosmetik": _phrases(
        "Krim Pencerah Wajah|Sheet Mask Aloe|Serum Vitamin C|Serum Niacinamide|Toner Hydrating|"
        "Micellar Water|Facial Wash Brightening|Sunscreen SPF 50 PA++++|Day Cream SPF 30|"
        "Night Cream|Body Lotion|Hand Cream|Lip Balm|Lipstik Satin|Maskara Waterproof|"
        "Bedak Padat|Bedak Tabur|Cushion Foundation|Eau de Parfum|Deodoran Roll On|"
        "Sampo Anti Ketombe|Hair Tonic Kemiri|Minyak Rambut Kemiri|Sabun Batang Beras|"
        "Sabun Muka Acne Care|Acne Spot Gel|Body Scrub Kopi|Pelembap Bayi|Lip Cream Matte"
    ),
    "pangan_olahan": _phrases(
        "Keripik Singkong Balado|Kecap Manis|Saus Sambal|Sambal Bawang|Kopi Bubuk Robusta|"
        "Teh Celup Melati|Teh Hijau Kemasan Botol|Susu UHT Cokelat|Biskuit Kelapa|"
        "Mi Instan Goreng Pedas|Nugget Ayam|Abon Sapi|Selai Srikaya|Permen Mint|Madu Murni|"
        "Minuman Serbuk Temulawak|Sereal Oat Instan|Bumbu Rendang Instan|Rendang Sapi Kaleng|"
        "Kacang Mete Panggang|Sirup Markisa|Jelly Drink Leci|Wafer Cokelat|Sosis Sapi"
    ),
    "pangan_irt": _phrases(
        "Kerupuk Ikan Tenggiri|Bawang Goreng|Rempeyek Kacang|Teh Rosella Kering|Kacang Bawang|"
        "Sambal Roa|Kue Nastar|Makaroni Pedas|Keripik Kaca|Bolu Kering Pandan|Kopi Bubuk Tubruk|"
        "Jahe Instan|Dodol Nanas|Emping Melinjo|Rengginang Ketan"
    ),
    "obat_kuasi": _phrases("Minyak Angin Aromaterapi|Hand Sanitizer Gel|Koyo Panas|Balsem Otot"),
}
VARIANTS = _words(
    "Original Pedas Manis Balado Keju Jagung Cokelat Stroberi Vanila Melon Mangga Jeruk Leci "
    "Anggur Mint Pandan Kelapa Durian Nanas Gold Premium Extra Kids Dewasa Lavender Rose Sakura "
    "Green Tea Madu Lemon Jahe Sereh Zaitun Aloe Oat Beras Kopi Susu Coklat"
)
# generic, strength, class letter (K/P/N prescription-only; B/T over the counter), form
DRUGS = (
    ("Amoksisilin", "500 mg", "K", "Kapsul"), ("Parasetamol", "500 mg", "B", "Tablet"),
    ("Ibuprofen", "200 mg", "T", "Tablet"), ("Ibuprofen", "400 mg", "K", "Tablet"),
    ("Tramadol HCl", "50 mg", "K", "Kapsul"), ("Alprazolam", "0,5 mg", "P", "Tablet"),
    ("Diazepam", "2 mg", "P", "Tablet"), ("Kodein Fosfat", "10 mg", "N", "Tablet"),
    ("Antasida Doen", "200 mg", "B", "Tablet Kunyah"), ("Loperamid HCl", "2 mg", "T", "Tablet"),
    ("Setirizin HCl", "10 mg", "T", "Tablet"), ("Loratadin", "10 mg", "T", "Tablet"),
    ("Metformin HCl", "500 mg", "K", "Tablet"), ("Amlodipin", "5 mg", "K", "Tablet"),
    ("Simvastatin", "10 mg", "K", "Tablet"), ("Omeprazol", "20 mg", "K", "Kapsul"),
    ("Deksametason", "0,5 mg", "K", "Tablet"), ("Asam Mefenamat", "500 mg", "K", "Tablet"),
    ("Siprofloksasin", "500 mg", "K", "Tablet"), ("Metronidazol", "500 mg", "K", "Tablet"),
    ("Kaptopril", "25 mg", "K", "Tablet"), ("Asam Askorbat", "250 mg", "B", "Tablet"),
    ("Kalsium Laktat", "500 mg", "B", "Tablet"), ("Dimenhidrinat", "50 mg", "T", "Tablet"),
    ("Klorfeniramin Maleat", "4 mg", "T", "Tablet"), ("Mikonazol Nitrat", "2%", "T", "Krim"),
    ("Domperidon", "10 mg", "K", "Tablet"), ("Salbutamol", "2 mg", "K", "Tablet"),
    ("Sildenafil Sitrat", "50 mg", "K", "Tablet"), ("Losartan Kalium", "50 mg", "K", "Tablet"),
    ("Ambroksol HCl", "30 mg", "T", "Tablet"), ("Simetikon", "40 mg", "B", "Tablet Kunyah"),
)  # fmt: skip
DRUG_SUFFIX = _words(
    "karta medi jaya tama sin zen farma nova mex vit lab gen dex pharm rin tin lin san fen dol "
    "cor fix max trim zol pan ron ton lex ven"
)
RX_UNREGISTERED = _phrases(
    "Tramadol 50 mg|Alprazolam 1 mg|Misoprostol 200 mcg|Trihexyphenidyl 2 mg|Riklona 2 mg|"
    "Dumolid 5 mg|Viagra 100 mg|Cialis 20 mg|Clonazepam 2 mg|Lorazepam 1 mg|Cytotec 200 mcg|"
    "Dexamethasone 0,5 mg|Amoxicillin 500 mg|Hexymer 2 mg|Tr4madol 100 mg|Valium 5 mg"
)
BKO_STATEMENTS = _phrases(
    "Mengandung sildenafil|Komposisi: ekstrak jahe, gula, tadalafil|Formula diperkuat deksametason|"
    "Dengan tambahan fenilbutazon|Mengandung sibutramin|Komposisi: kopi, gula, sildenafil sitrat|"
    "Mengandung parasetamol dan kafein anhidrat|Diperkuat piroksikam"
)
BANNED_STATEMENTS = _phrases(
    "Mengandung merkuri|Diperkuat hydroquinone|Dengan asam retinoat 0,05%|"
    "Mengandung hidrokuinon 4%|Pewarna merah K3|Mengandung rhodamin B"
)
FOOD_BANNED = _phrases("Pewarna rhodamin B|Diawetkan dengan boraks|Mengandung formalin")
CLAIMS = _phrases(
    "Obat segala penyakit|Menyembuhkan diabetes|100% aman tanpa efek samping|Dijamin sembuh total|"
    "Hasil instan dalam 3 hari|Putih permanen dalam 7 hari|Menyembuhkan kanker|"
    "Langsing tanpa diet"
)
NEGATIONS = _phrases(
    "Tanpa merkuri|Bebas hidrokinon|Tidak mengandung BKO|Bebas bahan kimia obat|"
    "Tanpa pengawet buatan|Tanpa pewarna buatan"
)
FILLER = _phrases(
    "READY STOCK KAK, langsung checkout aja ya|Kualitas terjaga, dikemas rapi|"
    "Simpan di tempat sejuk dan kering|Kirim via JNE, J&T, SiCepat, AnterAja|"
    "Bisa COD (bayar di tempat) untuk area tertentu|Reseller & dropshipper welcome|"
    "Pengiriman setiap hari jam 16.00 WIB|Cek ongkir dulu sebelum checkout ya|"
    "Produk ORIGINAL 100%, bukan KW|Jangan lupa follow toko kami|Happy shopping kak|"
    "Packing aman pakai bubble wrap + kardus|Harga grosir untuk agen, tanya admin dulu|"
    "Minggu dan tanggal merah libur kirim|Terima kasih sudah berbelanja|"
    "Order sebelum jam 14.00 dikirim hari yang sama|Tanya stok varian via chat ya"
)
PROMO = ("", "READY", "PROMO", "SALE", "COD", "TERMURAH", "BEST SELLER", "[ORI]", "GROSIR", "NEW")
TAIL = (
    "",
    "ORIGINAL",
    "Termurah",
    "Bisa COD",
    "Grosir Murah",
    "Kirim Cepat",
    "Ready Banyak",
    "Viral",
    "Kekinian",
    "Hits TikTok",
    "Free Gift",
    "Murah Meriah",
    "Stok Baru",
)
PLATFORMS = ("shopee", "tokopedia", "lazada", "bukalapak", "blibli", "tiktok", "instagram")

CATEGORY_SHARE = {
    "kosmetik": 0.25, "obat_tradisional": 0.20, "suplemen_kesehatan": 0.15,
    "pangan_olahan": 0.17, "pangan_irt": 0.07, "obat": 0.15, "obat_kuasi": 0.01,
}  # fmt: skip
NIE_PREFIXES = {
    "obat_tradisional": ("TR", "TI", "TL", "HT", "FF"), "suplemen_kesehatan": ("SD", "SI", "SL"),
    "kosmetik": ("NA", "NB", "NC", "ND", "NE"), "pangan_olahan": ("MD", "ML"),
    "pangan_irt": ("PIRT",), "obat_kuasi": ("QD", "QI", "QL"),
}  # fmt: skip
NIE_DIGITS = {"obat_tradisional": 9, "suplemen_kesehatan": 9, "kosmetik": 11, "obat_kuasi": 9,
              "pangan_irt": 15}  # fmt: skip
FOOD = ("pangan_olahan", "pangan_irt")


# --- big brands -------------------------------------------------------------------------------
# Real cosmetics and jamu houses register thousands of products whose names share most words
# ("<Brand> Brightening Serum Niacinamide 10% 20ml", "<Brand> Brightening Serum Vitamin C
# 30ml"): a listing names the brand and nearly every sibling's words. Their vocabulary is
# invented here and kept apart from the rule catalogue's.
BIG_BRANDS = {
    "kosmetik": _words(
        "Luminara Kireina Skinova Dermaya Velisha Aurelle Nayumi Claresse Solenne Bellamie "
        "Veronique Zenara Ophelle Marisca Jovanka Lunaria Serafine Adelisa Kalindra Noveya"
    ),
    "obat_tradisional": _phrases(
        "Sido Waras|Nyonya Sekar|Jago Raga|Mbok Darmi|Kuda Perkasa|Tiga Dewi|Empu Sakti|"
        "Ratu Jawi|Resi Tirta|Ki Ageng Sehat"
    ),
    "suplemen_kesehatan": _words("Vitaloka Nutrisana Imunova Biofera Vitamora Kalsiva"),
}
BIG_SHARE = {"kosmetik": 0.5, "obat_tradisional": 0.4, "suplemen_kesehatan": 0.3}
BIG_SIZES = (1_000, 5_000)
BIG_PARTS = {  # line, product type, active or flavour, strength, pack
    "kosmetik": (
        _phrases(
            "Brightening|Acne Care|Hydra Boost|Age Defense|Bright Renew|Calming|"
            "Daily Barrier|Radiance|Pore Refine|Deep Moist|Clear Skin|Youth Lab"
        ),
        _phrases(
            "Serum|Toner|Essence|Moisturizer|Gel Moisturizer|Facial Wash|Cleansing Oil|"
            "Cleansing Balm|Sunscreen Gel|Sleeping Mask|Clay Mask|Eye Cream|Day Gel|"
            "Body Serum|Lip Serum|Ampoule|Mist|Peeling Gel|Spot Treatment|Face Oil|"
            "Exfoliating Toner|Night Serum"
        ),
        _phrases(
            "Niacinamide|Vitamin C|Hyaluron|Ceramide|Centella|Salicylic|Alpha Arbutin|"
            "Peptide|Mugwort|Rice Water|Snail Mucin|Licorice|Green Tea|Tea Tree|"
            "Panthenol|Squalane|Bakuchiol|Propolis|Galactomyces|Birch Sap|Allantoin|"
            "Cica Madecassoside|Azelaic|Kombucha|Papaya Enzyme|Pink Clay"
        ),
        ("", "", "1%", "2%", "5%", "10%", "12%", "20%"),
        _phrases(
            "10ml|15ml|20ml|30ml|50ml|60 ml|100ml|150 ml|200ml|Travel Size 5ml|"
            "Refill Pouch 100ml|Twin Pack 2x30ml"
        ),
    ),
    "obat_tradisional": (
        ("Jamu", "Jamu", "Herbal", "Ramuan"),
        _phrases(
            "Pegal Linu|Masuk Angin|Kunyit Asam|Beras Kencur|Galian Putri|Sehat Wanita|"
            "Tenaga Pria|Temulawak|Jahe Merah|Sari Rapet|Sehat Lambung|Tidur Nyenyak|"
            "Nafsu Makan Anak|Batuk Pilek|Daya Tahan|Sendi Kuat|Kencing Lancar|"
            "Habis Bersalin|Wangi Tubuh|Gula Seimbang"
        ),
        _phrases(
            "Kunyit|Sambiloto|Meniran|Kayu Manis|Sereh|Cengkeh|Daun Salam|Kumis Kucing|"
            "Temu Ireng|Pegagan|Adas|Secang|Madu|Lada Hitam|Pasak Bumi|Purwoceng|"
            "Daun Katuk|Binahong"
        ),
        ("Kapsul", "Serbuk", "Cair", "Pil", "Tablet", "Sirup", "Seduh"),
        _phrases(
            "isi 10|isi 30|isi 60|5 sachet|12 sachet|20 sachet|Botol 60 ml|Botol 100 ml|"
            "Dus 7 gr|Pot 250 gr"
        ),
    ),
    "suplemen_kesehatan": (
        ("Daily", "Kids", "Active", "Senior", "Woman", "Men", "Pro"),
        _phrases(
            "Vitamin C|Vitamin D3|Vitamin E|Multivitamin|Kalsium|Zinc|Omega 3|Kolagen|"
            "Probiotik|Zat Besi|Magnesium|Spirulina|Biotin|Lutein|Propolis|Vitamin B"
        ),
        ("", "Plus Zinc", "Plus D3", "Kompleks", "Forte", "Gummy", "Effervescent", "Junior"),
        _phrases("100 mg|250 mg|500 mg|1000 mg|400 IU|1000 IU|5000 IU|20 mg"),
        _phrases("isi 10|isi 30|isi 60|isi 90|Botol 120 ml|Tube 20 tablet|Box 10 sachet"),
    ),
}
# product types none of the big brands makes: listings of them under a big brand's name are
# not registered products, however many words they share with the brand's catalogue
BIG_UNMADE = {
    "kosmetik": _phrases(
        "Lip Tint|Eyeliner Pen|Brow Pencil|Nail Polish|Setting Spray|"
        "Blush On|Loose Powder|Hair Mask"
    ),
    "obat_tradisional": _phrases("Minyak Gosok|Koyo Hangat|Param Kocok|Balsem Gosok"),
    "suplemen_kesehatan": _phrases("Madu Hutan|Susu Kambing Etawa|Sari Kurma|Minyak Zaitun"),
}


def _big_brand_rows(rng: random.Random, category: str, quota: int, used: set[str]) -> list:
    """`quota` rows from the category's big brands, 1,000 to 5,000 products each."""
    rows: list[RegistryProduct] = []
    for brand in BIG_BRANDS.get(category, ()):
        if len(rows) >= quota:
            break
        size = min(quota - len(rows), rng.randint(*BIG_SIZES))
        for product_name in _big_products(rng, category, brand, size):
            rows.append(_row(rng, category, brand, product_name, used))
    return rows


def _big_products(rng: random.Random, category: str, brand: str, size: int) -> list[str]:
    lines, kinds, actives, strengths, packs = BIG_PARTS[category]
    # each brand has a few product lines and a house set of actives, as real ranges do
    lines = rng.sample(lines, min(len(lines), rng.randint(3, 6)))
    actives = rng.sample(actives, rng.randint(min(8, len(actives)), len(actives)))
    chosen: set[str] = set()
    tries = 0
    while len(chosen) < size and tries < size * 6:
        tries += 1
        parts = (rng.choice(lines), rng.choice(kinds), rng.choice(actives),
                 rng.choice(strengths), rng.choice(packs))  # fmt: skip
        chosen.add(" ".join((brand, *(p for p in parts if p))))
    return sorted(chosen)


# --- registry -------------------------------------------------------------------------------
def generate_registry(n: int, seed: int = 0) -> list[RegistryProduct]:
    """`n` registry rows: every category; big brands of 1,000-5,000 products whose names share
    most words (a share of the cosmetics, jamu and supplements), then a long tail of brands."""
    rng = random.Random(seed)
    used: set[str] = set()
    quotas = {c: round(n * share) for c, share in CATEGORY_SHARE.items()}
    quotas["kosmetik"] += n - sum(quotas.values())
    rows: list[RegistryProduct] = []
    for category, quota in quotas.items():
        big = _big_brand_rows(rng, category, round(quota * BIG_SHARE.get(category, 0)), used)
        rows += big + _category_rows(rng, category, quota - len(big), used)
    rng.shuffle(rows)
    return rows


def _category_rows(rng: random.Random, category: str, quota: int, used: set[str]) -> list:
    rows: list[RegistryProduct] = []
    brands = _brands(rng, category)
    for brand in brands:
        if len(rows) >= quota:
            break
        # a long tail: most brands have a handful of products, a few have hundreds
        size = min(quota - len(rows), max(1, int(3 * rng.paretovariate(1.2))), 2_000)
        for product_name in _products(rng, category, brand, size):
            rows.append(_row(rng, category, brand, product_name, used))
    return rows


def _brands(rng: random.Random, category: str) -> list[str]:
    if category == "obat":
        stems = [(generic.split()[0][:5], generic) for generic, *_ in DRUGS]
        generic_words = {w.lower() for generic, *_ in DRUGS for w in generic.split()}
        brands = [f"{stem.capitalize()}{suffix}" for stem, _ in stems for suffix in DRUG_SUFFIX]
        brands = [b for b in brands if b.lower() not in generic_words]  # not "Tramadol"
        more = [f"{b} {second}" for b in brands for second in BRAND_SECOND]
        rng.shuffle(more)
        return brands + more
    suffixes = SUFFIX[category]
    brands = [
        " ".join(w for w in (first, second, suffix) if w)
        for first in BRAND_FIRST
        for second in BRAND_SECOND
        for suffix in suffixes
        if first != second
    ]
    rng.shuffle(brands)
    return brands


def _products(rng: random.Random, category: str, brand: str, size: int) -> list[str]:
    if category == "obat":
        stem = brand.split()[0][:5].lower()
        generics = [d for d in DRUGS if d[0].lower().startswith(stem)] or list(DRUGS)
        names = []
        for generic, strength, _, _ in generics:
            names.append(f"{brand} {generic} {strength}")
            names += [f"{brand} {generic} {strength} {v}" for v in ("Forte", "Plus", "Sirup")]
        return names[:size]
    pool = PRODUCTS[category]
    chosen: set[str] = set()
    tries = 0
    while len(chosen) < size and tries < size * 4:
        tries += 1
        product = rng.choice(pool)
        if rng.random() < 0.5:
            product += " " + rng.choice(VARIANTS)
        chosen.add(f"{brand} {product}")
    return sorted(chosen)


def _row(rng, category: str, brand: str, product_name: str, used: set[str]) -> RegistryProduct:
    klass = _drug_class(product_name) if category == "obat" else ""
    nie = _new_nie(rng, category, used, klass)
    issued = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 13 * 365))
    roll = rng.random()
    status = "valid" if roll < 0.85 else ("expired" if roll < 0.95 else "revoked")
    if status == "valid" and issued.year < 2021:
        issued = date(rng.randrange(2021, 2025), issued.month, min(issued.day, 28))
    expires = issued + timedelta(days=5 * 365 + 1)
    return RegistryProduct(nie, product_name, brand, category,
                           f"PT {rng.choice(BRAND_FIRST)} {rng.choice(BRAND_SECOND)} Indonesia",
                           _form(category, product_name), issued, expires, status)  # fmt: skip


def _drug_class(product_name: str) -> str:
    for generic, strength, klass, _ in DRUGS:
        if f" {generic} {strength}" in product_name:
            return klass
    return "B"


def _form(category: str, product_name: str) -> str:
    for generic, _, _, form in DRUGS if category == "obat" else ():
        if generic in product_name:
            return form
    return {"kosmetik": "Krim", "obat_tradisional": "Kapsul", "suplemen_kesehatan": "Tablet"}.get(
        category, "Kemasan"
    )


def _new_nie(rng: random.Random, category: str, used: set[str], klass: str = "") -> str:
    while True:
        if category == "obat":
            nie = (rng.choice("DG") + (klass or rng.choice("BT")) + rng.choice("LI")
                   + _digits(rng, 10) + rng.choice("ABC") + rng.choice("123"))  # fmt: skip
        elif category == "pangan_olahan":
            nie = rng.choice(NIE_PREFIXES[category]) + _digits(rng, rng.choice((12, 12, 15)))
        else:
            nie = rng.choice(NIE_PREFIXES[category]) + _digits(rng, NIE_DIGITS[category])
        if nie not in used:
            used.add(nie)
            return nie


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10 ** (count - 1), 10**count))


def write_registry_csv(path: Path, rows: Iterable[RegistryProduct]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REGISTRY_COLUMNS)
        for row in rows:
            data = row.as_dict()
            writer.writerow([data[c] or "" for c in REGISTRY_COLUMNS])


# --- public warnings ------------------------------------------------------------------------
def generate_warnings(n: int, seed: int = 0) -> list[PublicWarning]:
    """Warned products under brands the registry never uses; some carry a fictitious NIE."""
    rng = random.Random(seed + 7)
    out, seen = [], set()
    while len(out) < n:
        category = rng.choice(list(HAZARDS))
        brand = f"{rng.choice(WARNED_FIRST)} {rng.choice(BRAND_SECOND)}"
        product = f"{brand} {rng.choice(PRODUCTS[category])}"
        if product in seen:
            continue
        seen.add(product)
        fictitious = category not in FOOD and rng.random() < 0.4
        nie = _new_nie(rng, category, set()) if fictitious else ""
        published = date(2022, 1, 1) + timedelta(days=rng.randrange(900))
        out.append(PublicWarning(product, brand, nie, category, HAZARDS[category], published))
    return out


HAZARDS = {
    "kosmetik": "mengandung merkuri",
    "obat_tradisional": "mengandung sildenafil sitrat",
    "suplemen_kesehatan": "mengandung sibutramin",
    "pangan_olahan": "mengandung rhodamin B",
}


def write_warnings_csv(path: Path, rows: Iterable[PublicWarning]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(WARNING_COLUMNS)
        for row in rows:
            data = row.as_dict()
            writer.writerow([data[c] or "" for c in WARNING_COLUMNS])


# --- listings -------------------------------------------------------------------------------
KINDS = {  # template -> share of listings
    "clean_nie": 0.20, "clean_name": 0.10, "clean_negation": 0.05, "food_plain": 0.04,
    "unregistered": 0.07, "malformed": 0.05, "mismatch": 0.07, "expired": 0.06,
    "warning": 0.05, "rx_unregistered": 0.06, "hazardous": 0.08, "claim": 0.07, "no_nie": 0.08,
    "big_unmade": 0.01, "big_brandless": 0.01,
}  # fmt: skip


def generate_listings(
    m: int,
    registry: Sequence[RegistryProduct],
    seed: int = 0,
    warnings: Sequence[PublicWarning] = (),
) -> list[dict]:
    """`m` listing dicts (DESIGN.md listing JSON) with "expected" codes and a "kind".

    A listing that offers a registered product by its name also carries that row's NIE as
    "product_nie", the ground truth for name matching.
    """
    rng = random.Random(seed + 13)
    valid = [r for r in registry if r.status == "valid"]
    lapsed = [r for r in registry if r.status != "valid"]
    nondrug_valid = [r for r in valid if r.category not in ("obat", "obat_kuasi")]
    big_brands = {brand for brands in BIG_BRANDS.values() for brand in brands}
    big = [r for r in valid if r.brand in big_brands]
    registered = {r.nie for r in registry}
    taken = set(registered)  # registered NIEs plus the unregistered ones already invented
    kinds = [k for k in KINDS if (k != "warning" or warnings) and (big or not k.startswith("big"))]
    weights = [KINDS[k] for k in kinds]
    out = []
    for i in range(m):
        kind = rng.choices(kinds, weights)[0]
        maker = _MAKERS[kind]
        made = maker(rng, valid=valid, lapsed=lapsed, nondrug=nondrug_valid, big=big,
                     registered=registered, taken=taken, warnings=warnings)  # fmt: skip
        listing = _listing(rng, i, kind, *made[:3])
        if len(made) > 3:
            listing["product_nie"] = made[3]
        out.append(listing)
    return out


def _clean_nie(rng, valid, **_):
    row = rng.choice(valid)
    return _name(rng, row), [_nie_text(rng, row.nie)], _rx(row), row.nie


def _clean_name(rng, valid, **_):
    row = rng.choice(valid)
    return _name(rng, row), [], _rx(row), row.nie


def _clean_negation(rng, nondrug, **_):
    row = rng.choice(nondrug)
    return _name(rng, row), [_nie_text(rng, row.nie), rng.choice(NEGATIONS)], [], row.nie


def _food_plain(rng, **_):
    category = rng.choice(FOOD)
    return _new_product(rng, category), [], []


def _unregistered(rng, taken, **_):
    category = rng.choice([c for c in NIE_PREFIXES if c != "obat_kuasi"])
    nie = _new_nie(rng, category, taken)
    return _new_product(rng, category), [_nie_text(rng, nie)], ["unregistered_nie"]


def _malformed(rng, **_):
    category = rng.choice(["pangan_olahan", "pangan_irt", "obat_tradisional", "kosmetik"])
    prefix = rng.choice(NIE_PREFIXES[category])
    size = {"pangan_olahan": 12, "pangan_irt": 15}.get(category, NIE_DIGITS.get(category, 9))
    digits = _digits(rng, size + rng.choice((-3, -2, -1, 1, 2)))
    wording = rng.choice(("Terdaftar BPOM RI", "Reg. BPOM RI", "No. BPOM:", "Legal, BPOM",
                          "Sudah terdaftar BPOM dengan nomor"))  # fmt: skip
    expected = ["malformed_nie"] + ([] if category in FOOD else ["no_nie"])
    style = rng.random()
    if style < 0.5:  # glued, as most sellers print it
        text = f"{wording} {prefix}{digits}"
    elif style < 0.8:  # in groups of four, read whole: never cut down to a right count
        sep = rng.choice((" ", ".", "-"))
        text = f"{wording} {prefix}{sep}{_grouped(digits, 4, sep)}"
    elif not digits.startswith("628"):  # a bare code in capitals, no wording (not a phone)
        text = f"Ready stok {prefix}-{_grouped(digits, 3, '-')}"
    else:
        text = f"{wording} {prefix} {digits}"
    return _new_product(rng, category), [text], expected


def _mismatch(rng, nondrug, **_):
    row = rng.choice(nondrug)
    category = rng.choice([c for c in PRODUCTS if c != "obat_kuasi"])
    return _new_product(rng, category), [_nie_text(rng, row.nie)], ["nie_mismatch"]


def _expired(rng, lapsed, **_):
    row = rng.choice(lapsed)
    return _name(rng, row), [_nie_text(rng, row.nie)], ["expired_nie", *_rx(row)], row.nie


def _warning(rng, warnings, registered, **_):
    warning = rng.choice(warnings)
    title = _noisy(rng, warning.product_name)
    if warning.nie and warning.nie not in registered:
        return title, [_nie_text(rng, warning.nie)], ["public_warning", "unregistered_nie"]
    return title, [], ["public_warning"] + ([] if warning.category in FOOD else ["no_nie"])


def _rx_unregistered(rng, **_):
    name = rng.choice(RX_UNREGISTERED)
    return (
        _noisy(rng, f"{name} isi 10 tablet"),
        ["Bisa tanpa resep"],
        ["prescription_drug", "no_nie"],
    )


def _hazardous(rng, nondrug, **_):
    if rng.random() < 0.5:
        row = rng.choice(nondrug)
        pool = FOOD_BANNED if row.category in FOOD else (
            BANNED_STATEMENTS if row.category == "kosmetik" else BKO_STATEMENTS)  # fmt: skip
        lines = [_nie_text(rng, row.nie), rng.choice(pool)]
        return _name(rng, row), lines, ["hazardous_ingredient"], row.nie
    category = rng.choice(["obat_tradisional", "kosmetik", "pangan_olahan"])
    pool = {"kosmetik": BANNED_STATEMENTS, "pangan_olahan": FOOD_BANNED}.get(
        category, BKO_STATEMENTS
    )
    expected = ["hazardous_ingredient"] + ([] if category in FOOD else ["no_nie"])
    return _new_product(rng, category), [rng.choice(pool)], expected


def _claim(rng, nondrug, **_):
    row = rng.choice(nondrug)
    lines = [_nie_text(rng, row.nie), rng.choice(CLAIMS)]
    return _name(rng, row), lines, ["misleading_claim"], row.nie


def _no_nie(rng, **_):
    category = rng.choice(["obat_tradisional", "suplemen_kesehatan", "kosmetik"])
    return _new_product(rng, category), [], ["no_nie"]


def _big_unmade(rng, big, **_):
    """A big brand named on a product type it never made: not a registered product."""
    row = rng.choice(big)
    return _noisy(rng, f"{row.brand} {rng.choice(BIG_UNMADE[row.category])}"), [], ["no_nie"]


def _big_brandless(rng, big, **_):
    """A big brand's product name without the brand: nothing names a registered product."""
    row = rng.choice(big)
    return _noisy(rng, row.product_name.removeprefix(row.brand).strip()), [], ["no_nie"]


_MAKERS = {
    "clean_nie": _clean_nie, "clean_name": _clean_name, "clean_negation": _clean_negation,
    "food_plain": _food_plain, "unregistered": _unregistered, "malformed": _malformed,
    "mismatch": _mismatch, "expired": _expired, "warning": _warning,
    "rx_unregistered": _rx_unregistered, "hazardous": _hazardous, "claim": _claim,
    "no_nie": _no_nie, "big_unmade": _big_unmade, "big_brandless": _big_brandless,
}  # fmt: skip


def _rx(row: RegistryProduct) -> list[str]:
    return ["prescription_drug"] if row.category == "obat" and row.nie[1] in "KPN" else []


def _name(rng: random.Random, row: RegistryProduct) -> str:
    return _noisy(rng, row.product_name)


def _new_product(rng: random.Random, category: str) -> str:
    suffix = rng.choice(SUFFIX.get(category, ("",)))
    brand = " ".join(
        w for w in (rng.choice(UNREGISTERED_FIRST), rng.choice(BRAND_SECOND), suffix) if w
    )
    return _noisy(rng, f"{brand} {rng.choice(PRODUCTS[category])}")


def _noisy(rng: random.Random, name: str) -> str:
    text = " ".join(w for w in (rng.choice(PROMO), name, rng.choice(TAIL)) if w)
    roll = rng.random()
    return text.upper() if roll < 0.2 else text.lower() if roll < 0.4 else text


def _nie_text(rng: random.Random, nie: str) -> str:
    wording = rng.choice(("BPOM RI", "No. BPOM:", "Terdaftar BPOM", "Reg. BPOM RI", "POM",
                          "NIE", "bpom", "Sudah terdaftar No. POM:", "BPOM RI\n"))  # fmt: skip
    if nie.startswith("PIRT"):
        return f"P-IRT No. {nie[4:17]}-{nie[17:]}"
    if nie[0] in "DG" and nie[2] in "LIEX":
        return rng.choice((f"Reg. {nie}", f"No. Reg: {nie[:3]} {nie[3:13]} {nie[13:]}"))
    prefix, digits = nie[:2], nie[2:]
    style = rng.random()
    if style < 0.3:
        digits = ".".join(digits[i : i + 3] for i in range(0, len(digits), 3))
        return f"{wording} {prefix}.{digits}"
    if style < 0.5:
        return f"{wording} {prefix} {digits}"
    if style < 0.6:
        return f"{wording} {(prefix + digits).lower()}"
    if style < 0.7:
        return f"{wording} {prefix} {_grouped(digits, 4, rng.choice((' ', '-')))}"
    return f"{wording} {prefix}{digits}"


def _grouped(digits: str, size: int, sep: str) -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


def _noise(rng: random.Random) -> list[str]:
    def phone(sep: str) -> str:
        parts = (rng.randrange(11, 99), rng.randrange(1000, 9999), rng.randrange(1000, 9999))
        return "8" + sep.join(str(p) for p in parts)

    day = f"2025{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    extras = [
        f"Fast respon WA 0{phone('-')}",
        f"Info & pemesanan: +62 {phone(' ')}",
        f"Barcode: 899{_digits(rng, 10)}",
        f"Harga Rp{rng.randrange(10, 300)}.000 per pcs",
        f"Order ID contoh: INV/{day}/MPL/{_digits(rng, 10)}",
        f"Kode SKU: SKU-{rng.randrange(1000, 9999)}-{rng.randrange(100, 999)}",
        f"Kode SKU: {rng.choice(('SD', 'NA', 'MD', 'TR'))}-{rng.randrange(1000, 99999)}",
        f"Kemasan {rng.choice((100, 250, 500))} ml {rng.randrange(10, 300)}.000 aja",
        f"Sertifikat Halal ID{_digits(rng, 17)}",
        f"Exp. {rng.randrange(1, 13):02d}/20{rng.randrange(26, 29)}",
    ]
    return rng.sample(FILLER, 4) + rng.sample(extras, 3)


def _listing(rng, i: int, kind: str, title: str, lines: list[str], expected: list[str]) -> dict:
    body = _noise(rng) + lines
    rng.shuffle(body)
    if rng.random() < 0.15:  # no title: the name opens the description, as on social media
        body.insert(0, title)
        title = None
    platform = rng.choice(PLATFORMS)
    shop = f"{rng.choice(BRAND_FIRST)} {rng.choice(('Shop', 'Store', 'Official', 'Mart'))}"
    return {
        "id": f"S-{i:06d}",
        "url": f"https://{platform}.example/{shop.lower().replace(' ', '-')}/{i}",
        "platform": platform,
        "title": title,
        "description": "\n".join(body),
        "price": rng.randrange(10, 500) * 1000,
        "currency": "IDR",
        "seller": {
            "name": shop,
            "url": f"https://{platform}.example/{shop.lower()}",
            "location": "Kota Bandung",
            "phone": None,
        },
        "captured_at": "2025-06-01T08:00:00Z",
        "expected": sorted(set(expected)),
        "kind": kind,
    }


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
