"""Shop platforms' public product APIs: Shopify `/products.json`, WooCommerce Store API."""

from __future__ import annotations

import json
from urllib.parse import urljoin

from crawler.items import ListingItem
from crawler.pages.common import html_to_text


class ShopifyProducts:
    """`/products.json?page=N`: a page of products, each with handle, variants and images."""

    def __init__(self, response, platform: str) -> None:
        self.response, self.platform = response, platform
        self.products = json.loads(response.text).get("products") or []

    def to_items(self) -> list[ListingItem]:
        return [self._item(product) for product in self.products]

    def _item(self, product: dict) -> ListingItem:
        variants = product.get("variants") or [{}]
        return ListingItem(
            url=urljoin(self.response.url, f"/products/{product.get('handle', '')}"),
            platform=self.platform,
            title=product.get("title") or "",
            description=html_to_text(product.get("body_html")),
            price=variants[0].get("price"),
            external_id=str(product.get("id") or "") or None,
            images=[image.get("src", "") for image in product.get("images") or []],
            seller_name=product.get("vendor") or "",
            source="api",
        )


class WooCommerceProducts:
    """`/wp-json/wc/store/v1/products?page=N`: prices in minor units with their exponent."""

    def __init__(self, response, platform: str) -> None:
        self.response, self.platform = response, platform
        self.products = json.loads(response.text)
        if not isinstance(self.products, list):
            self.products = []

    def to_items(self) -> list[ListingItem]:
        return [self._item(product) for product in self.products]

    def _item(self, product: dict) -> ListingItem:
        prices = product.get("prices") or {}
        price = None
        if prices.get("price") not in (None, ""):
            price = int(prices["price"]) / 10 ** int(prices.get("currency_minor_unit") or 0)
        description = "\n".join(
            part
            for part in (
                html_to_text(product.get("short_description")),
                html_to_text(product.get("description")),
            )
            if part.strip()
        )
        return ListingItem(
            url=product.get("permalink") or self.response.url,
            platform=self.platform,
            title=html_to_text(product.get("name")),
            description=description,
            price=price,
            currency=prices.get("currency_code"),
            external_id=str(product.get("id") or "") or None,
            images=[image.get("src", "") for image in product.get("images") or []],
            source="api",
        )
