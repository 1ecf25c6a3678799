"""Page objects against saved pages in the public formats real shops use."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawler.pages.shop_apis import ShopifyProducts, WooCommerceProducts
from crawler.pages.structured import StructuredProductPage

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def plain(item) -> dict:
    data = dataclasses.asdict(item)
    for transient in ("capture", "verdict", "request_fingerprint", "identifiers"):
        data.pop(transient)
    return data


@pytest.mark.parametrize("page", ["jsonld_product", "microdata_product", "opengraph_product"])
def test_structured_product_pages(page):
    expected = json.loads((PAGES / f"{page}.expected.json").read_text())
    response = HtmlResponse(
        expected["url"], body=(PAGES / f"{page}.html").read_bytes(), encoding="utf-8"
    )
    assert plain(StructuredProductPage(response, "web").to_item()) == expected["item"]


def test_a_page_without_a_product_gives_no_item():
    response = HtmlResponse(
        "https://x.example/tentang",
        body=(PAGES / "not_a_product.html").read_bytes(),
        encoding="utf-8",
    )
    assert StructuredProductPage(response, "web").to_item() is None


@pytest.mark.parametrize(
    "payload, reader, platform",
    [
        ("shopify_products", ShopifyProducts, "glowcantik"),
        ("woocommerce_products", WooCommerceProducts, "herbalnusantara"),
    ],
)
def test_shop_api_payloads(payload, reader, platform):
    expected = json.loads((PAGES / f"{payload}.expected.json").read_text())
    response = TextResponse(
        expected["url"], body=(PAGES / f"{payload}.json").read_bytes(), encoding="utf-8"
    )
    assert [plain(item) for item in reader(response, platform).to_items()] == expected["items"]


def test_hostile_markup_in_structured_data_becomes_plain_text():
    body = b"""<html><head><script type="application/ld+json">
    {"@type":"Product","name":"<img src=x onerror=alert(1)>Krim",
     "description":"<script>alert('x')<\\/script>Aman<br>WA 0812 1111 2222"}
    </script></head></html>"""
    item = StructuredProductPage(HtmlResponse("https://e.example/p", body=body), "web").to_item()
    assert "alert('x')" not in item.description
    assert item.description.strip() == "Aman\nWA 0812 1111 2222"
    assert item.title == "<img src=x onerror=alert(1)>Krim"  # literal text; the UI escapes it
