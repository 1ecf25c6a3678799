"""The link list attachment (Lampiran): one row per link, exactly the columns of DESIGN §7.

Written in openpyxl's write-only mode (rows streamed, constant memory: a list of 10,000 links
is a second, not a minute). URLs are plain text: Excel caps hyperlinks at 65,530 per sheet,
and a clickable link in a file full of crawled text is one more thing to trick a reader with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from casebook.letters import safe

HEADER = (
    "No",
    "Tautan",
    "Platform",
    "Penjual",
    "Produk",
    "Pelanggaran",
    "Dasar Hukum",
    "SHA-256 Bukti",
    "Waktu Tangkapan",
    "Status Tautan",
)
WIDTHS = (6, 60, 14, 24, 40, 40, 60, 66, 20, 14)


@dataclass(frozen=True)
class Row:
    """One link of the attachment, in plain values (crawled text unescaped: this module cleans)."""

    url: str
    platform: str
    seller: str
    product: str
    violations: str
    legal_basis: str
    evidence_sha256: str
    captured_at: str  # UTC, already formatted
    status: str


def write(rows: Iterable[Row], out: Path, *, title: str = "Lampiran") -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe.clean(title)[:31] or "Lampiran")
    for column, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + column)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in HEADER:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        header.append(cell)
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *map(_text, _values(row))])
    workbook.save(out)
    return out


def _values(row: Row) -> tuple[str, ...]:
    return (row.url, row.platform, row.seller, row.product, row.violations, row.legal_basis,
            row.evidence_sha256, row.captured_at, row.status)  # fmt: skip


def _text(value: str) -> str:
    # openpyxl stores a string starting with "=" as a formula: safe.cell never lets one start so.
    return safe.cell(value)
