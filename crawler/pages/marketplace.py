"""Marketplace pages read through a site profile: search results, product pages, shop pages."""

from __future__ import annotations

from crawler.items import ListingItem, SellerItem
from crawler.pages.common import html_to_text
from crawler.profiles import Profile


class ProfiledPage:
    def __init__(self, response, profile: Profile) -> None:
        self.response, self.profile = response, profile

    def text(self, css: str | None) -> str:
        """A selector's value: as given for `::text`/`::attr()`, else the element's visible
        text with its line breaks."""
        if not css:
            return ""
        if "::" in css:
            return " ".join(v.strip() for v in self.response.css(css).getall() if v.strip())
        return html_to_text(self.response.css(css).get())

    def urls(self, css: str | None) -> list[str]:
        if not css:
            return []
        return [self.response.urljoin(href) for href in self.response.css(css).getall()]


class SearchPage(ProfiledPage):
    def product_urls(self) -> list[str]:
        return self.urls(self.profile.search.get("results"))

    def next_url(self) -> str | None:
        found = self.urls(self.profile.search.get("next"))
        return found[0] if found else None


class ProductPage(ProfiledPage):
    def is_product(self) -> bool:
        return bool(self.response.css(self.profile.product["page"]))

    def to_item(self) -> ListingItem:
        fields = self.profile.product
        seller_url = self.urls(fields.get("seller_url"))
        return ListingItem(
            url=self.response.url,
            platform=self.profile.platform,
            title=self.text(fields.get("title")),
            description=self.text(fields.get("description")),
            price=self.text(fields.get("price")) or None,
            currency=fields.get("currency", "IDR"),
            external_id=self.text(fields.get("sku")) or None,
            images=self.urls(fields.get("images")),
            seller_name=self.text(fields.get("seller_name")),
            seller_url=seller_url[0] if seller_url else "",
            seller_location=self.text(fields.get("seller_location")),
            source="profile",
        )


class SellerPage(ProfiledPage):
    """A shop page (marketplaces) or an account page (social sites): who sells, and how to
    reach them. `section` names the profile part that describes it."""

    section = "shop"

    @property
    def fields(self) -> dict[str, str]:
        return getattr(self.profile, self.section)

    def is_seller(self) -> bool:
        return bool(self.response.css(self.fields["page"]))

    def to_item(self) -> SellerItem:
        fields = self.fields
        return SellerItem(
            url=self.response.url,
            platform=self.profile.platform,
            name=self.text(fields.get("name")),
            location=self.text(fields.get("location")),
            text=self.text(fields.get("description")),
        )

    def product_urls(self) -> list[str]:
        return self.urls(self.fields.get("products"))


class ShopPage(SellerPage):
    section = "shop"
