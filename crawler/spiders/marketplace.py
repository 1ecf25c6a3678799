"""`marketplace`: keyword search on a marketplace, every result's product page, its shop."""

from __future__ import annotations

import logging

from crawler.pages.marketplace import ProductPage, SearchPage, ShopPage
from crawler.spiders.base import PatroliSpider, split_arg

logger = logging.getLogger(__name__)


class MarketplaceSpider(PatroliSpider):
    name = "marketplace"

    def __init__(self, *args, site: str = "pasarku", keywords="", max_pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = self.profile(site)
        plan = self.plan()
        self.keywords = split_arg(keywords) or (plan.keywords if plan else [])
        if not self.keywords:
            raise ValueError("marketplace spider needs keywords (-a keywords=...) or a plan")
        self.max_pages = int(max_pages or self.site.search.get("max_pages", 50))

    async def start(self):
        for keyword in self.keywords:
            yield self.page_request(
                self.site.search_url(keyword), self.parse_results, self.site, cb_kwargs={"page": 1}
            )

    def parse_results(self, response, page: int):
        results = SearchPage(response, self.site)
        for url in results.product_urls():
            yield self.page_request(url, self.parse_product, self.site, evidence=True)
        next_url = results.next_url()
        if next_url and page < self.max_pages:
            yield self.page_request(
                next_url, self.parse_results, self.site, cb_kwargs={"page": page + 1}
            )

    def parse_product(self, response):
        product = ProductPage(response, self.site)
        if not product.is_product():
            logger.info("no listing at %s (removed?)", response.url)
            return
        item = product.to_item()
        yield item
        if item.seller_url:
            yield self.page_request(item.seller_url, self.parse_shop, self.site, evidence=True)

    def parse_shop(self, response):
        shop = ShopPage(response, self.site)
        if shop.is_seller():
            yield shop.to_item()
