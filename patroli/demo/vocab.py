"""Word pools of the demo world: fictional brands, product types, sellers, listing phrases."""
# ruff: noqa: E501  (one vocabulary entry per line reads better than wrapped tuples)

from __future__ import annotations

from dataclasses import dataclass

# Brand words. All fictional; chosen apart from the rules-dev set so the demo is an
# independent second test set.
BRAND_FIRST = (
    "Sekar", "Bumi", "Rimba", "Wangi", "Sinar", "Puspa", "Tirta", "Candra", "Bayu",
    "Lintang", "Nawa", "Sasmita", "Gading", "Kenanga", "Cempaka", "Mirah", "Surya",
    "Banyu", "Ratna", "Tunjung", "Wulan", "Kusuma", "Seruni", "Asoka", "Permata",
    "Pandan", "Kemuning", "Jati", "Galih", "Dahayu", "Lembayung", "Gita", "Widya",
    "Tanjung", "Menur", "Sabda", "Anjani", "Sagara", "Gumilang", "Prabu",
)  # fmt: skip
BRAND_SECOND = (
    "Tentrem", "Permai", "Sembada", "Waskita", "Linuwih", "Widuri", "Sentana", "Prasada",
    "Wibawa", "Luhur", "Sakti", "Pratama", "Amerta", "Nirmala", "Baskara", "Ayom",
    "Rinonce", "Sukma", "Kahyangan", "Parahita", "Smara", "Dharma", "Loka", "Giri",
)  # fmt: skip
BRAND_SUFFIX = {
    "obat_tradisional": ("Husada", "Ramuan", "Herbs", "Usada"),
    "suplemen_kesehatan": ("Nutrisains", "Vitalindo", "Nutrilab", "Well"),
    "kosmetik": ("Beauty", "Derma", "Kosmetika", "Aesthetic"),
    "pangan_olahan": ("Boga", "Pangan", "Kitchen", "Rasa"),
    "obat_kuasi": ("Medika Kuasi", "Care", "Balsamindo"),
}
# Home-industry food is sold under the cook's name: "Pawon Mbok Sumi".
IRT_KITCHEN = ("Pawon", "Dapur", "Omah", "Griya Rasa", "Warung Camil")
IRT_TITLE = ("Bu", "Mbok", "Mak", "Cik", "Umi", "Ceu")
IRT_NAME = (
    "Sumi", "Tinah", "Warsih", "Endang", "Yati", "Rukmini", "Sundari", "Painem",
    "Lastri", "Juwariah", "Sarmi", "Kartini", "Ponirah", "Nining", "Eha", "Imas",
)  # fmt: skip
DRUG_BRAND_PREFIX = ("", "", "", "", "Neo", "Pro", "Vita", "Ultra", "Inter", "Sano", "Bio",
                     "Cito", "Opti", "Zeta", "Lumi", "Hexa")  # fmt: skip
DRUG_BRAND_SUFFIX = ("nova", "lex", "dra", "vel", "rin", "kor", "fort", "med", "sal", "tek",
                     "vin", "gen", "ra", "lin", "tas", "par", "zol", "mex", "tin", "fa")  # fmt: skip

REGISTRANT_WORDS = (
    "Anugerah", "Cipta", "Daya", "Karya", "Mitra", "Prakarsa", "Sarana", "Tunas",
    "Upaya", "Wahana", "Bina", "Graha", "Insan", "Lumbung", "Sendang",
)  # fmt: skip
REGISTRANT_KIND = {
    "obat": ("Farma", "Pharmaceutical Industries", "Laboratories"),
    "obat_tradisional": ("Jamu Nusantara", "Industri Obat Tradisional", "Herbal Indonesia"),
    "suplemen_kesehatan": ("Nutrisi Indonesia", "Health Products", "Suplemen Prima"),
    "kosmetik": ("Kosmetika Indonesia", "Cosmetic Industries", "Beauty Lab"),
    "pangan_olahan": ("Food Industries", "Pangan Sejahtera", "Makanan Indonesia"),
    "pangan_irt": ("Home Industry",),
    "obat_kuasi": ("Farma Kuasi", "Consumer Health"),
}


