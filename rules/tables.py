"""Registry and public-warning CSV readers (DESIGN.md §3): text lines in, rows or RowErrors out.

The caller opens the file; a bad row becomes a RowError naming its line and the reason, and
reading goes on, so one typo never loses the rest of an import.

A quoted field may run over a line break (valid CSV, e.g. a name written on two lines), but an
unterminated quote would otherwise swallow every row after it. So a quote left open at a line's
end is followed onto later lines only while it still looks like one field: the line it opens
on does not already hold a whole row's commas, it spans at most MAX_FIELD_LINES lines, no line
it swallows reads as a row of its own (a row's commas and no quote), and the record has the
header's width once the quote closes. Otherwise the line where the quote opened is reported
and reading resumes on the line after it, so the good rows behind it are kept.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from rules.model import CATEGORIES, REGISTRY_STATUSES, PublicWarning, RegistryProduct
from rules.nie import is_well_formed, normalize_nie

REGISTRY_COLUMNS = (
    "nie", "product_name", "brand", "category", "registrant", "form", "issued_on",
    "expires_on", "status",
)  # fmt: skip
WARNING_COLUMNS = ("product_name", "brand", "nie", "category", "hazard", "published_on")
_REGISTRY_REQUIRED = ("nie", "product_name", "brand", "category")
_WARNING_REQUIRED = ("product_name", "brand")
MAX_FIELD_LINES = 10  # the most physical lines one quoted field may span


@dataclass(frozen=True, slots=True)
class RowError:
    """A CSV row that could not be read: physical line number (header = 1), reason, raw text."""

    line: int
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _BadValue(ValueError):
    pass


def read_registry(lines: Iterable[str]) -> Iterator[RegistryProduct | RowError]:
    """Parse a registry CSV (header required) into RegistryProducts, NIEs normalized."""
    return _read(lines, REGISTRY_COLUMNS, _REGISTRY_REQUIRED, _registry_row)


def read_warnings(lines: Iterable[str]) -> Iterator[PublicWarning | RowError]:
    """Parse a public-warning CSV (header required); its NIE may be empty or fictitious."""
    return _read(lines, WARNING_COLUMNS, _WARNING_REQUIRED, _warning_row)


def _registry_row(row: dict[str, str]) -> RegistryProduct:
    nie = normalize_nie(row["nie"])
    if not nie:
        raise _BadValue("nie is empty")
    if not is_well_formed(nie):
        raise _BadValue(f"nie {row['nie']!r} is not a well-formed NIE")
    status = (row.get("status") or "").strip().lower()
    if status not in REGISTRY_STATUSES:
        raise _BadValue(
            f"status {row.get('status', '')!r} is not one of {', '.join(REGISTRY_STATUSES)}"
        )
    return RegistryProduct(
        nie=nie,
        product_name=_required(row, "product_name"),
        brand=_required(row, "brand"),
        category=_category(row["category"], required=True),
        registrant=(row.get("registrant") or "").strip(),
        form=(row.get("form") or "").strip(),
        issued_on=_date(row, "issued_on"),
        expires_on=_date(row, "expires_on"),
        status=status,
    )


def _warning_row(row: dict[str, str]) -> PublicWarning:
    return PublicWarning(
        product_name=_required(row, "product_name"),
        brand=(row.get("brand") or "").strip(),
        nie=normalize_nie(row.get("nie") or ""),
        category=_category(row.get("category") or "", required=False),
        hazard=(row.get("hazard") or "").strip(),
        published_on=_date(row, "published_on"),
    )


def _read(
    lines: Iterable[str],
    columns: tuple[str, ...],
    required: tuple[str, ...],
    make: Callable[[dict[str, str]], RegistryProduct | PublicWarning],
) -> Iterator:
    records = _Records(lines)
    header: list[str] | None = None
    for line, record in records:
        if isinstance(record, RowError):
            yield record
            continue
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lstrip("\ufeff").lower() for cell in record]
            missing = [c for c in required if c not in header]
            if missing:
                yield RowError(line, f"header lacks column(s) {', '.join(missing)}; "
                               f"expected {','.join(columns)}", ",".join(record))  # fmt: skip
                return
            records.width = len(header)
            continue
        raw = ",".join(record)
        if len(record) != len(header):
            yield RowError(line, f"expected {len(header)} fields, found {len(record)}", raw)
            continue
        try:
            yield make(dict(zip(header, record, strict=True)))
        except _BadValue as error:
            yield RowError(line, str(error), raw)


class _Lines:
    """Physical lines numbered from 1 (newline-terminated, as csv wants), with lines given
    back to be read again."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._count = 0
        self._given_back: deque[tuple[int, str]] = deque()

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return self

    def __next__(self) -> tuple[int, str]:
        if self._given_back:
            return self._given_back.popleft()
        text = next(self._lines)
        self._count += 1
        return self._count, text if text.endswith(("\n", "\r")) else text + "\n"

    def give_back(self, numbered: list[tuple[int, str]]) -> None:
        self._given_back.extendleft(reversed(numbered))


