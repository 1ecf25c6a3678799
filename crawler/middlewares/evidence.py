"""Evidence capture for requests marked `meta["evidence"] = True`.

Plain HTTP: the downloader middleware sees the bytes before decompression and writes them to a
WARC. Browser pages: the page records every network response while it loads, then a page
method takes the full-page screenshot; the rendered DOM is the response body."""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus

from scrapy.exceptions import IgnoreRequest
from scrapy_playwright.page import PageMethod

from crawler.evidence import EvidenceStore, Exchange
from crawler.items import ListingItem, SellerItem, StatusItem

logger = logging.getLogger(__name__)
MAX_RESPONSE_BODY = 8 * 1024 * 1024  # per network response kept in a browser WARC
MAX_NETWORK_BYTES = 48 * 1024 * 1024  # per browser page


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _header_pairs(headers) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]


async def record_network(page, request) -> None:
    """Page init callback: keep every response the page receives, bounded in size."""
    exchanges: list[Exchange] = []
    pending: list[asyncio.Task] = []
    budget = {"left": MAX_NETWORK_BYTES}
    request.meta["patroli_network"] = (exchanges, pending)

    async def keep(response) -> None:
        try:
            body = await response.body()
        except Exception:  # redirects and aborted requests have no body
            body = b""
        truncated = len(body) > min(MAX_RESPONSE_BODY, budget["left"])
        if truncated:
            body = body[: max(0, min(MAX_RESPONSE_BODY, budget["left"]))]
        budget["left"] -= len(body)
        exchanges.append(
            Exchange(
                url=response.url,
                method=response.request.method,
                # .headers needs no round trip to the browser, unlike all_headers().
                request_headers=list(response.request.headers.items()),
                status=response.status,
                reason=response.status_text or _reason(response.status),
                response_headers=list(response.headers.items()),
                body=body,
                decoded=True,
                truncated=truncated,
            )
        )

    page.on("response", lambda response: pending.append(asyncio.ensure_future(keep(response))))


async def finish_capture(page, maxsize: int) -> dict:
    """Last page method: refuse oversized pages, wait for recorded bodies, take the screenshot."""
    size = await page.evaluate("document.documentElement.outerHTML.length")
    if size > maxsize:
        raise IgnoreRequest(f"rendered page of {size} characters exceeds {maxsize}")
    screenshot = await page.screenshot(full_page=True, type="png", timeout=30_000)
    browser = page.context.browser
    return {"screenshot": screenshot, "browser": browser.version if browser else None}


class EvidenceMiddleware:
    def __init__(self, store: EvidenceStore, browser_maxsize: int, stats) -> None:
        self.store, self.browser_maxsize, self.stats = store, browser_maxsize, stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            EvidenceStore(settings["PATROLI_DATA_DIR"]),
            settings.getint("PATROLI_BROWSER_MAXSIZE"),
            crawler.stats,
        )

    def process_request(self, request, spider=None):
        meta = request.meta
        if meta.get("evidence") and meta.get("playwright") and not meta.get("patroli_hooked"):
            meta["patroli_hooked"] = True  # retries copy meta: hook the page once
            request.meta["playwright_page_init_callback"] = record_network
            methods = list(request.meta.get("playwright_page_methods") or ())
            methods.append(PageMethod(finish_capture, self.browser_maxsize))
            request.meta["playwright_page_methods"] = methods
        return None

    async def process_response(self, request, response, spider=None):
        if not request.meta.get("evidence") or request.url.endswith("/robots.txt"):
            return response
        if "playwright" in response.flags:
            record = await self._browser_capture(request, response)
        else:
            record = await asyncio.to_thread(self._http_capture, request, response)
        request.meta["capture"] = record
        self.stats.inc_value(f"patroli/evidence/{record.kind}")
        return response

    def _http_capture(self, request, response):
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            status=response.status,
            reason=_reason(response.status),
            response_headers=_header_pairs(response.headers),
            body=response.body,
        )
        return self.store.capture(url=response.url, kind="http", exchanges=[exchange])

    async def _browser_capture(self, request, response):
        exchanges, pending = request.meta.get("patroli_network", ([], []))
        if pending:
            await asyncio.wait(pending, timeout=10)
        finished = request.meta["playwright_page_methods"][-1].result or {}
        # The navigation response first: its status is the capture's status.
        exchanges = sorted(exchanges, key=lambda e: e.url != response.url)
        return await asyncio.to_thread(
            self.store.capture,
            url=response.url,
            kind="browser",
            exchanges=exchanges,
            rendered_html=response.body,
            screenshot=finished.get("screenshot"),
            browser=finished.get("browser"),
        )


class CaptureToItemMiddleware:
    """Items produced from a captured response carry that capture to the pipelines."""

    def process_spider_output(self, response, result, spider=None):
        for output in result:
            yield self._attach(response, output)

    async def process_spider_output_async(self, response, result, spider=None):
        async for output in result:
            yield self._attach(response, output)

    @staticmethod
    def _attach(response, output):
        if isinstance(output, ListingItem | SellerItem | StatusItem) and output.capture is None:
            output.capture = response.meta.get("capture")
        return output