@dataclass(frozen=True)
class ProductType:
    """A kind of product: its name (after the brand), form, pack size and permitted wording."""

    name: str
    form: str
    size: str
    benefit: str


PRODUCT_TYPES: dict[str, tuple[ProductType, ...]] = {
    "obat_tradisional": (
        ProductType("Jamu Encok Pinggang", "Serbuk", "isi 10 sachet", "Secara tradisional membantu meredakan pegal di pinggang"),
        ProductType("Kapsul Temulawak", "Kapsul", "isi 30 kapsul", "Secara tradisional membantu memelihara nafsu makan"),
        ProductType("Kapsul Daun Sirsak", "Kapsul", "isi 60 kapsul", "Secara tradisional membantu memelihara daya tahan tubuh"),
        ProductType("Jamu Kunir Asem Serbuk", "Serbuk", "isi 12 sachet", "Secara tradisional membantu menyegarkan badan"),
        ProductType("Minyak Urut Gandapura", "Cairan Obat Luar", "botol 60 ml", "Secara tradisional membantu meredakan pegal otot"),
        ProductType("Kapsul Meniran Hijau", "Kapsul", "isi 40 kapsul", "Secara tradisional membantu memelihara kesehatan"),
        ProductType("Jamu Galian Singset", "Pil", "isi 20 pil", "Secara tradisional membantu merampingkan badan"),
        ProductType("Jamu Kuat Lelaki", "Kapsul", "isi 10 kapsul", "Secara tradisional membantu memelihara stamina pria"),
        ProductType("Kapsul Akar Alang-alang", "Kapsul", "isi 30 kapsul", "Secara tradisional membantu melancarkan buang air kecil"),
        ProductType("Jamu Sendi Linu Kapsul", "Kapsul", "isi 20 kapsul", "Secara tradisional membantu meredakan nyeri sendi"),
    ),
    "suplemen_kesehatan": (
        ProductType("Vitamin C 1000 mg", "Tablet Effervescent", "isi 10 tablet", "Membantu memenuhi kebutuhan vitamin C"),
        ProductType("Minyak Ikan Omega 3", "Kapsul Lunak", "isi 60 softgel", "Membantu memenuhi kebutuhan asam lemak omega 3"),
        ProductType("Kolagen Serbuk Stroberi", "Serbuk", "isi 15 sachet", "Membantu memenuhi kebutuhan kolagen"),
        ProductType("Zinc 20 mg", "Tablet", "isi 30 tablet", "Membantu memelihara daya tahan tubuh"),
        ProductType("Vitamin D3 1000 IU", "Kapsul Lunak", "isi 90 softgel", "Membantu memelihara kesehatan tulang"),
        ProductType("Glukosamin 500 mg", "Tablet", "isi 60 tablet", "Membantu memelihara kesehatan sendi"),
        ProductType("Zat Besi Plus Asam Folat", "Tablet", "isi 30 tablet", "Membantu memenuhi kebutuhan zat besi"),
        ProductType("Probiotik Sachet Anak", "Serbuk", "isi 10 sachet", "Membantu memelihara kesehatan saluran cerna"),
        ProductType("Multivitamin Dewasa", "Tablet", "isi 30 tablet", "Membantu memenuhi kebutuhan vitamin dan mineral"),
        ProductType("Ekstrak Daun Kelor 500 mg", "Kapsul", "isi 60 kapsul", "Membantu memelihara kesehatan tubuh"),
    ),
    "kosmetik": (
        ProductType("Day Cream SPF 30", "Krim", "15 gr", "Membantu melembapkan dan melindungi kulit dari sinar matahari"),
        ProductType("Night Cream Brightening", "Krim", "15 gr", "Membantu mencerahkan tampilan kulit"),
        ProductType("Toner Niacinamide", "Cairan", "100 ml", "Membantu menyegarkan kulit wajah"),
        ProductType("Lip Tint Cherry", "Cairan", "4 ml", "Memberi warna alami pada bibir"),
        ProductType("Sunscreen Gel SPF 50", "Gel", "50 ml", "Melindungi kulit dari paparan sinar UV"),
        ProductType("Shampo Lidah Buaya", "Cairan", "170 ml", "Membantu membersihkan rambut dan kulit kepala"),
        ProductType("Bedak Tabur Translucent", "Bedak", "20 gr", "Membantu menyamarkan minyak di wajah"),
        ProductType("Hand Body Lotion Susu", "Losion", "250 ml", "Membantu melembapkan kulit tubuh"),
        ProductType("Facial Wash Teh Hijau", "Sabun Cair", "100 ml", "Membantu membersihkan wajah dari kotoran"),
        ProductType("Eye Serum Kafein", "Serum", "15 ml", "Membantu merawat kulit di sekitar mata"),
    ),
    "pangan_olahan": (
        ProductType("Biskuit Gandum Madu", "Biskuit", "200 gr", "Camilan renyah untuk keluarga"),
        ProductType("Minuman Serbuk Cokelat", "Minuman Serbuk", "isi 10 sachet", "Nikmat diseduh hangat atau dingin"),
        ProductType("Kecap Manis Kedelai Hitam", "Kecap", "botol 275 ml", "Pas untuk masakan sehari-hari"),
        ProductType("Mi Kering Telur", "Mi Kering", "250 gr", "Cocok untuk mi goreng dan mi rebus"),
        ProductType("Susu Kedelai Kotak", "Minuman", "kotak 200 ml", "Minuman praktis untuk bekal"),
        ProductType("Sarden Saus Tomat", "Ikan Kaleng", "kaleng 155 gr", "Lauk praktis siap santap"),
        ProductType("Sirup Jeruk Nipis", "Sirup", "botol 460 ml", "Segar untuk takjil dan acara keluarga"),
        ProductType("Selai Stroberi", "Selai", "jar 170 gr", "Olesan roti untuk sarapan"),
        ProductType("Teh Celup Melati", "Teh", "isi 25 kantong", "Aroma melati yang harum"),
        ProductType("Minuman Serbuk Jahe Gula Aren", "Minuman Serbuk", "isi 8 sachet", "Hangat diminum malam hari"),
    ),
    "pangan_irt": (
        ProductType("Keripik Pisang Manis", "Keripik", "250 gr", "Renyah, dibuat dari pisang pilihan"),
        ProductType("Rempeyek Kacang Tanah", "Rempeyek", "toples 300 gr", "Gurih, cocok untuk teman makan"),
        ProductType("Sambal Bawang Botol", "Sambal", "botol 150 gr", "Pedasnya nampol, tahan 3 bulan"),
        ProductType("Kue Nastar Nanas", "Kue Kering", "toples 500 gr", "Selai nanas homemade"),
        ProductType("Abon Sapi Pedas", "Abon", "100 gr", "Daging sapi asli tanpa campuran"),
        ProductType("Dodol Durian", "Dodol", "250 gr", "Legit, oleh-oleh khas daerah"),
        ProductType("Kopi Bubuk Robusta Lampung", "Kopi Bubuk", "200 gr", "Sangrai medium, aroma kuat"),
        ProductType("Stik Bawang Keju", "Camilan", "250 gr", "Gurih renyah, tanpa pengawet tambahan"),
        ProductType("Kerupuk Udang Mentah", "Kerupuk", "500 gr", "Tinggal goreng, mekar sempurna"),
        ProductType("Madu Hutan Kemasan", "Madu", "botol 250 ml", "Dipanen dari hutan, dikemas higienis"),
    ),
    "obat_kuasi": (
        ProductType("Balsem Otot Hangat", "Balsem", "20 gr", "Membantu meredakan pegal dan nyeri otot"),
        ProductType("Koyo Hangat Aromaterapi", "Plester", "isi 10 lembar", "Membantu meredakan pegal linu"),
        ProductType("Minyak Angin Roll On", "Cairan Obat Luar", "10 ml", "Membantu meredakan masuk angin dan perut kembung"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Drug:
    """A drug substance sold as `obat`; `klass` is the NIE class letter (B, T, K, P, N)."""

    substance: str
    stem: str
    strength: str
    form: str
    size: str
    klass: str
    use: str


OTC_DRUGS = (
    Drug("Paracetamol", "Parase", "500 mg", "Tablet", "isi 10 tablet", "B", "Meredakan demam dan sakit kepala"),
    Drug("Ibuprofen", "Ibufe", "200 mg", "Tablet Salut", "isi 10 tablet", "T", "Meredakan nyeri ringan"),
    Drug("Klorfeniramin Maleat", "Klorfe", "4 mg", "Tablet", "isi 12 tablet", "T", "Meredakan gejala alergi"),
    Drug("Bromheksin HCl", "Brome", "8 mg", "Tablet", "isi 10 tablet", "T", "Membantu mengencerkan dahak"),
    Drug("Oralit", "Orali", "200 ml", "Serbuk", "isi 5 sachet", "B", "Mengganti cairan tubuh saat diare"),
    Drug("Vitamin B Kompleks", "Bekom", "", "Tablet", "isi 20 tablet", "B", "Membantu memenuhi kebutuhan vitamin B"),
    Drug("Gliseril Guaiakolat", "Glisa", "100 mg/5 ml", "Sirup", "botol 60 ml", "T", "Membantu meredakan batuk berdahak"),
)  # fmt: skip
# Prescription-only drugs. Registered brands of these exist in the demo registry; the
# street-sold ones below (`STREET_DRUGS`) are offered under their substance or slang name.
RX_DRUGS = (
    Drug("Tramadol HCl", "Trama", "50 mg", "Kapsul", "isi 10 kapsul", "K", "Untuk nyeri sedang sampai berat"),
    Drug("Amoxicillin", "Amoksi", "500 mg", "Kapsul", "isi 10 kapsul", "K", "Antibiotik, sesuai resep dokter"),
    Drug("Ciprofloxacin", "Sipro", "500 mg", "Tablet Salut", "isi 10 tablet", "K", "Antibiotik, sesuai resep dokter"),
    Drug("Dexamethasone", "Deksa", "0,5 mg", "Tablet", "isi 10 tablet", "K", "Kortikosteroid, sesuai resep dokter"),
    Drug("Metformin HCl", "Metfo", "500 mg", "Tablet", "isi 10 tablet", "K", "Untuk diabetes melitus tipe 2, sesuai resep dokter"),
    Drug("Amlodipine Besilate", "Amlo", "10 mg", "Tablet", "isi 10 tablet", "K", "Untuk hipertensi, sesuai resep dokter"),
    Drug("Cefadroxil", "Sefadro", "500 mg", "Kapsul", "isi 10 kapsul", "K", "Antibiotik, sesuai resep dokter"),
    Drug("Trihexyphenidyl HCl", "Triheksi", "2 mg", "Tablet", "isi 10 tablet", "K", "Sesuai resep dokter"),
    Drug("Alprazolam", "Alpra", "0,5 mg", "Tablet", "isi 10 tablet", "P", "Psikotropika, hanya dengan resep dokter"),
    Drug("Codeine Phosphate", "Kodei", "10 mg", "Tablet", "isi 10 tablet", "N", "Narkotika, hanya dengan resep dokter"),
)  # fmt: skip


@dataclass(frozen=True)
class StreetDrug:
    """How a prescription drug is offered without a brand: title words and a selling line."""

    title: str
    line: str
    substance: str


STREET_DRUGS = (
    StreetDrug("Tramadol 50mg strip isi 10", "Tramadol asli, efek mantap", "tramadol"),
    StreetDrug("Heximer 2 mg grosir", "Heximer (trihexyphenidyl) stok selalu ada", "trihexyphenidyl"),
    StreetDrug("Trihexyphenidyl 2mg isi 100 tablet", "Trihex murah, kirim rapi tanpa nama", "trihexyphenidyl"),
    StreetDrug("Misoprostol 200 mcg asli", "Misoprostol untuk telat bulan, konsultasi dulu", "misoprostol"),
    StreetDrug("Alprazolam 1 mg isi 10", "Alprazolam bikin tidur nyenyak", "alprazolam"),
    StreetDrug("Dexamethasone 0,5 mg eceran", "Dexamethasone penambah nafsu makan, 1 strip 10 tablet", "dexamethasone"),
    StreetDrug("Amoxicillin 500mg strip", "Amoxicillin antibiotik tanpa resep", "amoxicillin"),
    StreetDrug("Ciprofloxacin 500 mg murah", "Ciprofloxacin untuk infeksi, tanpa resep", "ciprofloxacin"),
    StreetDrug("Diazepam 5 mg", "Diazepam penenang, kirim aman", "diazepam"),
    StreetDrug("Obat Tidur Clonazepam 2mg", "Clonazepam ready, bisa COD", "clonazepam"),
)  # fmt: skip
NO_PRESCRIPTION_LINES = (
    "Bisa tanpa resep dokter",
    "Tanpa resep, langsung kirim",
    "Pengiriman rahasia, paket tanpa keterangan isi",
    "Resep tidak diperlukan",
)

# Drug substances (BKO) and banned ingredients, written as sellers write them.
BKO_LINES = {
    "obat_tradisional": (
        "Mengandung sildenafil sitrat, reaksi cepat",
        "Diperkuat fenilbutazon agar pegal cepat hilang",
        "Komposisi: ekstrak jahe, sambiloto, deksametason",
        "Ada tambahan parasetamol dan fenilbutazon",
        "Kandungan: purwoceng, tadalafil 20 mg",
        "Racikan dengan piroksikam biar linu langsung reda",
    ),
    "suplemen_kesehatan": (
        "Mengandung sibutramin, berat badan cepat turun",
        "Komposisi: ekstrak kopi hijau, sibutramin HCl",
        "Ditambah deksametason untuk menambah nafsu makan",
        "Formula dengan sildenafil untuk stamina",
    ),
    "kosmetik": (
        "Mengandung merkuri (mercury) jadi cepat putih",
        "Dengan hidrokuinon 4% untuk flek membandel",
        "Formula tretinoin 0,1% racikan dokter",
        "Ada kandungan hydroquinone dan asam retinoat",
        "Kandungan: mercury, niacinamide",
    ),
    "pangan_irt": (
        "Komposisi: kopi robusta, gula aren, sildenafil",
        "Ditambah tadalafil, khusus dewasa",
        "Pewarna rhodamin B biar merahnya cantik",
    ),
    "pangan_olahan": (
        "Komposisi: gula, ekstrak ginseng, sildenafil sitrat",
        "Mengandung boraks supaya lebih kenyal",
    ),
}
# Negations: the same substances named but denied; these must not be hits.
NEGATION_LINES = {
    "obat_tradisional": ("Bebas BKO (bahan kimia obat)", "Tanpa campuran bahan kimia obat", "Tidak mengandung deksametason"),
    "suplemen_kesehatan": ("Tanpa sibutramin", "Bebas BKO, aman dikonsumsi rutin sesuai anjuran"),
    "kosmetik": ("Tanpa merkuri & hidrokuinon", "Bebas merkuri, bebas mercury", "Tidak mengandung hydroquinone", "No mercury, no tretinoin"),
    "pangan_irt": ("Tanpa boraks, tanpa formalin", "Tanpa pewarna rhodamin B"),
    "pangan_olahan": ("Tanpa boraks dan formalin", "Bebas pewarna berbahaya"),
}  # fmt: skip
# Claims the rules forbid (cures a disease, "100% aman", guaranteed or instant results).
FORBIDDEN_CLAIMS = {
    "general": (
        "Obat segala penyakit",
        "Menyembuhkan diabetes dalam 2 minggu",
        "100% aman tanpa efek samping",
        "Dijamin sembuh total",
        "Menyembuhkan kanker dan tumor",
        "Menyembuhkan hipertensi tanpa obat dokter",
        "Menyembuhkan asam urat dan kolesterol",
        "Menyembuhkan stroke ringan",
        "Hasil instan, berat badan turun 10 kg seminggu",
    ),
    "kosmetik": (
        "100% aman tanpa efek samping",
        "Dijamin putih permanen dalam 7 hari",
        "Hasil instan, flek hitam hilang dalam 3 hari",
        "Menyembuhkan eksim dan psoriasis",
    ),
}
TITLE_PREFIX = (
    "",
    "",
    "",
    "PROMO ",
    "READY ",
    "ORI ",
    "[COD] ",
    "GROSIR ",
    "Diskon ",
    "Paket Hemat ",
)
TITLE_SUFFIX = (
    "",
    "",
    " Original",
    " Murah",
    " Ready Stok",
    " Termurah",
    " Best Seller",
    " Asli",
    " Bisa COD",
)
FILLER_LINES = (
    "Stok ready, langsung checkout saja kak",
    "Packing kardus + bubble wrap, dijamin aman sampai",
    "Pengiriman Senin-Sabtu, cut off jam 15.00",
    "Melayani reseller dan dropship",
    "Cek ulasan pembeli kami ya",
    "Order sebelum jam 13.00 dikirim hari ini",
    "Tanya stok dulu boleh, fast respon",
    "Kirim pakai JNE, J&T, SiCepat, Ninja",
    "Produk baru, kemasan segel",
    "Simpan di tempat kering, hindari sinar matahari",
    "Jangan lupa beri bintang 5 ya kak",
    "Harga grosir untuk pembelian minimal 1 lusin",
    "Barang dikirim dari gudang sendiri",
    "Free bubble wrap untuk semua pesanan",
)  # fmt: skip
CITIES = (
    "Kota Bandung", "Kota Medan", "Kab. Bogor", "Kota Surabaya", "Jakarta Barat", "Jakarta Timur",
    "Kota Malang", "Kota Semarang", "Kab. Sleman", "Kota Pekanbaru", "Kota Pontianak",
    "Kab. Banyumas", "Kota Kediri", "Kota Padang", "Kab. Tangerang", "Kota Bekasi", "Kab. Gresik",
    "Kota Banjarmasin", "Kota Manado", "Kota Jambi", "Kab. Jember", "Kota Tasikmalaya",
    "Kota Palu", "Kab. Lombok Timur", "Kota Kupang", "Kota Cimahi", "Kab. Klaten",
)  # fmt: skip

SHOP_FIRST = (
    "Lapak",
    "Kios",
    "Gudang",
    "Sentra",
    "Rumah",
    "Pojok",
    "Bilik",
    "Pusat",
    "Dunia",
    "Serba",
)
SHOP_MIDDLE = (
    "Sehat",
    "Ayu",
    "Herbal",
    "Glow",
    "Jamu",
    "Vitamin",
    "Camilan",
    "Farma",
    "Kulit",
    "Oleh2",
)
SHOP_LAST = (
    "Berkah",
    "Makmur",
    "Bahagia",
    "Official",
    "Store",
    "Mart",
    "88",
    "Nusa",
    "Barokah",
    "Jaya Abadi",
)
PERSON_NAMES = (
    "Siti Nurhaliza P", "Agus Salimun", "Dewi Kartikasari", "Rudi Hartanto", "Yuliani Sari",
    "Bambang Priyatno", "Nur Aini", "Hendra Gunawan S", "Wahyuni Lestiani", "Eko Prasetiyo",
    "Fitri Handayanti", "Joko Susanto W", "Maya Anggraeni", "Teguh Santoso", "Rina Marlina",
    "Slamet Riyadi P", "Ayu Wulandani", "Dedi Kurniadi", "Indah Permatasari", "Yusuf Maulana H",
)  # fmt: skip
BANKS = ("BCA", "BRI", "Mandiri", "BNI", "BSI")
MAIL_DOMAINS = ("posku.example", "surelnusa.example", "kirimsurat.example")
SHOP_TAGLINES = (
    "Menjual produk kesehatan dan kecantikan",
    "Jamu dan herbal pilihan keluarga",
    "Skincare murah meriah, ready stok",
    "Camilan khas daerah, produksi sendiri",
    "Suplemen dan vitamin harga grosir",
    "Obat-obatan dan alat kesehatan",
    "Kosmetik original, bisa COD",
)
