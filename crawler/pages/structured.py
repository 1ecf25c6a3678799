"""Any product page that speaks schema.org: JSON-LD, microdata, or at least OpenGraph."""

from __future__ import annotations

import extruct

from crawler.items import ListingItem
from crawler.pages.common import as_list, first, html_to_text

PRODUCT_TYPES = {"Product", "ProductGroup", "IndividualProduct", "Drug", "DietarySupplement"}


class StructuredProductPage:
    """Extracts a listing from structured data, preferring JSON-LD, then microdata, then
    OpenGraph product tags. `to_item()` is None when the page describes no product."""

    def __init__(self, response, platform: str) -> None:
        self.response, self.platform = response, platform
        self.data = extruct.extract(
            response.text,
            base_url=response.url,
            syntaxes=["json-ld", "microdata", "opengraph"],
            uniform=True,
            errors="ignore",
        )

    def to_item(self) -> ListingItem | None:
        for syntax in ("json-ld", "microdata"):
            product = self._product(self.data.get(syntax) or [])
            if product is not None:
                return self._from_product(product, syntax)
        return self._from_opengraph()

    def _product(self, nodes: list) -> dict | None:
        for node in self._walk(nodes):
            types = set(as_list(node.get("@type")))
            if types & PRODUCT_TYPES:
                return node
        return None

    def _walk(self, nodes):
        for node in nodes:
            if not isinstance(node, dict):
                continue
            yield node
            yield from self._walk(as_list(node.get("@graph")))
            yield from self._walk(as_list(node.get("mainEntity")))

    def _from_product(self, product: dict, syntax: str) -> ListingItem:
        offer = self._offer(product)
        seller = offer.get("seller") if isinstance(offer.get("seller"), dict) else {}
        brand = product.get("brand")
        brand_name = brand.get("name") if isinstance(brand, dict) else brand
        title = first(product.get("name"), self._og("og:title")) or ""
        if brand_name and brand_name.lower() not in title.lower():
            title = f"{brand_name} {title}"
        return ListingItem(
            url=first(product.get("url"), offer.get("url"), self.response.url),
            platform=self.platform,
            title=title,
            description=html_to_text(first(product.get("description"), self._og("og:description"))),
            price=first(offer.get("price"), offer.get("lowPrice")),
            currency=offer.get("priceCurrency"),
            external_id=str(first(product.get("sku"), product.get("productID"), "") or "") or None,
            images=[self._image_url(image) for image in as_list(product.get("image"))],
            seller_name=first(seller.get("name"), self._og("og:site_name")) or "",
            seller_url=seller.get("url") or "",
            source=syntax,
        )

    @staticmethod
    def _offer(product: dict) -> dict:
        offers = as_list(product.get("offers"))
        offer = offers[0] if offers and isinstance(offers[0], dict) else {}
        nested = as_list(offer.get("offers"))  # AggregateOffer holding Offers
        if offer.get("price") is None and nested and isinstance(nested[0], dict):
            return {**nested[0], **{k: v for k, v in offer.items() if k != "offers"}}
        return offer

    @staticmethod
    def _image_url(image) -> str:
        if isinstance(image, dict):
            return image.get("url") or image.get("contentUrl") or ""
        return str(image)

    def _og(self, key: str):
        for node in self.data.get("opengraph") or []:
            if node.get(key):
                return node[key]
        return None

    def _from_opengraph(self) -> ListingItem | None:
        og_type = (self._og("og:type") or "").lower()
        price = first(self._og("product:price:amount"), self._og("og:price:amount"))
        if "product" not in og_type and price is None:
            return None
        return ListingItem(
            url=self._og("og:url") or self.response.url,
            platform=self.platform,
            title=self._og("og:title") or "",
            description=self._og("og:description") or "",
            price=price,
            currency=first(self._og("product:price:currency"), self._og("og:price:currency")),
            images=[url for url in as_list(self._og("og:image")) if isinstance(url, str)],
            seller_name=self._og("og:site_name") or "",
            source="opengraph",
        )
