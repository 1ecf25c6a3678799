"""Seller identifiers in free text: phone/WhatsApp numbers, e-mails, bank accounts, handles,
shop URLs.

Normalized so that the same number written `0812-3456-7890`, `+62 812 3456 7890`,
`wa.me/6281234567890`, `O812 3456 789O` or `nol delapan satu dua ...` is one value
(`+6281234567890`): the key that links accounts across platforms to one actor.

A number, e-mail or bank account written next to words for somebody else's service — a
marketplace's customer service, a courier, an escrow (rekber), a complaints desk, a template
("contoh") — is not the seller's own: it comes out with the kind `third_party_<kind>` so that
it is kept (and counted) but never links accounts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

BANKS = {
    "bca": "bca", "bri": "bri", "bni": "bni", "mandiri": "mandiri", "bsi": "bsi",
    "cimb": "cimb", "cimb niaga": "cimb", "danamon": "danamon", "permata": "permata",
    "btn": "btn", "bjb": "bjb", "ocbc": "ocbc", "maybank": "maybank", "jago": "jago",
    "seabank": "seabank", "btpn": "btpn", "jenius": "btpn", "muamalat": "muamalat",
}  # fmt: skip
THIRD_PARTY = "third_party_"

_SEP = r"(?:\s*[.\-–/]\s*|\s+)?"
# Indonesian mobile numbers: 08.. / +62 8.. / 62 8.., 9 to 12 digits after the 0 or 62.
_PHONE = re.compile(
    rf"(?<![\w+/])\(?(?:\+{_SEP}62\)?{_SEP}\(?0?|62|0){_SEP}8\d{{1,2}}\)?(?:{_SEP}\d){{6,10}}(?!\d)",
)
# `WA 812-3456-7890`: the trunk 0 left out, said to be a number by the word before it
_BARE_MOBILE = re.compile(
    rf"\b(?:wa|whatsapp|telp|tlp|telepon|hp|no\.?\s*hp|call|sms|hub(?:ungi)?|kontak|contact)"
    rf"\W{{0,3}}(8\d{{1,2}}(?:{_SEP}\d){{6,10}})(?!\d)",
    re.IGNORECASE,
)
_WA_LINK = re.compile(
    r"(?:wa\.me/(?:c/)?|api\.whatsapp\.com/send/?\?phone=|whatsapp\.com/send\?phone=)"
    r"\+?(\d{9,15})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# `nama [at] gmail [dot] com`, `nama(at)gmail.com`: written so that scrapers miss them
_AT = re.compile(r"\s*[\[({]\s*(?:at|et)\s*[\])}]\s*|(?<=\w)\s+@\s+(?=\w)", re.IGNORECASE)
_DOT = re.compile(
    r"\s*[\[({]\s*(?:dot|titik)\s*[\])}]\s*|(?<=\w)\s+\.\s+(?=(?:com|co|id|net|org)\b)",
    re.IGNORECASE,
)
# `nama at gmail dot com`: bare words, trusted only around a known mail provider
_WORDY_MAIL = re.compile(
    r"\b([\w.+-]+)\s+(?:at|et)\s+(gmail|yahoo|ymail|hotmail|outlook|icloud)"
    r"\s+(?:dot|titik)\s+(com|co\s*(?:dot|titik|\.)\s*id)\b",
    re.IGNORECASE,
)
_BANK = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, BANKS), key=len, reverse=True)) + r")\b"
    r"[\s:.,-]*(?:(?:no\.?|nomor|rek(?:ening)?\.?|acc(?:ount)?\.?)[\s:.,-]*)*"
    r"(\d(?:[\s.-]?\d){6,17})(?!\d)",
    re.IGNORECASE,
)
# the number first: `No. rek 1234567890 (BCA)`, `norek 1234567890 - Mandiri`
_BANK_AFTER = re.compile(
    r"\b(?:no\.?\s*rek(?:ening)?|norek|rekening|rek)\.?[\s:]*(\d(?:[\s.-]?\d){6,17})(?!\d)"
    r"\s*[(\-–/]?\s*(" + "|".join(sorted(map(re.escape, BANKS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# `IG: tokoku`, `TikTok : toko.ku`: a handle named by its platform, without the @
_NAMED_HANDLE = re.compile(
    r"\b(?:ig|insta(?:gram)?|tiktok|tt|twitter)\s*[:：]\s*@?([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))\b",
    re.IGNORECASE,
)
_PROFILE_LINK = re.compile(
    r"(?:instagram\.com|tiktok\.com|twitter\.com|x\.com|t\.me)/@?([A-Za-z0-9_.]{2,30})",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@])")

# A price (`Rp 081.000`) or a date run into the digits after it is not a number to call.
_PRICE_OR_DATE = re.compile(r"(?:Rp|IDR)\.?\s*\(?[0O]|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE)
# A registration number (NIE) whose digits happen to start with 08: `POM TR 083456789012`.
_NIE_BEFORE = re.compile(
    r"\b(?:N[A-E]|M[DL]|T[RI]|S[DI]|FF|QD|DKL|DBL|POM|BPOM|Reg|Notif|P-?IRT|SPP-?IRT)\.?\s*$",
    re.IGNORECASE,
)
# Letters written for digits inside a number (`O812-3456-789O`, `08l2`): only where a letter
# touches a digit, so words stay words.
_LOOKALIKE = str.maketrans("OoIl", "0011")
_LOOKALIKE_RUN = re.compile(r"[0-9OoIl]*\d[0-9OoIl]*")
_DIGIT_WORDS = {
    "nol": "0", "kosong": "0", "satu": "1", "dua": "2", "tiga": "3", "empat": "4",
    "lima": "5", "enam": "6", "tujuh": "7", "delapan": "8", "sembilan": "9",
}  # fmt: skip
_DIGIT_WORD = "|".join(_DIGIT_WORDS)
_SPELLED_RUN = re.compile(
    rf"(?:\b(?:{_DIGIT_WORD})\b|\d)(?:[\s.\-]*(?:\b(?:{_DIGIT_WORD})\b|\d)){{8,}}", re.IGNORECASE
)

# Words that say a number belongs to somebody else's service, in Indonesian and English.
_PLATFORMS = (
    r"(?:marketplace|platform|tokopedia|shopee|lazada|bukalapak|blibli|tiktok\s*shop|tiktok)"
)
_CUES = re.compile(
    r"\b(?:"
    # a marketplace's own desk
    rf"(?:cs|admin|layanan|tim|pusat\s+bantuan)\s+{_PLATFORMS}"
    rf"|{_PLATFORMS}\s+(?:care|cs|help|bantuan|support)"
    r"|customer\s+(?:service|care|support)|call\s*cent(?:er|re)|help\s*(?:desk|center|centre)"
    r"|hotline|pusat\s+bantuan|bantuan\s+pesanan|layanan\s+(?:pelanggan|konsumen)"
    r"|(?:info|masalah|keamanan)\s+akun|no-?reply"
    # complaints
    r"|kendala(?:\s+pesanan)?|masalah\s+pesanan|keluhan|komplain|complain(?:t|ts)?|pengaduan"
    r"|retur|refund"
    # couriers
    r"|kurir|courier|ekspedisi|expedition|resi|pick\s*-?up|pengiriman|shipping|tracking"
    r"|lacak|ongkir|jne|j&t|jnt|sicepat|anteraja|ninja\s+xpress|pos\s+indonesia|tiki"
    r"|lion\s+parcel|gosend|grab\s*express|driver|ojol|gojek"
    # escrow
    r"|rekber|rekening\s+bersama|escrow|middleman|pihak\s+ketiga|penengah"
    # warnings about numbers that are not the seller's
    r"|penipu(?:an)?|scam|bukan\s+(?:nomor|no|admin|milik|kami)|fake|(?:toko|akun)\s+palsu"
    # templates
    r"|contoh|example|template|misal(?:nya)?|format\s+order|sample|dummy"
    # the maker of a shop's website, printed on every site it made
    r"|powered\s+by|(?:made|developed|designed|design)\s+(?:by|with)|dibuat\s+(?:oleh|dengan)"
    r"|jasa\s+(?:pembuatan\s+)?(?:website|web|toko\s+online)"
    r")\b",
    re.IGNORECASE,
)
# A clause: the stretch of text between separators in which a cue speaks about a number.
_CLAUSE_BREAK = re.compile(r"\n|//|[|•;,]|\s[—–-]\s|[\U0001F000-\U0001FFFF\u2600-\u27BF]")
_OTHER_NUMBER = re.compile(r"\d(?:[\s.\-]?\d){5,}|\S+@\S+")
_NO_REPLY = re.compile(r"(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster)@")
# E-mail domains of the marketplaces themselves: their addresses are the platform's.
_PLATFORM_MAIL = re.compile(
    r"@(?:[\w-]+\.)*(?:tokopedia|shopee|lazada|bukalapak|blibli|tiktok|[\w-]*marketplace[\w-]*)\.",
    re.IGNORECASE,
)


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
    "youtube.com", "t.me", "wikipedia.org", "halodoc.com", "alodokter.com", "pom.go.id",
}  # fmt: skip
# Government, school and research sites: cited, never a seller's shop.
_NOT_SHOP_SUFFIXES = (".go.id", ".ac.id", ".sch.id", ".mil.id", ".whatsapp.com")
_URL = re.compile(
    r"(?<![@\w.-])(?:https?://)?(?:[a-z0-9-]+\.)+"
    r"(?:com|id|net|org|shop|store|online|site|xyz|biz|info|co|me)\b(?:/[^\s|,;()<>\"']*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: str  # phone | email | bank_account | handle | shop_url, or third_party_<kind>
    value: str  # normalized
    raw: str  # as written
    start: int = -1  # where it was written in the text it came from (the scanned form)


def normalize_phone(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("62"):
        national = digits[2:]
        if national.startswith("08"):  # `+62 0812...`: the trunk 0 written after the country code
            national = national[1:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    return "+62" + national


def normalize_email(raw: str) -> str:
    return raw.strip(".").lower()


def extract_identifiers(text: str) -> list[Identifier]:
    """Every identifier in the text, each once, in order of kind then appearance."""
    found: dict[tuple[str, str], Identifier] = {}
    # full-width and circled digits, keycap emoji (0️⃣8️⃣...): plain characters first
    text = unicodedata.normalize("NFKC", text.replace("\ufe0f\u20e3", "").replace("\u20e3", ""))

    def keep(kind: str, value: str | None, raw: str, start: int) -> None:
        if not value:
            return
        own, other = (kind, value), (kind.removeprefix(THIRD_PARTY), value)
        if kind.startswith(THIRD_PARTY) and other in found:
            return  # the seller's own number, also mentioned beside a cue
        if own not in found:
            found[own] = Identifier(kind, value, raw, start)
            if not kind.startswith(THIRD_PARTY):
                found.pop((THIRD_PARTY + kind, value), None)

    cued = _CUES.search(text) is not None  # most shops name no service: skip the clauses

    def add(kind: str, value: str | None, raw: str, scanned: str, start: int, end: int) -> None:
        if cued and _third_party(scanned, start, end):
            kind = THIRD_PARTY + kind.removeprefix(THIRD_PARTY)
        keep(kind, value, raw, start)

    numbers = _numbers_form(text)
    for match in _WA_LINK.finditer(numbers):
        add("phone", normalize_phone(match.group(1)), match.group(0), numbers, *match.span())
    for match in _PHONE.finditer(numbers):
        if _PRICE_OR_DATE.search(numbers, max(0, match.start() - 4), match.end()):
            continue
        if _NIE_BEFORE.search(numbers, max(0, match.start() - 12), match.start()):
            continue
        add("phone", normalize_phone(match.group(0)), match.group(0), numbers, *match.span())
    for match in _BARE_MOBILE.finditer(numbers):
        phone = normalize_phone("0" + match.group(1))
        add("phone", phone, match.group(1), numbers, *match.span(1))
    mails = _DOT.sub(".", _AT.sub("@", _WORDY_MAIL.sub(_wordy_mail, text)))
    emails = list(_EMAIL.finditer(mails))
    for match in emails:
        value = normalize_email(match.group(0))
        service = _PLATFORM_MAIL.search(value) or _NO_REPLY.match(value)
        kind = THIRD_PARTY + "email" if service else "email"
        add(kind, value, match.group(0), mails, *match.span())
    for match in _BANK.finditer(text):
        number = re.sub(r"\D", "", match.group(2))
        if 8 <= len(number) <= 18 and normalize_phone(number) is None:
            bank = f"{BANKS[match.group(1).lower()]}:{number}"
            add("bank_account", bank, match.group(0), text, *match.span())
    for match in _BANK_AFTER.finditer(text):
        number = re.sub(r"\D", "", match.group(1))
        if 8 <= len(number) <= 18 and normalize_phone(number) is None:
            bank = f"{BANKS[match.group(2).lower()]}:{number}"
            add("bank_account", bank, match.group(0), text, *match.span())
    for match in _NAMED_HANDLE.finditer(text):
        handle = "@" + match.group(1).lower().rstrip(".")
        add("handle", handle, match.group(0), text, *match.span())
    for match in _PROFILE_LINK.finditer(text):
        handle = "@" + match.group(1).lower().rstrip(".")
        add("handle", handle, match.group(0), text, *match.span())
    for match in _URL.finditer(text):
        key = shop_key(match.group(0).rstrip(".!?"))
        if key and key[0] == "shop_url":  # profiles (handles) came from _PROFILE_LINK
            add("shop_url", key[1], match.group(0), text, *match.span())
    in_email = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for match in _HANDLE.finditer(text):
        if not any(start <= match.start() < end for start, end in in_email):
            handle = "@" + match.group(1).lower().rstrip(".")
            add("handle", handle, match.group(0), text, *match.span())
    return list(found.values())


def _wordy_mail(match: re.Match[str]) -> str:
    domain = re.sub(r"\s*(?:dot|titik|\.)\s*", ".", match.group(3), flags=re.IGNORECASE)
    return f"{match.group(1)}@{match.group(2)}.{domain}"


def _numbers_form(text: str) -> str:
    """The text with spelled digits and look-alike letters inside numbers turned into digits."""
    if not _DIGIT_WORDS.keys().isdisjoint(re.findall(r"[a-z]+", text.lower())):
        text = _SPELLED_RUN.sub(_spelled, text)
    return _LOOKALIKE_RUN.sub(lambda m: m.group(0).translate(_LOOKALIKE), text)


def _spelled(match: re.Match[str]) -> str:
    run = match.group(0)
    if not re.search(_DIGIT_WORD, run, re.IGNORECASE):
        return run
    digits = re.sub(_DIGIT_WORD, lambda w: _DIGIT_WORDS[w.group(0).lower()], run, flags=re.I)
    return re.sub(r"\D", "", digits)


def names_a_service(text: str, start: int, end: int) -> bool:
    """True when text[start:end] (an identifier, a URL) stands beside a service's cue words."""
    return _CUES.search(text) is not None and _third_party(text, start, end)


