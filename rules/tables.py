"""Registry and public-warning CSV readers (DESIGN.md §3): text lines in, rows or RowErrors out.

The caller opens the file; a bad row becomes a RowError naming its line and the reason, and
reading goes on, so one typo never loses the rest of an import.
"""

from __future__ import annotations

import csv
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
    reader = csv.reader(_numbered(lines))
    header: list[str] | None = None
    last_line = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(reader.line_num, f"unreadable CSV: {error}")
            last_line = reader.line_num
            continue
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lstrip("\ufeff").lower() for cell in record]
            missing = [c for c in required if c not in header]
            if missing:
                yield RowError(line, f"header lacks column(s) {', '.join(missing)}; "
                               f"expected {','.join(columns)}", ",".join(record))  # fmt: skip
                return
            continue
        raw = ",".join(record)
        if len(record) != len(header):
            yield RowError(line, f"expected {len(header)} fields, found {len(record)}", raw)
            continue
        try:
            yield make(dict(zip(header, record, strict=True)))
        except _BadValue as error:
            yield RowError(line, str(error), raw)


def _numbered(lines: Iterable[str]) -> Iterator[str]:
    # csv wants newline-terminated strings; lines from splitlines() or a list may lack them
    for text in lines:
        yield text if text.endswith(("\n", "\r")) else text + "\n"


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
