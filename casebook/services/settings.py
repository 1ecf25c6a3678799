"""The office's settings as an admin edits them: kop, address, signatory, city, letter numbers.

They live where every door already reads them: `$PATROLI_DATA_DIR/office.toml`, merged key by
key over the shipped defaults by casebook.letters.office.load. So a change made here reaches
the letters the UI, the API and the command line make alike, with no second copy to drift.
`office()` is the one way to load them. The file is rewritten whole (comments in it are lost;
the file as it was is kept under `settings-history/`), and every change is audited.

Letter numbers: one running sequence per year (LetterSequence) shared by every kind, so a
pattern may differ per kind (`[number_patterns]`) without a number being used twice or skipped.
A preview reads the sequence and never takes from it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import tempfile
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.letters import content, numbering
from casebook.letters import office as office_module
from casebook.letters.gather import local_date
from casebook.letters.office import Office, OfficeError
from casebook.models import LetterSequence, utcnow
from casebook.services import audit

HISTORY = "settings-history"
# The fields the settings page edits: (dotted key, kind). Lists are one entry per line.
OFFICE_FIELDS = (
    ("kop.agency", str),
    ("kop.unit", str),
    ("kop.address", list),
    ("city", str),
    ("signatory.position", str),
    ("signatory.name", str),
    ("signatory.nip", str),
)
PATTERN_FIELDS = {"classification", "seq", "unit_code", "archive_code", "month", "year"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the field."""


def office(data_dir: Path) -> Office:
    """The office's settings: shipped defaults under the data dir's office.toml."""
    return office_module.load(data_dir)


def office_values(settings: Office) -> dict[str, str]:
    """The editable fields as form values (lists one entry per line)."""
    values = {}
    for key, kind in OFFICE_FIELDS:
        value = _get(settings.settings, key)
        values[key] = "\n".join(map(str, value)) if kind is list else str(value)
    return values


def update_office(
    session: Session, data_dir: Path, form: Mapping[str, str], *, actor: str,
    now: datetime | None = None,
) -> Office:  # fmt: skip
    """Kop, address, signatory, NIP and city from `form` (dotted keys as OFFICE_FIELDS)."""
    changes: dict[str, Any] = {}
    for key, kind in OFFICE_FIELDS:
        raw = _clean(form.get(key, ""))
        value = [line.strip() for line in raw.splitlines() if line.strip()] if kind is list else (
            " ".join(raw.split()))  # fmt: skip
        if kind is str and not value and key != "kop.unit":
            raise SettingsError(f"{key}: required")
        if len(str(value)) > 500:
            raise SettingsError(f"{key}: at most 500 characters")
        changes[key] = value
    nip = changes["signatory.nip"]
    if not re.fullmatch(r"[0-9 ]{8,30}|-", nip):
        raise SettingsError("signatory.nip: digits only (an NIP has 18)")
    return _write(session, data_dir, changes, "office.settings", actor=actor, now=now)


def check_pattern(pattern: str) -> str:
    """A usable number pattern: fields known, {seq} and {year} in it (the sequence restarts each
    year, so a number without both would repeat), fillable."""
    pattern = " ".join(_clean(pattern).split())
    if not pattern or len(pattern) > 100:
        raise SettingsError("number pattern: 1 to 100 characters")
    try:
        used = {name.split(":")[0].split("!")[0] for _, name, _, _ in _parse(pattern) if name}
        unknown = used - PATTERN_FIELDS
        if unknown:
            known = ", ".join(f"{{{f}}}" for f in sorted(PATTERN_FIELDS))
            raise SettingsError(
                f"number pattern: unknown field {{{sorted(unknown)[0]}}}; known: {known}"
            )
        if not {"seq", "year"} <= used:
            raise SettingsError("number pattern: must contain {seq} and {year}, or numbers repeat")
        pattern.format(classification="B", seq=1, unit_code="X", archive_code="Y", month=1,
                       year=2026)  # fmt: skip
    except (ValueError, IndexError, KeyError) as error:
        if isinstance(error, SettingsError):
            raise
        raise SettingsError(f"number pattern cannot be filled: {error}") from None
    return pattern


