"""Every URL that could not be fetched is logged once, with the reason, and the crawl goes on."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from crawler.signals import fetch_failed, request_settled

logger = logging.getLogger("patroli.failures")


class FailureLogMiddleware:
    """Sits just below RetryMiddleware: what reaches it has used up its retries."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        allowed = set(getattr(spider, "handle_httpstatus_list", ()) or ())
        allowed |= set(request.meta.get("handle_httpstatus_list", ()) or ())
        handles_all = request.meta.get("handle_httpstatus_all") or getattr(
            spider, "handle_httpstatus_all", False
        )
        if response.status >= 400 and response.status not in allowed and not handles_all:
            self._failed(request, f"HTTP {response.status}")
        return response

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, IgnoreRequest):
            reason = str(exception) or "ignored"
        else:
            reason = f"{type(exception).__name__}: {exception}".strip()
        self._failed(request, reason[:500])
        return None

    def _failed(self, request, reason: str) -> None:
        if request.url.endswith("/robots.txt"):  # a missing robots.txt allows everything
            return
        logger.warning("could not fetch %s: %s", request.url, reason)
        self.crawler.stats.inc_value("patroli/failed_urls")
        self.crawler.signals.send_catch_log(request_settled, request=request, failed=True)
        self.crawler.signals.send_catch_log(fetch_failed, url=request.url, reason=reason)
