"""Any page as a listing: structured data first (JSON-LD, microdata, RDFa, OpenGraph), then the
page as a person reads it, each field from the best way that had it, and a record of which
way that was. A page that is clearly no listing (empty, a login form) gives a reason instead."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import ListingItem
from crawler.pages.generic import GenericPage
from crawler.pages.structured import StructuredProductPage

FIELDS = ("title", "description", "price", "images", "seller_name")


@dataclass
class Reading:
    """A page's listing, or why there is none. `fields` names the way each field was read
    (json-ld, microdata, rdfa, opengraph, or generic:h1, generic:og:title, generic:text...)."""

    item: ListingItem | None
    reason: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class AnyPage:
    def __init__(self, response, platform: str) -> None:
        self.response, self.platform = response, platform
        self.structured = StructuredProductPage(response, platform)
        self.generic = GenericPage(response)

    def product(self) -> Reading:
        """The listing when the page declares a product or shows a price; else the reason."""
        reading = self.read()
        if reading.item is not None and reading.item.source == "generic" and not reading.item.price:
            return Reading(None, "no product data and no price shown")
        return reading

    def read(self) -> Reading:
        item = self.structured.to_item() or self.structured.post_item()
        if item is None:
            reason = self.generic.refusal()
            if reason:
                return Reading(None, reason)
            item = ListingItem(url=self.response.url, platform=self.platform, source="generic")
        fields = {name: item.source for name in FIELDS if getattr(item, name)}
        self._fill_from_page(item, fields)
        return Reading(item, fields=fields)

    def _fill_from_page(self, item: ListingItem, fields: dict[str, str]) -> None:
        """What the structured data left out, read from the page itself."""
        page = self.generic
        if not item.title:
            item.title, way = page.title()
            fields["title"] = f"generic:{way}"
        if not item.description:
            item.description = page.description()
            fields["description"] = "generic:text"
        if item.price in (None, ""):
            seen = page.price()
            if seen is not None:
                item.price, item.currency = seen.amount, "IDR"
                fields["price"] = "generic:text"
        if not item.images:
            item.images = page.images()
            fields["images"] = "generic:img"
        if not item.seller_name:
            item.seller_name, item.seller_url = page.author()
            fields["seller_name"] = "generic:author"
        if not item.seller_name and page.site_name():
            item.seller_name = page.site_name()
            fields["seller_name"] = "generic:og:site_name"
        for name in FIELDS:
            if not getattr(item, name) and name in fields:
                del fields[name]
        if fields.get("title", "").startswith("generic"):
            item.source = "generic"  # a listing is read the way its title was