def update_numbering(
    session: Session, data_dir: Path, patterns: Mapping[str, str], *, unit_code: str,
    archive_code: str, actor: str, now: datetime | None = None,
) -> Office:  # fmt: skip
    """The default pattern ("" key) and each kind's own (an empty one follows the default)."""
    changes: dict[str, Any] = {"number_pattern": check_pattern(patterns.get("", ""))}
    own = {}
    for kind in content.KINDS:
        raw = " ".join(_clean(patterns.get(kind, "")).split())
        if raw:
            own[kind] = check_pattern(raw)
    changes["number_patterns"] = own
    for key, value in (("unit_code", unit_code), ("archive_code", archive_code)):
        value = " ".join(_clean(value).split())
        if not value or len(value) > 50:
            raise SettingsError(f"{key}: 1 to 50 characters")
        changes[key] = value
    return _write(session, data_dir, changes, "office.numbering", actor=actor, now=now)


def next_seq_preview(session: Session, year: int) -> int:
    """The number the next letter of `year` will take; read, never reserved."""
    last = session.scalar(select(LetterSequence.last).where(LetterSequence.year == year))
    return (last or 0) + 1


def preview_number(
    session: Session, settings: Office, kind: str, *, classification: str = "biasa",
    on: date | None = None,
) -> str:  # fmt: skip
    """What the next letter of `kind` will be numbered if made on `on` (today in Jakarta)."""
    on = on or local_date(utcnow())
    seq = next_seq_preview(session, on.year)
    try:
        return numbering.format_number(settings, classification, seq, on, kind)
    except (KeyError, ValueError, IndexError) as error:  # a pattern written into the file by hand
        raise SettingsError(f"the number pattern of {kind} cannot be filled: {error}") from None


# -- the file ---------------------------------------------------------------------------------


def _write(session: Session, data_dir: Path, changes: dict[str, Any], action: str, *,
           actor: str, now: datetime | None) -> Office:  # fmt: skip
    path = Path(data_dir) / office_module.SETTINGS
    path.parent.mkdir(parents=True, exist_ok=True)
    own = _read_own(path)
    before_office = office(data_dir)
    before = {key: _get(before_office.settings, key) for key in changes}
    for key, value in changes.items():
        _set(own, key, value)
    text = dumps(own)
    if tomllib.loads(text) != own:  # the writer below is small: prove it wrote what we meant
        raise SettingsError("office settings could not be written faithfully")
    written = _checked(Path(data_dir), text)
    _keep_old(path, data_dir, now or utcnow())
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(text, encoding="utf-8")
    draft.replace(path)  # atomic: a letter made meanwhile reads the old file or the new one
    after = {key: _get(written.settings, key) for key in changes}
    if before != after:
        audit.record(session, actor, action, "settings:office", before, after, now=now)
    return written


def _checked(data_dir: Path, text: str) -> Office:
    """The office the new file gives, loaded from a scratch folder before it replaces the
    real one: a file office.load refuses never reaches the letters."""
    scratch = Path(tempfile.mkdtemp(prefix=".settings-", dir=data_dir))
    try:
        (scratch / office_module.SETTINGS).write_text(text, encoding="utf-8")
        try:
            checked = office_module.load(scratch)
        except OfficeError as error:
            raise SettingsError(str(error).replace(str(scratch), "office.toml")) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Office(data_dir, checked.settings)


def _read_own(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: {error}; fix it by hand first") from None


def _keep_old(path: Path, data_dir: Path, now: datetime) -> None:
    if path.is_file():
        kept = Path(data_dir) / HISTORY / f"office-{now:%Y%m%dT%H%M%S%fZ}.toml"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(path.read_bytes())


def _get(settings: Mapping[str, Any], dotted: str) -> Any:
    value: Any = settings
    for part in dotted.split("."):
        value = value.get(part, "") if isinstance(value, Mapping) else ""
    return value


def _set(settings: dict[str, Any], dotted: str, value: Any) -> None:
    *tables, last = dotted.split(".")
    for part in tables:
        settings = settings.setdefault(part, {})
    settings[last] = value


def _clean(text: str) -> str:
    return _CONTROL.sub("", str(text or ""))


def _parse(pattern: str):
    return string.Formatter().parse(pattern)


def dumps(data: Mapping[str, Any]) -> str:
    """TOML for plain settings: strings, numbers, booleans, lists of those, nested tables."""
    lines: list[str] = []
    _table(data, (), lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(data: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    scalars = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    if path and (scalars or not tables):
        lines.extend(["", f"[{'.'.join(map(_key, path))}]"])
    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in scalars.items())
    for key, table in tables.items():
        _table(table, (*path, key), lines)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(_clean(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise SettingsError(f"a setting of type {type(value).__name__} cannot be written")