def _third_party(text: str, start: int, end: int) -> bool:
    """True when the identifier's own clause names somebody else's service. The clause is cut
    at other numbers and e-mails, so a cue speaks only about the identifier it stands by."""
    left_edge = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(0, start - 120), start)),
                    default=max(0, start - 120))  # fmt: skip
    right = _CLAUSE_BREAK.search(text, end, end + 120)
    right_edge = right.start() if right else min(len(text), end + 120)
    before = text[left_edge:start]
    others = list(_OTHER_NUMBER.finditer(before))
    if others:
        before = before[others[-1].end() :]
    after = text[end:right_edge]
    other = _OTHER_NUMBER.search(after)
    if other:
        after = after[: other.start()]
    return bool(_CUES.search(before) or _CUES.search(after))


def shop_key(url: str) -> tuple[str, str] | None:
    """A shop URL normalised: ("shop_url", "tokopedia.com/slug"), ("shop_url", "site.my.id"),
    or ("handle", "@name") for Instagram/TikTok/X profiles; None when it names no shop."""
    parts = split_url(url)
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
            ids = parse_qs(query).get("id")
            return ("shop_url", f"facebook.com/profile/{ids[0]}") if ids else None
        prefix = [s for s in _SHOP_PATHS[host].split("/") if s]
        if segments[: len(prefix)] != prefix or len(segments) <= len(prefix):
            return None
        if segments[len(prefix)] in _SITE_PAGES:
            return None
        return ("shop_url", f"{host}/{'/'.join([*prefix, segments[len(prefix)]])}")
    if host in _NOT_SHOPS or host.endswith(_NOT_SHOP_SUFFIXES):
        return None
    return ("shop_url", host)  # the seller's own site: the host is the shop


def split_url(url: str) -> tuple[str, str, str] | None:
    """(host without www./m., lower-case path, query) of a URL written with or without scheme."""
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
    return host, parts.path.lower(), parts.query
