"""The office that writes the letters: kop, signatory, numbering, recipients (office.toml).

The shipped office.toml beside this module holds the defaults; `$PATROLI_DATA_DIR/office.toml`
overrides any key of it (tables merge key by key), and `$PATROLI_DATA_DIR/templates/<kind>.docx`
replaces a shipped template, so an office brings its own kop and signatory without a release.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from casebook.models import RECIPIENTS

SETTINGS = "office.toml"
TEMPLATES = "templates"


class OfficeError(ValueError):
    """office.toml cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Recipient:
    title: str
    agency: str
    address: tuple[str, ...]
    city: str


@dataclass(frozen=True)
class Office:
    data_dir: Path
    settings: Mapping[str, Any] = field(repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    @property
    def letters_dir(self) -> Path:
        return self.data_dir / "letters"

    @property
    def platform_hours(self) -> int:
        return int(self.settings["platform_hours"])

    @property
    def follow_up_days(self) -> int:
        return int(self.settings["follow_up_days"])

    def classification_code(self, classification: str) -> str:
        codes = self.settings["classifications"]
        if classification not in codes:
            raise OfficeError(
                f"unknown classification {classification!r}; one of {', '.join(codes)}"
            )
        return str(codes[classification])

    def recipient(self, code: str) -> Recipient:
        entry = self.settings["recipients"].get(code)
        if entry is None:
            raise OfficeError(f"office.toml has no [recipients.{code}]")
        return Recipient(
            title=str(entry.get("title", "")),
            agency=str(entry.get("agency", "")),
            address=tuple(str(line) for line in entry.get("address", ())),
            city=str(entry.get("city", "")),
        )

    def template(self, kind: str) -> Path:
        """The office's own template of this kind, else the shipped one."""
        own = self.data_dir / TEMPLATES / f"{kind}.docx"
        if own.is_file():
            return own
        shipped = Path(str(resources.files("casebook.letters").joinpath(TEMPLATES, f"{kind}.docx")))
        if not shipped.is_file():
            raise OfficeError(f"no letter template {kind}.docx (shipped or in {own.parent})")
        return shipped


def load(data_dir: Path) -> Office:
    """The shipped settings, overridden key by key by the data dir's office.toml if any."""
    shipped = tomllib.loads(resources.files("casebook.letters").joinpath(SETTINGS).read_text())
    own = Path(data_dir) / SETTINGS
    if own.is_file():
        try:
            shipped = _merged(shipped, tomllib.loads(own.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise OfficeError(f"{own}: {error}") from None
    _check(shipped, own)
    return Office(Path(data_dir), shipped)


def _merged(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _check(settings: Mapping[str, Any], where: Path) -> None:
    for key in ("platform_hours", "follow_up_days"):
        if not isinstance(settings.get(key), int) or settings[key] < 0:
            raise OfficeError(f"{where}: {key} must be a whole number >= 0")
    unknown = sorted(set(settings.get("recipients", {})) - set(RECIPIENTS))
    if unknown:
        raise OfficeError(f"{where}: unknown recipients {', '.join(unknown)}")
    try:
        settings["number_pattern"].format(
            classification="B", seq=1, unit_code="", archive_code="", month=1, year=2026
        )
    except (KeyError, ValueError, IndexError) as error:
        raise OfficeError(f"{where}: number_pattern cannot be filled: {error}") from None
