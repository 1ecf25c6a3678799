"""The download handler: scrapy-playwright for browser pages, Scrapy's HTTP/1.1 for the rest,
one instance shared by http and https, on a reactor whose resolver checks what it connects to."""

from __future__ import annotations

import logging

from scrapy.exceptions import CannotResolveHostError
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from crawler.dns import AddressRefused, CheckedResolver

logger = logging.getLogger(__name__)


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """Scrapy builds one handler per URL scheme, and scrapy-playwright would start a Playwright
    driver (and a browser) for each of http and https: both get this one."""

    _closed = False

    @classmethod
    def from_crawler(cls, crawler):
        shared = getattr(crawler, "_patroli_playwright", None)
        if shared is None:
            shared = crawler._patroli_playwright = cls(crawler)
        return shared

    async def download_request(self, request):
        checked_resolver(self._crawler)
        try:
            return await super().download_request(request)
        except CannotResolveHostError as error:
            raise await self.why_unresolved(request) from error

    async def why_unresolved(self, request) -> Exception:
        """The connection got no checked address and Twisted only says so; asking once more
        tells a gone domain (DomainNotFound) from a hiccup (DNSLookupError) or a refusal."""
        parts = urlparse_cached(request)
        check = checked_resolver(self._crawler).check
        try:
            await maybe_deferred_to_future(deferToThread(check, parts.hostname, parts.port or 0))
        except AddressRefused as refused:
            return AddressRefused(f"refused {request.url}: {refused}")
        except DNSLookupError as error:
            return error
        return DNSLookupError(f"{parts.hostname}: no usable address when connecting")

    async def close(self) -> None:
        if not self._closed:  # both schemes close the one handler
            self._closed = True
            await super().close()


def checked_resolver(crawler) -> CheckedResolver:
    """The reactor's resolver, made a CheckedResolver if something (a CrawlerRunner, another
    setting) left it unchecked: asked on every download, so it fails closed."""
    from twisted.internet import reactor

    resolver = reactor.nameResolver
    if not isinstance(resolver, CheckedResolver):
        resolver = CheckedResolver.from_crawler(crawler, reactor)
        resolver.install_on_reactor()
        logger.warning("the reactor's resolver was not checked; installed CheckedResolver")
    return resolver
