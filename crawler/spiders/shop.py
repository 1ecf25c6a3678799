"""`shop`: web shops: sitemap -> product pages (structured data, else a page showing a price),
else Shopify `/products.json`, else the WooCommerce Store API, else the page handed in."""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.pages.any_page import AnyPage
from crawler.pages.marketplace import ShopPage
from crawler.pages.shop_apis import ShopifyProducts, WooCommerceProducts
from crawler.profiles import Profile, profile_for
from crawler.spiders.base import PatroliSpider, split_arg

logger = logging.getLogger(__name__)
SHOPIFY_PAGE = "/products.json?limit=250&page={page}"
WOOCOMMERCE_PAGE = "/wp-json/wc/store/v1/products?per_page=100&page={page}"


class ShopSpider(PatroliSpider):
    name = "shop"

    def __init__(self, *args, url="", site="", max_pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roots = split_arg(url) + [
            self.profile(name).base_url + "/" for name in split_arg(site)
        ]
        if not self.roots:
            raise ValueError("shop spider needs -a url=https://shop.example/ (comma-separated)")
        self.max_pages = int(max_pages or 10_000)
        self.pages_requested = 0

    def site(self, url: str) -> Profile | None:
        return profile_for(url, self.bases)

    def platform(self, url: str) -> str:
        profile = self.site(url)
        return profile.platform if profile else urlsplit(url).hostname or "web"

    async def start(self):
        for root in self.roots:
            if urlsplit(root).path not in ("", "/"):
                yield self.product_request(root, handed_in=True)  # a product page itself
            else:
                yield self.page_request(
                    urljoin(root, "/robots.txt"),
                    self.parse_robots,
                    cb_kwargs={"root": root},
                    meta={
                        "dont_obey_robotstxt": True,
                        "probe": True,
                        "handle_httpstatus_all": True,
                    },  # no robots.txt: no sitemap named
                )

    def product_request(self, url: str, handed_in: bool = False):
        """A page to read as a listing. Pages the sitemap lists count only when they declare a
        product or show a price (not the about page); a page handed in is read whatever it is."""
        self.pages_requested += 1
        return self.page_request(
            url, self.parse_product, self.site(url), evidence=True,
            cb_kwargs={"handed_in": handed_in},
        )  # fmt: skip

    def parse_robots(self, response, root: str):
        listed = response.status == 200
        sitemaps = list(sitemap_urls_from_robots(response.body, base_url=root)) if listed else []
        for url in sitemaps or [urljoin(root, "/sitemap.xml")]:
            yield self.page_request(
                url, self.parse_sitemap, cb_kwargs={"root": root}, errback=self.no_sitemap,
                meta={"probe": True},
            )  # fmt: skip

    def parse_sitemap(self, response, root: str):
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # not XML: no sitemap here
            sitemap = None
        if sitemap is None or response.status != 200:
            yield self._shopify(root)
            return
        for entry in sitemap:
            if sitemap.type == "sitemapindex":
                yield self.page_request(entry["loc"], self.parse_sitemap, cb_kwargs={"root": root})
            elif self.pages_requested < self.max_pages:
                yield self.product_request(entry["loc"])

    def no_sitemap(self, failure):
        yield self._shopify(failure.request.cb_kwargs["root"])

    def _shopify(self, root: str, page: int = 1):
        return self.page_request(
            urljoin(root, SHOPIFY_PAGE.format(page=page)),
            self.parse_shopify,
            cb_kwargs={"root": root, "page": page},
            errback=self.no_shopify,
            evidence=True,
            meta={"probe": page == 1},
        )

    def parse_shopify(self, response, root: str, page: int):
        try:
            products = ShopifyProducts(response, self.platform(root))
        except ValueError:
            yield self._woocommerce(root)
            return
        yield from products.to_items()
        if products.products and page < self.max_pages:
            yield self._shopify(root, page + 1)

    def no_shopify(self, failure):
        if failure.request.cb_kwargs["page"] == 1:
            yield self._woocommerce(failure.request.cb_kwargs["root"])

    def _woocommerce(self, root: str, page: int = 1):
        return self.page_request(
            urljoin(root, WOOCOMMERCE_PAGE.format(page=page)),
            self.parse_woocommerce,
            cb_kwargs={"root": root, "page": page},
            errback=self.no_api,
            evidence=True,
            meta={"probe": page == 1},
        )

    def parse_woocommerce(self, response, root: str, page: int):
        try:
            products = WooCommerceProducts(response, self.platform(root))
        except ValueError:
            products = None
        if not products or not products.products:
            if page == 1:
                yield self.product_request(root)
            return
        yield from products.to_items()
        total_pages = int(response.headers.get(b"X-WP-TotalPages", b"0") or 0)
        if page < min(total_pages or page + 1, self.max_pages):
            yield self._woocommerce(root, page + 1)

    def no_api(self, failure):
        root = failure.request.cb_kwargs["root"]
        logger.info("%s: no sitemap, no shop API; reading the page itself", root)
        yield self.product_request(root)

    def parse_product(self, response, handed_in: bool = False):
        page = AnyPage(response, self.platform(response.url))
        reading = page.read() if handed_in else page.product()
        if reading.item is None:
            self.crawler.stats.inc_value("patroli/no_listing")
            log = logger.warning if handed_in else logger.info
            log("no listing at %s: %s", response.url, reading.reason)
            return
        item = reading.item
        self.crawler.stats.inc_value(f"patroli/read_by/{item.source}")
        for field, way in reading.fields.items():
            self.crawler.stats.inc_value(f"patroli/field_read_by/{field}/{way}")
        yield item
        profile = self.site(item.seller_url) if item.seller_url else None
        if profile is not None and profile.shop:
            yield self.page_request(item.seller_url, self.parse_seller, profile, evidence=True)

    def parse_seller(self, response):
        shop = ShopPage(response, self.site(response.url))
        if shop.is_seller():
            yield shop.to_item()
