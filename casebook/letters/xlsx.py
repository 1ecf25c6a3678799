"""The link list attachment (Lampiran): one row per link, exactly the columns of DESIGN §7.

The sheet's XML is written straight out as it streams (inline strings, one style for the header
row): a general library spends most of its time per cell on type checks and styles these cells
do not need, and a 10,000-link list must not cost seconds here (benchmarks/letters_bench.py
measures it against openpyxl). URLs are plain text: Excel caps hyperlinks at 65,530 per sheet,
and a clickable link in a file full of crawled text is one more way to trick a reader.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path

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
COLUMNS = "ABCDEFGHIJ"


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


_values = attrgetter(*(f.name for f in fields(Row)))
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.spreadsheetml.sheet.'
        'main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.spreadsheetml.'
        'worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument"'
        ' Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/>'
        '</font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
        'patternType="gray125"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}


def write(rows: Iterable[Row], out: Path, *, title: str = "Lampiran") -> Path:
    """Write the attachment; every text cell is a string, never a formula (safe.cell)."""
    sheet_name = _escape(safe.clean(title).replace("/", "-")[:31] or "Lampiran")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, xml in _PARTS.items():
            package.writestr(name, _XML + xml)
        package.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="{sheet_name}"'
            ' sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_head().encode())
            chunk: list[str] = []
            for number, row in enumerate(rows, start=2):
                chunk.append(_row(number, row))
                if len(chunk) == 1000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return out


def _sheet_head() -> str:
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(WIDTHS, start=1)
    )
    header = "".join(
        f'<c r="{c}1" s="1" t="inlineStr"><is><t>{name}</t></is></c>'
        for c, name in zip(COLUMNS, HEADER, strict=True)
    )
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        f'</sheetView></sheetViews><cols>{columns}</cols><sheetData><row r="1">{header}</row>'
    )


def _row(number: int, row: Row) -> str:
    cells = "".join(
        f'<c r="{c}{number}" t="inlineStr"><is><t xml:space="preserve">{_escape(safe.cell(v))}'
        "</t></is></c>"
        for c, v in zip(COLUMNS[1:], _values(row), strict=True)
    )
    return f'<row r="{number}"><c r="A{number}"><v>{number - 1}</v></c>{cells}</row>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
