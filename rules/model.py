"""The values the rules work on and produce: listings, registry rows, warnings, hits, verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

CATEGORIES = (
    "obat",
    "obat_tradisional",
    "suplemen_kesehatan",
    "kosmetik",
    "pangan_olahan",
    "pangan_irt",
    "obat_kuasi",
)
REGISTRY_STATUSES = ("valid", "expired", "revoked")


@dataclass(frozen=True, slots=True)
class Listing:
    """One marketplace listing or social post, as in DESIGN.md §3 (Listing JSON)."""

    id: str
    title: str = ""
    description: str = ""
    url: str = ""
    platform: str = ""
    price: float | None = None
    currency: str | None = None
    seller_name: str = ""
    seller_url: str = ""
    seller_location: str = ""
    seller_phone: str = ""
    captured_at: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Listing:
        seller = data.get("seller") or {}
        price = data.get("price")
        return cls(
            id=str(data.get("id") or data.get("url") or ""),
            title=data.get("title") or "",
            description=data.get("description") or "",
            url=data.get("url") or "",
            platform=data.get("platform") or "",
            price=float(price) if isinstance(price, int | float) else None,
            currency=data.get("currency"),
            seller_name=seller.get("name") or "",
            seller_url=seller.get("url") or "",
            seller_location=seller.get("location") or "",
            seller_phone=seller.get("phone") or "",
            captured_at=data.get("captured_at"),
        )


@dataclass(frozen=True, slots=True)
class RegistryProduct:
    """One row of the NIE registry (Cek BPOM style)."""

    nie: str
    product_name: str
    brand: str
    category: str
    registrant: str = ""
    form: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    status: str = "valid"

    def as_dict(self) -> dict[str, Any]:
        return {
            "nie": self.nie,
            "product_name": self.product_name,
            "brand": self.brand,
            "category": self.category,
            "registrant": self.registrant,
            "form": self.form,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class PublicWarning:
    """One public-warning entry; its `nie` may be empty or fictitious."""

    product_name: str
    brand: str
    nie: str = ""
    category: str = ""
    hazard: str = ""
    published_on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "product_name": self.product_name,
            "brand": self.brand,
            "nie": self.nie,
            "category": self.category,
            "hazard": self.hazard,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a hit fired: the text span it rests on and the row it was compared with."""

    text: str = ""
    field: str = ""  # "title" | "description" | "" when the hit rests on no span
    start: int = -1
    end: int = -1
    compared_with: Mapping[str, Any] | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "field": self.field}
        if self.start >= 0:
            out["start"], out["end"] = self.start, self.end
        if self.compared_with is not None:
            out["compared_with"] = dict(self.compared_with)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    """One violation found in a listing, explained."""

    code: str  # one of rules.codes.VIOLATION_CODES
    rule: str  # catalogue rule id, e.g. "RX-TRAMADOL" or "NIE-UNREGISTERED"
    score: float  # 0..1
    evidence: Evidence
    version: str  # rule-catalogue version the hit was made with

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.code,
            "rule": self.rule,
            "score": round(self.score, 3),
            "evidence": self.evidence.as_dict(),
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """Everything the rules say about one listing."""

    listing_id: str
    nies: tuple[str, ...] = ()
    category: str | None = None
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    version: str = ""  # the rule-catalogue version that judged it, hits or none

    @property
    def codes(self) -> list[str]:
        return sorted({hit.code for hit in self.hits})

    def as_dict(self) -> dict[str, Any]:
        """The `patroli rules check` output line (DESIGN.md §3)."""
        return {
            "id": self.listing_id,
            "nies": list(self.nies),
            "category": self.category,
            "violations": [hit.as_dict() for hit in self.hits],
        }
