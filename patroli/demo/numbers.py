"""Registration numbers and the other digits of listing text, written the messy ways sellers do."""

from __future__ import annotations

import random

# Digits after the prefix, per prefix (DESIGN.md §3). MD/ML take 12 or 15.
PREFIXES = {
    "obat_tradisional": ("TR", "TR", "TR", "TI", "TL", "HT", "FF"),
    "suplemen_kesehatan": ("SD", "SD", "SI", "SL"),
    "kosmetik": ("NA", "NA", "NA", "NB", "NC", "ND", "NE"),
    "pangan_olahan": ("MD", "MD", "MD", "ML"),
    "pangan_irt": ("PIRT",),
    "obat_kuasi": ("QD", "QD", "QI", "QL"),
}
DIGITS = {"TR": 9, "TI": 9, "TL": 9, "HT": 9, "FF": 9, "SD": 9, "SI": 9, "SL": 9,
          "QD": 9, "QI": 9, "QL": 9, "NA": 11, "NB": 11, "NC": 11, "ND": 11, "NE": 11,
          "PIRT": 15}  # fmt: skip


def split_nie(nie: str) -> tuple[str, str, str]:
    """(prefix, digits, tail) of a normalized NIE; tail is the drug NIE's letter+digit."""
    if nie.startswith("PIRT"):
        return "PIRT", nie[4:], ""
    if nie[0] in "DG" and nie[1] in "BTKPN" and nie[2] in "LIEX":
        return nie[:3], nie[3:-2], nie[-2:]
    return nie[:2], nie[2:], ""


def make_nie(rng: random.Random, category: str, klass: str = "B") -> str:
    """A well-formed normalized NIE for `category` (drugs: `klass` is B, T, K, P or N)."""
    if category == "obat":
        head = rng.choice("DDDG") + klass + rng.choice("LLLI")
        return f"{head}{rng.randrange(10**9, 10**10)}{rng.choice('ABC')}1"
    prefix = rng.choice(PREFIXES[category])
    count = rng.choice((12, 12, 15)) if prefix in ("MD", "ML") else DIGITS[prefix]
    if category == "kosmetik":  # notification numbers carry the country code 18 first
        return prefix + "18" + _digits(rng, count - 2)
    return prefix + _digits(rng, count)


def malform(rng: random.Random, nie: str) -> str:
    """The same NIE with a digit count that is wrong for its prefix."""
    prefix, digits, tail = split_nie(nie)
    valid = {12, 15} if prefix in ("MD", "ML") else {len(digits)}
    while True:
        count = len(digits) + rng.choice((-3, -2, -1, 1, 2))
        if count not in valid and count >= 5:
            break
    digits = digits[:count] if count < len(digits) else digits + _digits(rng, count - len(digits))
    return prefix + digits + tail


def write_nie(rng: random.Random, nie: str) -> str:
    """The bare number as a seller types it: spaces, dots, dashes, lower case."""
    prefix, digits, tail = split_nie(nie)
    if prefix == "PIRT":
        head, year = digits[:-2], digits[-2:]
        return rng.choice(
            (
                f"P-IRT No. {head}-{year}",
                f"PIRT {digits}",
                f"P-IRT {head}-{year}",
                f"SPP-IRT No. {head}-{year}",
                f"pirt no {digits}",
                f"P-IRT No.{head} {year}",
            )
        )
    if tail:  # drugs
        shapes = (
            f"{prefix}{digits}{tail}",
            f"{prefix} {digits} {tail}",
            f"{prefix}-{digits}-{tail}",
            f"{prefix} {digits[:5]} {digits[5:]} {tail}",
            f"{prefix}{digits}{tail}".lower(),
        )
    elif len(digits) in (9, 7, 8, 10):
        groups = " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
        shapes = (
            f"{prefix}{digits}",
            f"{prefix} {digits}",
            f"{prefix}.{groups.replace(' ', '.')}",
            f"{prefix} {groups}",
            f"{prefix}-{groups.replace(' ', '-')}",
            f"{prefix}{digits}".lower(),
        )
    else:
        fours = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        shapes = (
            f"{prefix}{digits}",
            f"{prefix} {digits}",
            f"{prefix} {fours}",
            f"{prefix}.{fours.replace(' ', '.')}",
            f"{prefix}{digits}".lower(),
        )
    return rng.choice(shapes)


def nie_phrase(rng: random.Random, written: str, *, title: bool = False) -> str:
    """The number with the wording around it ("BPOM RI", "POM", "No. Reg", a line break)."""
    if written.lower().startswith(("p-irt", "pirt", "spp-irt")):
        return (
            written if title else rng.choice((written, f"Izin edar {written}", f"Sudah {written}"))
        )
    if title:
        return rng.choice((f"BPOM {written}", f"POM {written}", written, f"No. BPOM: {written}"))
    return rng.choice(
        (
            f"BPOM RI {written}",
            f"POM {written}",
            f"No. POM: {written}",
            f"No. Reg {written}",
            f"Reg. BPOM: {written}",
            f"NIE: {written}",
            f"Sudah terdaftar BPOM dengan nomor {written} ya kak",
            f"No. BPOM:\n{written}",
            f"Izin edar BPOM {written}",
            f"bpom {written.lower()}",
        )
    )


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(count - 1))


# Hard negatives: numbers that must never be read as an NIE.
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0858",
                   "0877", "0878", "0895", "0896", "0881", "0882", "0838")  # fmt: skip


def make_phone(rng: random.Random) -> str:
    """A mobile number in national form, digits only: 08xx + 7 or 8 digits."""
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, rng.choice((8, 8, 8, 7)))


def write_phone(rng: random.Random, phone: str, style: int | None = None) -> str:
    """One of the ways a number is written: 0812-3456-7890, +62 812 3456 7890, wa.me/62..."""
    intl = "62" + phone[1:]
    a, b, c = phone[:4], phone[4:8], phone[8:]
    shapes = (
        f"{a}-{b}-{c}",
        f"+62 {a[1:]} {b} {c}",
        f"wa.me/{intl}",
        f"{a} {b} {c}",
        phone,
        f"+62{phone[1:]}",
        f"https://wa.me/{intl}",
        f"({a}) {b}-{c}",
        f"62{a[1:]}-{b}-{c}",
        f"{a}.{b}.{c}",
    )
    return shapes[style % len(shapes)] if style is not None else rng.choice(shapes)


def make_barcode(rng: random.Random) -> str:
    """An EAN-13 starting 899 (Indonesia) with a correct check digit."""
    body = "899" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def hard_negatives(rng: random.Random, category: str, price: int, count: int) -> list[str]:
    """Lines full of digits that are not a registration number."""
    order_date = f"2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    choices = [
        f"Barcode: {make_barcode(rng)}",
        f"No. pesanan contoh: INV/{order_date}/MPL/{_digits(rng, 10)}",
        f"Harga Rp {price:,}".replace(",", ".") + " / pcs, beli 3 lebih hemat",
        f"Grosir 12 pcs Rp {price * 11:,}".replace(",", "."),
        f"Exp. {rng.randrange(1, 13):02d}/{rng.choice((2027, 2028))}",
        f"Kode SKU: KS-{_digits(rng, 5)}",
        f"Resi otomatis, contoh: JX{_digits(rng, 10)}",
        f"Harga {price // 1000}rb aja",
    ]
    if category in ("pangan_olahan", "pangan_irt", "kosmetik", "suplemen_kesehatan"):
        choices.append(f"Sertifikat Halal No. ID{_digits(rng, 17)}")
    return rng.sample(choices, count)
