"""Seller identifiers in free text: phone/WhatsApp numbers, e-mails, bank accounts, handles.

Normalized so that the same number written `0812-3456-7890`, `+62 812 3456 7890` or
`wa.me/6281234567890` is one value (`+6281234567890`): the key that links accounts across
platforms to one actor."""

from __future__ import annotations

import re
from dataclasses import dataclass

BANKS = {
    "bca": "bca", "bri": "bri", "bni": "bni", "mandiri": "mandiri", "bsi": "bsi",
    "cimb": "cimb", "cimb niaga": "cimb", "danamon": "danamon", "permata": "permata",
    "btn": "btn", "bjb": "bjb", "ocbc": "ocbc", "maybank": "maybank", "jago": "jago",
    "seabank": "seabank", "btpn": "btpn", "jenius": "btpn", "muamalat": "muamalat",
}  # fmt: skip

_SEP = r"[\s.\-–]?"
# Indonesian mobile numbers: 08.. / +62 8.. / 62 8.., 9 to 12 digits after the 0 or 62.
_PHONE = re.compile(
    rf"(?<![\w+])\(?(?:\+{_SEP}62|62|0){_SEP}8\d{{1,2}}\)?(?:{_SEP}\d){{6,10}}(?!\d)",
)
_WA_LINK = re.compile(
    r"(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=|whatsapp\.com/send\?phone=)\+?(\d{9,15})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BANK = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, BANKS), key=len, reverse=True)) + r")\b"
    r"[\s:.,-]*(?:(?:no\.?|nomor|rek(?:ening)?\.?|acc(?:ount)?\.?)[\s:.,-]*)*"
    r"(\d(?:[\s.-]?\d){6,17})(?!\d)",
    re.IGNORECASE,
)
_PROFILE_LINK = re.compile(
    r"(?:instagram\.com|tiktok\.com|twitter\.com|x\.com)/@?([A-Za-z0-9_.]{2,30})", re.IGNORECASE
)
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@])")


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: str  # phone | email | bank_account | handle
    value: str  # normalized
    raw: str  # as written


def normalize_phone(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    return "+62" + national


def extract_identifiers(text: str) -> list[Identifier]:
    """Every identifier in the text, each once, in order of appearance."""
    found: dict[tuple[str, str], Identifier] = {}

    def add(kind: str, value: str | None, raw: str) -> None:
        if value and (kind, value) not in found:
            found[(kind, value)] = Identifier(kind, value, raw)

    for match in _WA_LINK.finditer(text):
        add("phone", normalize_phone(match.group(1)), match.group(0))
    for match in _PHONE.finditer(text):
        add("phone", normalize_phone(match.group(0)), match.group(0))
    emails = list(_EMAIL.finditer(text))
    for match in emails:
        add("email", match.group(0).lower(), match.group(0))
    for match in _BANK.finditer(text):
        number = re.sub(r"\D", "", match.group(2))
        if 8 <= len(number) <= 18 and normalize_phone(number) is None:
            add("bank_account", f"{BANKS[match.group(1).lower()]}:{number}", match.group(0))
    for match in _PROFILE_LINK.finditer(text):
        add("handle", "@" + match.group(1).lower().rstrip("."), match.group(0))
    in_email = [(m.start(), m.end()) for m in emails]
    for match in _HANDLE.finditer(text):
        if not any(start <= match.start() < end for start, end in in_email):
            add("handle", "@" + match.group(1).lower().rstrip("."), match.group(0))
    return list(found.values())
