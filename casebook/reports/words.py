"""What a report says, in plain values: labels, the heading of a naskah dinas, figures as text.

Pure: no database, no files. The services gather the facts; this module writes them the way a
report shows them (Indonesian labels, dates and decimal commas), every string safe for XML.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from casebook.letters import content, safe
from casebook.letters.gather import WIB
from casebook.letters.office import Office
from casebook.services.monitoring import Figures

if TYPE_CHECKING:
    from casebook.models import Letter

RECIPIENTS = {"idea": "IdEA", "komdigi": "Komdigi", "dit_was": "Dit. Was",
              "dit_intelijen": "Dit. Intelijen", "upt": "UPT BPOM"}  # fmt: skip
ALWAYS_SHOWN = ("idea", "komdigi", "dit_was")  # the takedown recipients, even with no link
COMMODITIES = {"obat": "Obat", "obat_tradisional": "Obat Tradisional",
               "suplemen_kesehatan": "Suplemen Kesehatan", "kosmetik": "Kosmetik",
               "pangan_olahan": "Pangan Olahan", "pangan_irt": "Pangan IRT",
               "obat_kuasi": "Obat Kuasi", "lainnya": "Lainnya"}  # fmt: skip
ADVERTISED = ("obat_tradisional", "suplemen_kesehatan")  # Deputi II's registered products
ADVERTISING_ONLY = frozenset({"misleading_claim"})
BLANK_SEQ = "..."
MONEV_HAL = "Hasil Monitoring dan Evaluasi Tindak Lanjut Rekomendasi Takedown Periode"

# Who a report is addressed to, by default; office.toml's [reports.<name>] overrides any key.
DEFAULTS: dict[str, dict[str, Any]] = {
    "monev": {
        "recipient": {"title": "Deputi Bidang Penindakan",
                      "agency": "Badan Pengawas Obat dan Makanan",
                      "address": ["Jalan Percetakan Negara Nomor 23, Jakarta Pusat"],
                      "city": "Jakarta"},
        "tembusan": ["Kepala Badan Pengawas Obat dan Makanan"],
    },
    "upt_iklan": {
        "recipient": {"title": "Direktur Pengawasan Obat Tradisional dan Suplemen Kesehatan",
                      "agency": "Deputi Bidang Pengawasan Obat Tradisional, Suplemen "
                                "Kesehatan, dan Kosmetik, Badan Pengawas Obat dan Makanan",
                      "address": ["Jalan Percetakan Negara Nomor 23, Jakarta Pusat"],
                      "city": "Jakarta"},
        "tembusan": ["Deputi Bidang Pengawasan Obat Tradisional, Suplemen Kesehatan, dan Kosmetik"],
    },
    "profiling": {  # the Dokumen Profiling (SOP step 7), services.profiling_docs
        "recipient": {"title": "Deputi Bidang Penindakan",
                      "agency": "Badan Pengawas Obat dan Makanan",
                      "address": ["Jalan Percetakan Negara Nomor 23, Jakarta Pusat"],
                      "city": "Jakarta"},
        "tembusan": ["Direktur Intelijen Obat dan Makanan"],
    },
}  # fmt: skip

MONEV_HEADER = ("No", "Tautan", "Platform", "Penerima", "Komoditas", "Penjual", "Produk",
                "Pelanggaran", "Dasar Hukum", "SHA-256 Bukti", "Waktu Tangkapan",
                "Status Tautan", "Diperiksa", "Nomor Surat", "Batas Waktu", "Usulan Ke-",
                "Keterangan")  # fmt: skip
MONEV_WIDTHS = (6, 60, 14, 12, 18, 24, 40, 40, 60, 66, 20, 14, 20, 34, 20, 10, 44)
UPT_HEADER = ("No", "Bulan", "Unit", "Komoditas", "Produk", "Produk Terdaftar", "NIE", "Klaim",
              "Pelanggaran", "Dasar Hukum", "Platform", "Tautan", "SHA-256 Bukti",
              "Waktu Tangkapan", "Status Tautan")  # fmt: skip
UPT_WIDTHS = (6, 16, 30, 18, 40, 40, 18, 50, 24, 60, 14, 60, 66, 20, 14)


def heading(office: Office, name: str, number: str, classification: str,
             dated: date) -> dict[str, object]:  # fmt: skip
    settings = report_settings(office, name)
    recipient = settings["recipient"]
    return {
        "kop": office["kop"],
        "tempat": office["city"],
        "tanggal": content.tanggal(dated),
        "nomor": number,
        "sifat": content.SIFAT.get(classification, classification.title()),
        "lampiran": f"{content.counted(1)} berkas",
        "recipient": {
            "title": str(recipient.get("title", "")),
            "agency": str(recipient.get("agency", "")),
            "address": [str(x) for x in recipient.get("address", ())],
            "city": str(recipient.get("city", "")),
        },
        "sop": office["sop"],
        "signatory": office["signatory"],
        "tte": bool(office.settings.get("tte")),
        "tte_footer": content.TTE_FOOTER if office.settings.get("tte") else "",
        "tembusan": [str(x) for x in settings["tembusan"]],
    }


def report_settings(office: Office, name: str) -> dict[str, Any]:
    own = (office.settings.get("reports") or {}).get(name) or {}
    merged = {**DEFAULTS[name], **own}
    merged["recipient"] = {**DEFAULTS[name]["recipient"], **(own.get("recipient") or {})}
    return merged


def number(office: Office, classification: str, dated: date) -> str:
    return office["number_pattern"].format(
        classification=office.classification_code(classification), seq=BLANK_SEQ,
        unit_code=office["unit_code"], archive_code=office["archive_code"],
        month=dated.month, year=dated.year,
    )  # fmt: skip


def figure_rows(
    groups: dict[str, Figures], labels: dict[str, str], always: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """One row per group, `always` first (shown even when empty), the rest by name."""
    keys = list(always) + sorted(k for k in groups if k not in always)
    return [figures_row(labels.get(k, k), groups.get(k) or Figures()) for k in keys]


def figures_row(name: str, figures: Figures) -> dict[str, str]:
    rate, hours = figures.takedown_rate, figures.median_hours_to_takedown
    return {
        "name": name,
        "listed": amount(figures.listed),
        "taken_down": amount(figures.taken_down),
        "still_up": amount(figures.still_up),
        "unknown": amount(figures.unknown),
        "reproposed": amount(figures.reproposed),
        "overdue": amount(figures.overdue),
        "rate": "–" if rate is None else f"{rate * 100:.1f}%".replace(".", ","),
        "median": "–" if hours is None else f"{hours:.1f}".replace(".", ","),
    }


def what_next(letter: Letter | None, next_list: int | None, now: datetime) -> str:
    """What came of a link still up: proposed again, or why not yet."""
    if next_list is not None:
        return f"diusulkan kembali (daftar takedown {next_list})"
    if letter is None or letter.status != "sent" or letter.deadline_at is None:
        return "surat rekomendasi belum dikirim"
    if letter.deadline_at < now:
        return "lewat batas waktu; untuk diusulkan kembali"
    return "dalam batas waktu platform"


def period(since: date, until: date) -> str:
    if since == until:
        return content.tanggal(since)
    return f"{content.tanggal(since)} s.d. {content.tanggal(until)}"


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=WIB)


def amount(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def utc(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else ""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unit"


def cleaned(value: Any) -> Any:
    """Every string made safe for the DOCX's XML (crawled titles and claims among them)."""
    if isinstance(value, str):
        return safe.clean(value)
    if isinstance(value, dict):
        return {k: cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [cleaned(v) for v in value]
    return value
