"""The words the UI and the API share: violation codes, listing statuses and their labels.

The violation codes and their labels are the rules' fixed vocabulary (DESIGN.md §3); they are
re-exported here so that web/ reads every code and label from the casebook, in one place.
"""

from __future__ import annotations

from rules.codes import VIOLATION_CODES, label

LANGUAGES = ("id", "en")

# A listing's status as a re-check left it (DESIGN.md §1): `unknown` is no takedown.
STATUSES: dict[str, dict[str, str]] = {
    "active": {"id": "aktif", "en": "active"},
    "nonactive": {"id": "nonaktif", "en": "nonactive"},
    "unknown": {"id": "tidak diketahui", "en": "unknown"},
}

# How the crawler read a page's fields (Listing.read_by, from the crawler item's source).
READ_BY = ("json-ld", "microdata", "opengraph", "generic", "profile", "api", "rendered-dom")

__all__ = [
    "LANGUAGES",
    "READ_BY",
    "STATUSES",
    "VIOLATION_CODES",
    "status_label",
    "violation_label",
]


def violation_label(code: str, lang: str = "id") -> str:
    """The label of a violation code; an unknown code shows as itself, never as blank."""
    return label(code, lang)


def status_label(status: str | None, lang: str = "id") -> str:
    return STATUSES.get(status or "", {}).get(lang, status or "–")
