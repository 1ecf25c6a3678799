"""Crawled text is data: made safe before it reaches a DOCX paragraph or an XLSX cell.

XML 1.0 (both formats are XML inside) forbids most control characters and lone surrogates: one
of them in a seller's name would make the whole file unreadable, so they are dropped. A cell
that starts with = + - @ (or a tab / carriage return) is read as a formula by spreadsheet
programs (CSV/formula injection, e.g. `=HYPERLINK(...)`): it is prefixed with an apostrophe
so that it shows as the text it is.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # Excel's limit on the characters of one cell


def clean(text: object) -> str:
    """Text without the characters XML cannot carry."""
    return _FORBIDDEN.sub("", "" if text is None else str(text))


def cell(text: object) -> str:
    """Text for a spreadsheet cell: clean, never a formula, within Excel's length."""
    value = clean(text)
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return value[:MAX_CELL]
