"""A seller account's text read into identifiers, city and product mix (DESIGN §3 JSON -> Account).

Strong identifiers come from `rules.identifiers` (phones, e-mails, bank accounts, handles) and
from shop URLs: an account's own shop URL is one of its identifiers, so that another account
pointing at that shop ("Cek juga toko kami di ...") joins it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from rules.identifiers import THIRD_PARTY, extract_identifiers, names_a_service, normalize_phone
from rules.profiling.model import Account

# Hosts whose first path part(s) name a shop: host -> the path prefix before the slug.
_SHOP_PATHS = {
    "tokopedia.com": "", "shopee.co.id": "", "bukalapak.com": "u/", "lazada.co.id": "shop/",
    "blibli.com": "merchant/", "facebook.com": "", "shopee.com": "",
}  # fmt: skip
_HANDLE_HOSTS = {"instagram.com", "tiktok.com", "twitter.com", "x.com"}
# First path parts of a marketplace that are its own pages, not a shop.
_SITE_PAGES = {
    "help", "bantuan", "about", "login", "register", "search", "cart", "checkout", "p",
    "product", "products", "promo", "discovery", "category", "kategori", "terms", "privacy",
    "page", "pages", "groups", "events", "watch", "share", "hashtag", "explore", "reel", "reels",
}  # fmt: skip
# Hosts that never name a seller's own shop: chat links, mail providers, link shorteners.
_NOT_SHOPS = {
    "wa.me", "whatsapp.com", "api.whatsapp.com", "gmail.com", "yahoo.com", "yahoo.co.id",
    "hotmail.com", "outlook.com", "ymail.com", "bit.ly", "linktr.ee", "s.id", "google.com",
    "youtube.com", "t.me",
}  # fmt: skip
_URL = re.compile(
    r"(?<![@\w.-])(?:https?://)?(?:[a-z0-9-]+\.)+"
    r"(?:com|id|net|org|shop|store|online|site|xyz|biz|info|co|me)\b(?:/[^\s|,;()<>\"']*)?",
    re.IGNORECASE,
)

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
    r"(?:kirim(?:an)?\s+dari|dikirim\s+dari|lokasi|gudang|area|alamat|kota|domisili|📍)"
    r"[\s:]*(" + "|".join(CITIES) + r")\b",
    re.IGNORECASE,
)
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
    for identifier in extract_identifiers(text):
        found[(identifier.kind, identifier.value)] = None
    for identifier in own_shop_identifiers(shop_url):
        found[identifier] = None
    for identifier in shop_mentions(text):
        found.setdefault(identifier, None)
    return Account(
        id=id,
        platform=platform,
        shop_name=shop_name,
        shop_url=shop_url,
        city=city_of(text),
        identifiers=tuple(found),
        products=products_of(text),
    )


def own_shop_identifiers(url: str) -> list[tuple[str, str]]:
    """What an account's own shop URL says about it: the shop itself, a handle, a WhatsApp
    catalogue's number."""
    parts = _split(url)
    if parts is None:
        return []
    host, path, _ = parts
    if host == "wa.me" and path.startswith("/c/"):
        phone = normalize_phone(path[3:].split("/")[0])
        return [("phone", phone)] if phone else []
    key = shop_key(url)
    return [key] if key else []


def shop_mentions(text: str) -> list[tuple[str, str]]:
    """Shop URLs and site names written in the text (handles come from `rules.identifiers`)."""
    keys = []
    for match in _URL.finditer(text):
        key = shop_key(match.group(0).rstrip(".!?"))
        if key and key[0] == "shop_url":
            if names_a_service(text, *match.span()):
                key = (THIRD_PARTY + key[0], key[1])
            keys.append(key)
    return keys


def shop_key(url: str) -> tuple[str, str] | None:
    """A shop URL normalised: ("shop_url", "tokopedia.com/slug"), ("shop_url", "site.my.id"),
    or ("handle", "@name") for Instagram/TikTok/X profiles; None when it names no shop."""
    parts = _split(url)
    if parts is None:
        return None
    host, path, query = parts
    segments = [s for s in path.split("/") if s]
    if host in _HANDLE_HOSTS:
        if not segments:
            return None
        name = segments[0].removeprefix("@").rstrip(".")
        if name in _SITE_PAGES:
            return None
        return ("handle", "@" + name) if re.fullmatch(r"[a-z0-9_.]{2,30}", name) else None
    if host in _SHOP_PATHS:
        if host == "facebook.com" and segments[:1] == ["profile.php"]:
            ids = query.get("id")
            return ("shop_url", f"facebook.com/profile/{ids[0]}") if ids else None
        prefix = [s for s in _SHOP_PATHS[host].split("/") if s]
        if segments[: len(prefix)] != prefix or len(segments) <= len(prefix):
            return None
        if segments[len(prefix)] in _SITE_PAGES:
            return None
        return ("shop_url", f"{host}/{'/'.join([*prefix, segments[len(prefix)]])}")
    if host in _NOT_SHOPS or host.endswith(".whatsapp.com"):
        return None
    return ("shop_url", host)  # the seller's own site: the host is the shop


def _split(url: str) -> tuple[str, str, dict[str, list[str]]] | None:
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "web."):
        host = host.removeprefix(prefix)
    host = {"fb.com": "facebook.com", "tokopedia.co.id": "tokopedia.com"}.get(host, host)
    if "." not in host:
        return None
    return host, parts.path.lower(), parse_qs(parts.query)


def city_of(text: str) -> str:
    match = _CITY.search(text)
    return _CITY_NAMES[match.group(1).lower()] if match else ""


def products_of(text: str) -> tuple[str, ...]:
    found = {_CATEGORY_OF[word] for word in _PRODUCT.findall(text.lower())}
    return tuple(category for category in PRODUCT_WORDS if category in found)
