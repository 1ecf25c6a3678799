"""Every URL that could not be fetched is logged once, with the reason, and the crawl goes on."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from crawler.signals import fetch_failed, request_settled

logger = logging.getLogger("patroli.failures")


def report_failure(crawler, request, reason: str) -> None:
    """Log a failed URL once, count it, and settle it in the frontier. Probes (a sitemap or an
    API tried on the off chance) are expected to fail and are only settled."""
    if request.meta.get("patroli_failure_reported"):
        return
    request.meta["patroli_failure_reported"] = True
    crawler.signals.send_catch_log(request_settled, request=request, failed=True)
    if request.meta.get("probe") or request.url.endswith("/robots.txt"):
        logger.debug("probe %s: %s", request.url, reason)
        return
    logger.warning("could not fetch %s: %s", request.url, reason)
    crawler.stats.inc_value("patroli/failed_urls")
    crawler.signals.send_catch_log(fetch_failed, url=request.url, reason=reason)


def failure_reason(exception: BaseException) -> str:
    if isinstance(exception, IgnoreRequest):
        return str(exception) or "ignored"
    return f"{type(exception).__name__}: {exception}".strip().rstrip(":")[:500]


class FailureLogMiddleware:
    """Sits just below RetryMiddleware: what reaches it has used up its retries."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        # The same exemptions Scrapy's HttpErrorMiddleware honours.
        allowed = set(getattr(spider, "handle_httpstatus_list", ()) or ())
        allowed |= set(request.meta.get("handle_httpstatus_list", ()) or ())
        handles_all = request.meta.get("handle_httpstatus_all", False)
        if response.status >= 400 and response.status not in allowed and not handles_all:
            report_failure(self.crawler, request, f"HTTP {response.status}")
        return response

    def process_exception(self, request, exception, spider=None):
        report_failure(self.crawler, request, failure_reason(exception))
        return None
