"""What a letter says, in plain values: the kinds of letter and the context a template fills.

Pure: no database, no files. The service gathers the facts (links, dates, counts); this module
turns them into the words of a naskah dinas (Indonesian dates, numbers in words, the subject).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casebook.letters import safe
from casebook.letters.office import Office

TTE_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh BSrE"
)
SIFAT = {"biasa": "Biasa", "terbatas": "Terbatas", "rahasia": "Rahasia",
         "sangat_rahasia": "Sangat Rahasia"}  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A kind of letter: its subject, who may receive it, which of the list's links it covers."""

    hal: str
    recipients: tuple[str, ...]
    default_recipient: str | None  # None: one letter per recipient of the links (routing)
    marketplace_only: bool = False


KINDS: dict[str, Kind] = {
    "rekomendasi_takedown": Kind(
        "Rekomendasi Takedown Tautan Peredaran Obat dan Makanan Ilegal secara Daring",
        ("idea", "komdigi", "dit_was"), None),
    "tembusan": Kind(
        "Tembusan Rekomendasi Takedown Tautan Peredaran Obat dan Makanan Ilegal",
        ("dit_was", "dit_intelijen", "upt"), "dit_was"),
    "tindak_lanjut": Kind(
        "Tindak Lanjut Hasil Pengawasan Peredaran Obat dan Makanan secara Daring",
        ("dit_was", "dit_intelijen", "upt"), "dit_was"),
    "permintaan_data": Kind(
        "Permintaan Data Pelaku Usaha pada Platform E-Commerce", ("idea",), "idea",
        marketplace_only=True),
    "rekomendasi_pelaku": Kind(
        "Rekomendasi Tindak Lanjut terhadap Pelaku Peredaran Obat dan Makanan Ilegal",
        ("dit_was", "dit_intelijen", "upt"), "dit_was"),
}  # fmt: skip

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip
_ONES = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
         "sepuluh", "sebelas")  # fmt: skip


def tanggal(day: date) -> str:
    """A date as letters write it: 30 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def terbilang(n: int) -> str:
    """A whole number in Indonesian words (12 -> dua belas), as letters spell counts."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _ONES[n] or "nol"
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    for size, word in ((1_000_000_000, "miliar"), (1_000_000, "juta"), (1000, "ribu"),
                       (100, "ratus"), (10, "puluh")):  # fmt: skip
        if n >= size:
            head, rest = divmod(n, size)
            lead = {100: "seratus", 1000: "seribu"}.get(size) if head == 1 else None
            words = lead or f"{terbilang(head)} {word}"
            return f"{words} {terbilang(rest)}" if rest else words
    raise AssertionError(n)


def counted(n: int) -> str:
    """12 (dua belas)."""
    return f"{n:,}".replace(",", ".") + f" ({terbilang(n)})"


@dataclass(frozen=True)
class Facts:
    """What the service found out about a letter before it is written."""

    kind: str
    recipient: str
    number: str
    classification: str
    dated: date
    link_count: int
    platforms: Iterable[str]  # one per link
    violations: Iterable[str]  # Indonesian labels, one per link and violation
    seller_count: int
    period: tuple[date, date] | None
    routed_to: tuple[str, ...] = ()  # agencies the takedown recommendation went to
    attachments: int = 1


def context(office: Office, facts: Facts) -> dict[str, object]:
    """The values a letter template is rendered with; every string is safe for XML."""
    recipient = office.recipient(facts.recipient)
    start, end = facts.period or (facts.dated, facts.dated)
    period = tanggal(start) if start == end else f"{tanggal(start)} s.d. {tanggal(end)}"
    values: dict[str, object] = {
        "kop": office["kop"],
        "tempat": office["city"],
        "tanggal": tanggal(facts.dated),
        "nomor": facts.number,
        "sifat": SIFAT.get(facts.classification, facts.classification.title()),
        "lampiran": f"{counted(facts.attachments)} berkas" if facts.attachments else "-",
        "hal": KINDS[facts.kind].hal,
        "recipient": recipient,
        "patrol": office["patrol"],
        "sop": office["sop"],
        "period": period,
        "link_count": counted(facts.link_count),
        "seller_count": counted(facts.seller_count),
        "platforms": _tally(facts.platforms),
        "violations": _tally(facts.violations),
        "routed_to": _listed(facts.routed_to),
        "platform_hours": counted(office.platform_hours),
        "follow_up_days": counted(office.follow_up_days),
        "signatory": office["signatory"],
        "tte": bool(office.settings.get("tte")),
        "tte_footer": TTE_FOOTER if office.settings.get("tte") else "",
        "tembusan": list(office["tembusan"]["list"]),
    }
    return _cleaned(values)


def _listed(names: tuple[str, ...]) -> str:
    """A, B dan C."""
    return " dan ".join(filter(None, (", ".join(names[:-1]), *names[-1:])))


def _tally(values: Iterable[str]) -> list[dict[str, object]]:
    counts = Counter(values)
    return [{"name": name, "count": counted(n)} for name, n in counts.most_common()]


def _cleaned(value: object) -> object:
    if isinstance(value, str):
        return safe.clean(value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _cleaned(getattr(value, k)) for k in value.__dataclass_fields__}
    return value
