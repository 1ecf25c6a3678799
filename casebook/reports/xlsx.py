"""A report's attachment: one sheet, a bold frozen header row, one row per item.

Reports list hundreds to a few thousand links, so openpyxl's write-only mode is enough here
(the letters' 10,000-link attachment has its own streaming writer). Text cells go through the
letters' `safe.cell`: crawled text never becomes a formula and never breaks the XML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from casebook.letters import safe


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]  # numbers stay numbers; anything else is written as text
    widths: Sequence[int] = ()


def write(sheet: Sheet, out: Path) -> Path:
    from openpyxl import Workbook  # imported here: the CLI works where it is not installed
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    page = book.create_sheet(safe.clean(sheet.title).replace("/", "-")[:31] or "Lampiran")
    page.freeze_panes = "A2"
    for number, width in enumerate(sheet.widths, start=1):
        page.column_dimensions[_column(number)].width = width
    bold = Font(bold=True)
    header = []
    for name in sheet.header:
        cell = WriteOnlyCell(page, value=name)
        cell.font = bold
        header.append(cell)
    page.append(header)
    for row in sheet.rows:
        page.append([_value(value) for value in row])
    book.save(out)
    return out


def _value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe.cell(value)


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
