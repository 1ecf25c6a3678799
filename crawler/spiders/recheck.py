"""`recheck`: are known links still up? Each is fetched with evidence and judged active,
nonactive (positive evidence only: 404/410, the site's "not found" page, a redirect home where
its profile says so, a domain gone) or unknown (a bot block, a wall, a timeout: tried again
later) — SOP step 4, just before a takedown list is sent, and step 8, monitoring."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from casebook.services import rechecks
from crawler.items import StatusItem
from crawler.middlewares.failures import failure_reason, report_failure
from crawler.pages.status import failure_status, link_status
from crawler.profiles import Profile, profile_for
from crawler.spiders.base import PatroliSpider, split_arg

logger = logging.getLogger(__name__)
# Every error status is an answer here, not a failure; redirects are still followed (which
# `handle_httpstatus_all` would stop), since a redirect home can be the site saying "gone".
ANSWERS = list(range(400, 600))
NAVIGATION_STATUS = "() => performance.getEntriesByType('navigation')[0]?.responseStatus || 0"


class RecheckSpider(PatroliSpider):
    name = "recheck"
    custom_settings = {"REDIRECT_ENABLED": True, "RETRY_HTTP_CODES": [500, 502, 503, 504, 522]}

    def __init__(self, *args, ids="", status="", platform="", due="", **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.ids = [int(i) for i in split_arg(ids)]
        except ValueError:
            raise ValueError(f"recheck: ids must be listing numbers, not {ids!r}") from None
        self.status, self.platform = status or None, platform or None
        if self.status not in (None, *rechecks.VERDICTS):
            known = ", ".join(rechecks.VERDICTS)
            raise ValueError(f"recheck: no status {status!r} (one of {known})")
        # A sweep honours each link's back-off; links an officer names are checked now.
        self.due = str(due).lower() in ("1", "true", "yes") if due != "" else not self.ids

    async def start(self):
        """The links, a page at a time: a sweep of millions never sits in memory at once."""
        wanted = {"ids": self.ids, "status": self.status, "platform": self.platform}
        wanted["due_at"] = datetime.now(UTC) if self.due else None
        after_id = 0
        while True:
            with self.casebook_session() as session:
                links = rechecks.links_to_recheck(session, after_id=after_id, **wanted)
            if not links:
                return
            for link in links:
                yield self.recheck_request(link)
            after_id = links[-1].listing_id

    def recheck_request(self, link: rechecks.LinkToCheck):
        site = profile_for(link.url, self.bases)
        meta: dict = {"handle_httpstatus_list": ANSWERS}
        if site and site.browser:
            from scrapy_playwright.page import PageMethod

            meta["playwright_page_methods"] = [PageMethod(wait_quietly, _ready(site), 15_000)]
        return self.page_request(
            link.url,
            self.parse_status,
            site,
            evidence=True,
            dont_filter=True,
            meta=meta,
            cb_kwargs={"listing_id": link.listing_id},
            errback=self.unanswered,
        )

    def parse_status(self, response, listing_id: int):
        asked = (response.meta.get("redirect_urls") or [response.request.url])[0]
        verdict = link_status(response, profile_for(asked, self.bases))
        if verdict.status == "unknown":
            logger.warning("re-check of %s inconclusive: %s", asked, verdict.reason)
        yield StatusItem(asked, listing_id, verdict.status, verdict.reason, response.status)

    def unanswered(self, failure):
        """No answer at all: unknown, except a domain that does not exist, asked again.
        (Re-check requests never hold a browser page open, so there is none to close.)"""
        request = failure.request
        reason = failure_reason(failure.value)
        report_failure(self.crawler, request, reason)
        attempts = request.meta.get("retry_times", 0) + 1
        verdict = failure_status(failure.value, attempts, reason)
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        yield StatusItem(asked, request.cb_kwargs["listing_id"], *verdict)


async def wait_quietly(page, selector: str, timeout: float) -> None:
    """Wait for the page to show something the profile knows; a page that shows none of it
    (a bot block, an error page) is still the answer, read as it is, not a failed fetch. An
    error status is the answer already: nothing more will render."""
    from playwright.async_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        if await page.evaluate(NAVIGATION_STATUS) >= 400:
            return
    with contextlib.suppress(PlaywrightError):  # its TimeoutError among them
        await page.wait_for_selector(selector, timeout=timeout)


def _ready(site: Profile) -> str:
    """What a browser waits for: the listing, the removed notice, or a wall in front of them."""
    selectors = [site.post.get("ready") or site.product.get("page")]
    selectors += [site.login.get("wall"), *site.blocked.get("selectors", ())]
    return ", ".join(s for s in selectors if s)
