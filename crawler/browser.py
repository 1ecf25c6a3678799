"""The Playwright download handler, shared: Scrapy builds one handler per URL scheme, and
scrapy-playwright would start a Playwright driver (and a browser) for each of http and https."""

from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    _closed = False

    @classmethod
    def from_crawler(cls, crawler):
        shared = getattr(crawler, "_patroli_playwright", None)
        if shared is None:
            shared = crawler._patroli_playwright = cls(crawler)
        return shared

    async def close(self) -> None:
        if not self._closed:  # both schemes close the one handler
            self._closed = True
            await super().close()
