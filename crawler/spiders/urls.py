"""`urls`: ad-hoc links handed in by other units (tips), each fetched with evidence and read
by the profile of its site, or, when no profile knows the site, as any page: structured data
first, then the page as a person reads it."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.pages.any_page import AnyPage
from crawler.pages.marketplace import ProductPage
from crawler.pages.social import PostPage
from crawler.profiles import profile_for
from crawler.spiders.base import PatroliSpider, split_arg
from crawler.urls import BadURL, canonical_url

logger = logging.getLogger(__name__)


def read_url_lines(lines) -> tuple[list[str], list[str]]:
    """(good URLs, one error per bad line naming it). Blank lines and `#` comments skipped."""
    good, errors = [], []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            good.append(canonical_url(text))
        except BadURL as error:
            errors.append(f"line {number}: {error}")
        except ValueError as error:  # urlsplit: "Invalid IPv6 URL", "Port out of range"
            errors.append(f"line {number}: not a valid URL ({error}): {text!r}")
    return good, errors


class UrlsSpider(PatroliSpider):
    name = "urls"

    def __init__(self, *args, file=None, urls="", **kwargs):
        super().__init__(*args, **kwargs)
        if file == "-":
            lines = sys.stdin.read().splitlines()
        elif file:
            lines = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
        else:
            lines = split_arg(urls)
        self.targets, self.errors = read_url_lines(lines)
        for error in self.errors:
            logger.error("%s: %s", file or "urls", error)

    async def start(self):
        for url in dict.fromkeys(self.targets):
            site = profile_for(url, self.bases)
            if site is None:
                yield self.page_request(url, self.parse_any, evidence=True)
            elif site.kind == "social":
                yield self.page_request(
                    url, self.parse_post, site, evidence=True, wait_for=site.post.get("ready")
                )
            elif site.product:
                yield self.page_request(url, self.parse_profiled, site, evidence=True)
            else:
                yield self.page_request(url, self.parse_any, site, evidence=True)

    def parse_profiled(self, response):
        site = profile_for(response.url, self.bases)
        page = ProductPage(response, site)
        if page.is_product():
            yield page.to_item()
        else:
            yield from self.parse_any(response)

    def parse_post(self, response):
        page = PostPage(response, profile_for(response.url, self.bases))
        if page.is_post():
            yield page.to_item()
        else:
            logger.warning("no post at %s (removed or private?)", response.url)

    def parse_any(self, response):
        site = profile_for(response.url, self.bases)
        platform = site.platform if site else (urlsplit(response.url).hostname or "web")
        reading = AnyPage(response, platform).read()
        stats = self.crawler.stats
        if reading.item is None:
            stats.inc_value("patroli/no_listing")
            logger.warning("no listing at %s: %s", response.url, reading.reason)
            return
        stats.inc_value(f"patroli/read_by/{reading.item.source}")
        for field, way in reading.fields.items():
            stats.inc_value(f"patroli/field_read_by/{field}/{way}")
        reading.item.url = response.url  # the page handed in is the listing, whatever it links to
        yield reading.item
