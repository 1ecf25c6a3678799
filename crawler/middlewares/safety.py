"""Refuse private, loopback and link-local targets unless PATROLI_ALLOW_PRIVATE is set."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from crawler.dns import AddressRefused
from crawler.urls import refusal

logger = logging.getLogger(__name__)
_allow_private = False  # set from settings when the crawler starts; read by the browser hook


class SafeTargetMiddleware:
    """A crawler pointed at internal addresses is a server-side request forgery waiting to
    happen: crawled pages choose our URLs, so every request (and redirect) is checked. Here
    only what the URL says by itself (an address literal, `localhost`); a name is checked on the
    addresses its connection uses (`crawler.dns.CheckedResolver`), which refuses it there."""

    def __init__(self, allow_private: bool, stats) -> None:
        global _allow_private
        _allow_private = self.allow_private = allow_private
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("PATROLI_ALLOW_PRIVATE"), crawler.stats)

    def process_request(self, request, spider=None):
        if self.allow_private:
            return None
        reason = refusal(request.url)
        if reason:
            self.stats.inc_value("patroli/refused_private")
            raise IgnoreRequest(f"refused {request.url}: {reason}")
        return None

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, AddressRefused):
            self.stats.inc_value("patroli/refused_private")
        return None


def abort_browser_request(playwright_request) -> bool:
    """The browser fetches sub-resources itself; the same rule holds for them. Media streams are
    never evidence we keep, so they are not fetched either."""
    if playwright_request.resource_type == "media":
        return True
    if _allow_private or playwright_request.url.startswith(("data:", "blob:")):
        return False
    return refusal(playwright_request.url) is not None