class _Records:
    """(first line, fields) per CSV record, or (line, RowError) where a quote never closes."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = _Lines(lines)
        self.width: int | None = None  # the header's, once read

    def __iter__(self) -> Iterator[tuple[int, list[str] | RowError]]:
        for number, text in self.lines:
            if '"' in text:
                yield number, self._quoted((number, text))
            else:  # no quoting: the fields are exactly the comma-separated parts
                yield number, text.rstrip("\r\n").split(",")

    def _quoted(self, first: tuple[int, str]) -> list[str] | RowError:
        taken = [first]
        while (fields := _one_record([text for _, text in taken])) is None:
            if len(taken) == 1 and self._has_row_width(first[1]):
                # every field of a row is on this line: the open quote is a stray one
                return self._unterminated(taken)
            following = next(self.lines, None)
            if following is None:
                return self._unterminated(taken)
            taken.append(following)
            if len(taken) > MAX_FIELD_LINES or (
                '"' not in following[1] and self._has_row_width(following[1])
            ):
                # a line without a quote cannot close the field: it is a row of its own
                return self._unterminated(taken)
        if isinstance(fields, str):
            return RowError(first[0], f"unreadable CSV: {fields}", first[1].rstrip("\r\n"))
        if len(taken) > 1 and len(fields) != self.width:
            return self._unterminated(taken)
        return fields

    def _has_row_width(self, text: str) -> bool:
        return self.width is not None and text.count(",") == self.width - 1

    def _unterminated(self, taken: list[tuple[int, str]]) -> RowError:
        self.lines.give_back(taken[1:])  # the lines after it are read again, on their own
        number, text = taken[0]
        return RowError(number, "unterminated quote: the quoted field opened on this line "
                        "never closes", text.rstrip("\r\n"))  # fmt: skip


def _one_record(texts: list[str]) -> list[str] | str | None:
    """The record `texts` make; None while a quoted field is still open; a reason (str) when
    csv cannot read them as one record."""
    try:
        records = list(csv.reader(texts, strict=True))
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return None
        try:  # a stray quote inside a field is read as csv always has, not the row lost
            records = list(csv.reader(texts))
        except csv.Error as lenient_error:
            return str(lenient_error)
    return records[0] if len(records) == 1 else f"{len(records)} records where one was expected"


def _required(row: dict[str, str], name: str) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        raise _BadValue(f"{name} is empty")
    return value


def _category(value: str, *, required: bool) -> str:
    category = value.strip().lower().replace(" ", "_").replace("-", "_")
    if not category and not required:
        return ""
    if category not in CATEGORIES:
        raise _BadValue(f"category {value!r} is not one of {', '.join(CATEGORIES)}")
    return category


def _date(row: dict[str, str], name: str) -> date | None:
    value = (row.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _BadValue(f"{name} {value!r} is not a YYYY-MM-DD date") from None
