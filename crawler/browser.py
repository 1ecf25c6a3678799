"""The download handler: scrapy-playwright for browser pages, Scrapy's HTTP/1.1 for the rest,
one instance shared by http and https. Both connect only to addresses that were checked: plain
HTTP through the reactor's resolver, the browser through the gate (`crawler.gate`)."""

from __future__ import annotations

import logging

from playwright.async_api import Error as PlaywrightError
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from crawler.dns import AddressRefused, CheckedResolver
from crawler.gate import BrowserGate

logger = logging.getLogger(__name__)
# What Chromium says when the gate would not connect (it gives no finer reason for SOCKS).
GATE_FAILURE = "net::ERR_SOCKS_CONNECTION_FAILED"


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """Scrapy builds one handler per URL scheme, and scrapy-playwright would start a Playwright
    driver (and a browser) for each of http and https: both get this one."""

    _closed = False

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        # Asked per connection, so it uses whichever resolver the reactor has by then.
        self.gate = BrowserGate(lambda host, port: checked_resolver(crawler).check(host, port))
        self.config.launch_options = self.gate.start().launch_options(self.config.launch_options)

    @classmethod
    def from_crawler(cls, crawler):
        shared = getattr(crawler, "_patroli_playwright", None)
        if shared is None:
            shared = crawler._patroli_playwright = cls(crawler)
        return shared

    async def download_request(self, request):
        checked_resolver(self._crawler)
        if "proxy" in (request.meta.get("playwright_context_kwargs") or {}):
            raise IgnoreRequest(f"refused {request.url}: a browser context may not bypass the gate")
        try:
            return await super().download_request(request)
        except CannotResolveHostError as error:
            why = await self.why_unresolved(request)
            raise why or DNSLookupError(f"{request.url}: no usable address") from error
        except PlaywrightError as error:
            why = await self.why_unresolved(request) if GATE_FAILURE in str(error) else None
            if why is None:
                raise  # not the name: the site itself did not answer
            raise why from error

    async def why_unresolved(self, request) -> Exception | None:
        """The connection got no checked address and Twisted (or Chromium) only says so;
        asking once more tells a gone domain (DomainNotFound) from a hiccup (DNSLookupError)
        or a refusal (AddressRefused). None if the name resolves and passes now."""
        parts = urlparse_cached(request)
        check = checked_resolver(self._crawler).check
        try:
            await maybe_deferred_to_future(deferToThread(check, parts.hostname, parts.port or 0))
        except AddressRefused as refused:
            return AddressRefused(f"refused {request.url}: {refused}")
        except DNSLookupError as error:
            return error
        return None

    async def close(self) -> None:
        if not self._closed:  # both schemes close the one handler
            self._closed = True
            try:
                await super().close()
            finally:
                self.gate.stop()
                if self.gate.refused:
                    logger.info("the browser gate refused %d connections", self.gate.refused)


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
