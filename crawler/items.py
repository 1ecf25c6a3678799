"""The items spiders yield; pipelines normalise them, attach evidence and verdicts, store them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ListingItem:
    """One listing or post as a page object extracted it (DESIGN.md §3 plus seller identifiers)."""

    url: str
    platform: str
    title: str = ""
    description: str = ""
    price: float | str | None = None
    currency: str | None = None
    external_id: str | None = None
    images: list[str] = field(default_factory=list)
    seller_name: str = ""
    seller_url: str = ""
    seller_location: str = ""
    seller_text: str = ""  # shop bio / profile text: where phone numbers and e-mails hide
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # filled by the pipeline
    source: str = ""  # which extractor produced it: profile | json-ld | microdata | opengraph | api
    # Set along the way: the capture (evidence) and the rules' verdict.
    capture: Any = None
    verdict: Any = None
    request_fingerprint: str | None = None


@dataclass
class StatusItem:
    """A re-check of a known link: is it still up (SOP steps 4 and 8)?"""

    url: str
    listing_id: int
    status: str  # active | nonactive | unknown (see crawler/pages/status.py)
    reason: str
    http_status: int | None = None
    capture: Any = None
    request_fingerprint: str | None = None


@dataclass
class SellerItem:
    """A shop or account page: who sells, and the identifiers they show."""

    url: str
    platform: str
    name: str = ""
    location: str = ""
    text: str = ""  # bio / description
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # filled by the pipeline
    capture: Any = None
    request_fingerprint: str | None = None
