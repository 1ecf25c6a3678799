"""A seller account's text read into identifiers, city and product mix (DESIGN §3 JSON -> Account).

Strong identifiers come from `rules.identifiers` (phones, e-mails, bank accounts, handles, shop
URLs written in the text), and an account's own shop URL is one of its identifiers too, so that
another account pointing at that shop ("Cek juga toko kami di ...") joins it."""

from __future__ import annotations

import re

from rules.identifiers import extract_identifiers, normalize_phone, shop_key, split_url
from rules.profiling.boilerplate import spans_of
from rules.profiling.model import Account

CITIES = (
    "Jakarta Barat", "Jakarta Timur", "Jakarta Selatan", "Jakarta Utara", "Jakarta Pusat",
    "Jakarta", "Bogor", "Depok", "Tangerang Selatan", "Tangerang", "Bekasi", "Bandung",
    "Cimahi", "Cirebon", "Tasikmalaya", "Sukabumi", "Semarang", "Solo", "Surakarta",
    "Yogyakarta", "Jogja", "Magelang", "Purwokerto", "Tegal", "Pekalongan", "Surabaya",
    "Malang", "Sidoarjo", "Kediri", "Jember", "Madiun", "Denpasar", "Mataram", "Kupang",
    "Medan", "Binjai", "Pematangsiantar", "Padang", "Pekanbaru", "Batam", "Jambi",
    "Palembang", "Bengkulu", "Bandar Lampung", "Lampung", "Banda Aceh", "Pontianak",
    "Banjarmasin", "Balikpapan", "Samarinda", "Palangkaraya", "Makassar", "Manado", "Palu",
    "Kendari", "Gorontalo", "Ambon", "Ternate", "Jayapura", "Sorong", "Serang", "Cilegon",
    "Karawang", "Purwakarta", "Garut",
)  # fmt: skip
_CITY = re.compile(
    r"(?:kirim(?:an)?\s+dari|dikirim\s+dari|lokasi|gudang|area|alamat|kota|domisili|asal|"
    r"berlokasi\s+di|ready\s+(?:stock\s+|stok\s+)?di|toko\s+(?:kami\s+)?di|base(?:camp)?|"
    r"cod|📍|📌|🏠)"
    r"[\s:]*(" + "|".join(CITIES) + r")\b",
    re.IGNORECASE,
)
_ANY_CITY = re.compile(r"\b(" + "|".join(CITIES) + r")\b", re.IGNORECASE)
_CITY_NAMES = {city.lower(): city for city in CITIES}

# Product categories by the words that name them: "the same product mix" compares these.
PRODUCT_WORDS = {
    "obat_kuat": ("obat kuat", "perkasa", "tongkat ali", "men's health", "herbal pria"),
    "pelangsing": ("pelangsing", "slimming", "diet", "turun berat"),
    "pemutih": ("pemutih", "whitening", "glowing", "cream", "krim", "serum", "skincare"),
    "jamu": ("jamu", "racikan"),
    "suplemen": ("suplemen", "vitamin", "imun", "stamina"),
    "obat_keras": ("antibiotik", "obat keras", "tanpa resep", "no resep", "obat dokter"),
    "penenang": ("penenang", "obat tidur", "psikotropika"),
    "obat_bebas": ("maag", "nyeri", "demam", "flu"),
    "penyakit_kronis": ("asam urat", "kolesterol", "darah tinggi", "pegal", "diabetes"),
    "peninggi": ("peninggi", "penggemuk", "nafsu makan"),
}  # fmt: skip
_CATEGORY_OF = {word: category for category, words in PRODUCT_WORDS.items() for word in words}
_PRODUCT = re.compile("|".join(map(re.escape, sorted(_CATEGORY_OF, key=len, reverse=True))))


def account_from_text(id: str, platform: str, shop_name: str, shop_url: str, text: str) -> Account:
    """One DESIGN §3 seller account object read into what the linker compares."""
    found: dict[tuple[str, str], None] = {}
    for identifier in own_shop_identifiers(shop_url):
        found[identifier] = None
    for identifier in extract_identifiers(text):
        found.setdefault((identifier.kind, identifier.value), None)
    return Account(
        id=id,
        platform=platform,
        shop_name=shop_name,
        shop_url=shop_url,
        city=city_of(text),
        identifiers=tuple(found),
        products=products_of(text),
        spans=spans_of(text, set(found)),
    )


def own_shop_identifiers(url: str) -> list[tuple[str, str]]:
    """What an account's own shop URL says about it: the shop itself, a handle, a WhatsApp
    catalogue's number."""
    parts = split_url(url)
    if parts is None:
        return []
    host, path, _ = parts
    if host == "wa.me" and path.startswith("/c/"):
        phone = normalize_phone(path[3:].split("/")[0])
        return [("phone", phone)] if phone else []
    key = shop_key(url)
    return [key] if key else []


def shop_mentions(text: str) -> list[tuple[str, str]]:
    """Shop URLs and site names written in the text (third_party_shop_url beside a cue)."""
    return [
        (identifier.kind, identifier.value)
        for identifier in extract_identifiers(text)
        if identifier.kind.endswith("shop_url")
    ]


def city_of(text: str) -> str:
    """The shop's city: the first one written after a word saying where the shop is ("kirim
    dari", "lokasi", "📍" ...); else the only city the text names at all (a shop that names
    two without saying which is its own has none)."""
    match = _CITY.search(text)
    if match:
        return _CITY_NAMES[match.group(1).lower()]
    named = {_CITY_NAMES[found.lower()] for found in _ANY_CITY.findall(text)}
    return named.pop() if len(named) == 1 else ""


def products_of(text: str) -> tuple[str, ...]:
    found = {_CATEGORY_OF[word] for word in _PRODUCT.findall(text.lower())}
    return tuple(category for category in PRODUCT_WORDS if category in found)
