"""A letter as a page can show it, read back from the letter's own files: the DOCX paragraphs
(kop, Nomor, Sifat, Lampiran, Hal, Yth., body, signature, Tembusan) and the XLSX rows.

Reading the files the letter was made as, rather than laying the letter out again for the web,
means the preview cannot drift from the document that is sent: an office's own template shows
as it wrote it. Everything returned is plain text; the page escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from casebook.models import Letter

MAX_ROWS = 500  # a page shows the first rows; the XLSX has them all
BLOCK = Cm(4)  # indented this far, a paragraph is a block of its own (the signature)


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[str, ...]  # the text split at its tab stops (Nomor | : value | place, date)
    bold: bool = False
    italic: bool = False
    centered: bool = False
    indent: str = ""  # "" | "item" (a list item, a city) | "block" (the signature, right half)


@dataclass(frozen=True)
class Preview:
    paragraphs: tuple[Paragraph, ...]
    footer: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more_rows: int  # rows of the XLSX not shown


class PreviewError(ValueError):
    """The letter's files cannot be read; the message names the letter and the file."""


def preview(data_dir: Path, letter: Letter) -> Preview:
    files = letter.files or {}
    if "docx" not in files:
        raise PreviewError(f"letter {letter.id} ({letter.number}) has no DOCX file")
    paragraphs, footer = _document(Path(data_dir) / files["docx"]["path"], letter)
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    more = 0
    if "xlsx" in files:
        header, rows, more = _sheet(Path(data_dir) / files["xlsx"]["path"], letter)
    return Preview(paragraphs, footer, header, rows, more)


def _document(path: Path, letter: Letter) -> tuple[tuple[Paragraph, ...], str]:
    from docx import Document
    from docx.opc.exceptions import OpcError

    try:
        document = Document(str(path))
    except (OpcError, OSError, KeyError, ValueError) as error:
        raise PreviewError(f"letter {letter.id} ({letter.number}): {path.name}: {error}") from None
    paragraphs = tuple(_paragraph(p) for p in document.paragraphs)
    while paragraphs and not any(paragraphs[-1].parts):
        paragraphs = paragraphs[:-1]
    footer = " ".join(p.text for s in document.sections for p in s.footer.paragraphs).strip()
    return paragraphs, footer


def _paragraph(paragraph) -> Paragraph:
    runs = [run for run in paragraph.runs if run.text.strip()]
    indent = paragraph.paragraph_format.left_indent
    first = paragraph.paragraph_format.first_line_indent
    return Paragraph(
        parts=tuple(part.strip() for part in paragraph.text.split("\t")),
        bold=bool(runs) and all(run.bold for run in runs),
        italic=bool(runs) and all(run.italic for run in runs),
        centered=paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER,
        indent=_indent(indent, first),
    )


def _indent(left, first) -> str:
    if not left or left <= 0 or (first and first < 0):
        return ""  # a hanging indent (Hal wrapping under its value) is not a moved block
    return "block" if left >= BLOCK else "item"


def _sheet(path: Path, letter: Letter) -> tuple[tuple[str, ...], tuple, int]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except (OSError, KeyError, ValueError) as error:
        raise PreviewError(f"letter {letter.id} ({letter.number}): {path.name}: {error}") from None
    try:
        values = workbook.active.iter_rows(values_only=True)
        header = tuple(_text(v) for v in next(values, ()))
        rows, more = [], 0
        for row in values:
            if len(rows) < MAX_ROWS:
                rows.append(tuple(_text(v) for v in row))
            else:
                more += 1
    finally:
        workbook.close()
    return header, tuple(rows), more


def _text(value: object) -> str:
    return "" if value is None else str(value)
