"""Prices as Indonesian pages show them ("Rp45.000", "Rp 45.000,-", "IDR 45,000", "Rp 1,2 jt",
"harga 150rb"), and which of a page's prices is the product's: not the shipping fee, the
voucher or the crossed-out old price, and never a phone number."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from crawler.pages.common import reading_text

_AMOUNT = r"""(?<![\d.,])(?P<num>
      [1-9]\d{0,2}(?:[.,]\d{3})+(?:[.,]\d{2}(?!\d))?   # 45.000 / 1.250.000 / 45,000.00
    | \d+(?:[.,]\d{1,2})?(?=[ \t]*(?:jt|juta|rb|ribu|k)\b)  # 1,2 jt / 150rb
    | [1-9]\d*                                          # 45000
    )(?!\d)(?:,-{1,2})?(?:[ \t]*(?P<unit>jt|juta|rb|ribu|k)\b)?"""
# An amount counts as a price after a currency, or after "harga" when it cannot be a phone
# number (thousands separators or a unit).
_WITH_CURRENCY = re.compile(r"(?:\bRp\.?|\bIDR)\s*" + _AMOUNT, re.IGNORECASE | re.VERBOSE)
_AFTER_HARGA = re.compile(
    r"\bharga\b[^\d\n]{0,20}?"
    r"(?=[1-9]\d{0,2}[.,]\d{3}|\d+(?:[.,]\d{1,2})?[ \t]*(?:jt|juta|rb|ribu)\b)" + _AMOUNT,
    re.IGNORECASE | re.VERBOSE,
)
_UNITS = {"jt": 1_000_000, "juta": 1_000_000, "rb": 1_000, "ribu": 1_000, "k": 1_000}
MIN_PRICE, MAX_PRICE = 100, 100_000_000_000

# Words that make an amount something other than what the product costs.
_UNRELATED_BEFORE = re.compile(
    r"(ongkir|ongkos|kirim|pengiriman|shipping|diskon|disc\b|potongan|hemat|cashback|voucher|"
    r"kupon|minimal|min\.|belanja|saldo|gratis|denda|admin|biaya|asuransi|tarif|hadiah|bonus|"
    r"cicilan|dp\b|uang muka|komisi|gaji|modal)[^\n]{0,25}$",
    re.IGNORECASE,
)
_UNRELATED_AFTER = re.compile(r"^[ \t:,)-]{0,3}(ongkir|ongkos|untuk ongkir|/bulan|per bulan)",
                              re.IGNORECASE)  # fmt: skip
_PRICE_HINT = re.compile(r"price|harga|amount|cost", re.IGNORECASE)
_OLD_HINT = re.compile(
    r"(^|[\s_-])(old|original|regular|before|coret|strike|strikethrough|line-through|slash|"
    r"compare|was)([\s_-]|$)",
    re.IGNORECASE,
)
CROSSED_OUT = -1
_STRUCK = {"del", "s", "strike"}


def parse_amount(number: str, unit: str | None = None) -> float | None:
    """`45.000` -> 45000, `45,000.00` -> 45000, (`1,2`, `jt`) -> 1200000."""
    number = number.rstrip("-").rstrip(",")
    multiplier = _UNITS.get((unit or "").lower(), 1)
    grouped = re.fullmatch(r"(\d{1,3}(?:[.,]\d{3})+)(?:[.,](\d{1,2}))?", number)
    if grouped and multiplier == 1:
        value = float(re.sub(r"[.,]", "", grouped.group(1)))
    else:
        value = float(number.replace(",", ".")) if number.count(",") + number.count(".") <= 1 \
            else float(re.sub(r"[.,]", "", number))  # fmt: skip
        value *= multiplier
    return value if MIN_PRICE <= value <= MAX_PRICE else None


def prices_in_text(text: str) -> list[float]:
    """Every price written in a text, in order (for tests and plain strings)."""
    return [price.amount for price in _matches(text)]


@dataclass(frozen=True)
class SeenPrice:
    amount: float
    start: int  # where the amount starts in the page's visible text
    end: int
    text: str


def _matches(text: str) -> list[SeenPrice]:
    seen = {}
    for pattern in (_WITH_CURRENCY, _AFTER_HARGA):
        for match in pattern.finditer(text):
            amount = parse_amount(match.group("num"), match.group("unit"))
            if amount is not None:
                seen.setdefault(
                    match.start("num"),
                    SeenPrice(amount, match.start("num"), match.end(), match.group().strip()),
                )
    return sorted(seen.values(), key=lambda price: price.start)


class VisiblePrices:
    """The prices a reader sees on a page, each with the element it sits in."""

    def __init__(self, root) -> None:
        self.text, self.starts, self.elements = reading_text(root)

    def product_price(self) -> SeenPrice | None:
        """The price most likely the product's; None when every price seen is about something
        else (shipping, vouchers) or there is none."""
        scored = [(self._score(price), -price.start, price) for price in _matches(self.text)]
        scored = [entry for entry in scored if entry[0] >= CROSSED_OUT]
        return max(scored, key=lambda entry: entry[:2])[2] if scored else None

    def _score(self, price: SeenPrice) -> int:
        line_start = self.text.rfind("\n", 0, price.start) + 1
        before = self.text[max(line_start, price.start - 60) : price.start]
        after = self.text[price.end : price.end + 20]
        if _UNRELATED_BEFORE.search(before) or _UNRELATED_AFTER.search(after):
            return -10
        score = 2 if "harga" in before.lower() else 0
        element = self.elements[bisect_right(self.starts, price.start) - 1]
        for depth, ancestor in enumerate(_ancestors(element, 5)):
            hints = " ".join(
                ancestor.get(name) or "" for name in ("class", "id", "itemprop", "data-testid")
            )
            if ancestor.tag in _STRUCK or _OLD_HINT.search(hints):
                return CROSSED_OUT  # the old price: read only when the page shows no other
            if depth < 4 and _PRICE_HINT.search(hints):
                score += 3
                break
        return score


def _ancestors(element, count: int):
    while element is not None and count > 0:
        if isinstance(element.tag, str):
            yield element
        element = element.getparent()
        count -= 1
