"""`recheck`: are known links still up? Each is fetched with evidence and judged active or
nonactive (404/410, the site's "not found" page, a redirect to the home page, a banned
seller) — SOP step 4, just before a takedown list is sent, and step 8, monitoring."""

from __future__ import annotations

import logging

from sqlalchemy import select
from twisted.internet.error import DNSLookupError

from casebook.models import Listing
from crawler.items import StatusItem
from crawler.pages.status import link_status
from crawler.profiles import profile_for
from crawler.spiders.base import PatroliSpider, split_arg

logger = logging.getLogger(__name__)


class RecheckSpider(PatroliSpider):
    name = "recheck"
    custom_settings = {"REDIRECT_ENABLED": True, "RETRY_HTTP_CODES": [500, 502, 503, 504, 522]}

    def __init__(self, *args, ids="", status="", platform="", **kwargs):
        super().__init__(*args, **kwargs)
        self.ids = [int(i) for i in split_arg(ids)]
        self.status, self.platform = status or None, platform or None

    def links(self) -> list[tuple[int, str]]:
        query = select(Listing.id, Listing.url).order_by(Listing.id)
        if self.ids:
            query = query.where(Listing.id.in_(self.ids))
        if self.status:
            query = query.where(Listing.status == self.status)
        if self.platform:
            query = query.where(Listing.platform == self.platform)
        with self.casebook_session() as session:
            return list(session.execute(query).tuples())

    async def start(self):
        for listing_id, url in self.links():
            site = profile_for(url, self.bases)
            ready = (site.post.get("ready") or site.product.get("page")) if site else None
            yield self.page_request(
                url,
                self.parse_status,
                site,
                evidence=True,
                wait_for=ready if site and site.browser else None,
                dont_filter=True,
                meta={"handle_httpstatus_all": True},  # a 404 is an answer here, not an error
                cb_kwargs={"listing_id": listing_id},
                errback=self.unreachable,
            )

    def parse_status(self, response, listing_id: int):
        verdict = link_status(response, profile_for(response.url, self.bases)
                              or profile_for(response.request.url, self.bases))  # fmt: skip
        if verdict is None:
            logger.warning("re-check of %s inconclusive: HTTP %s", response.url, response.status)
            return
        status, reason = verdict
        yield StatusItem(response.request.url, listing_id, status, reason, response.status)

    def unreachable(self, failure):
        request = failure.request
        if failure.check(DNSLookupError):
            # The domain is gone: for a website that is a takedown; a network fault is not.
            yield StatusItem(request.url, request.cb_kwargs["listing_id"], "nonactive",
                             "domain no longer resolves")  # fmt: skip
        else:
            logger.warning("re-check of %s failed: %s", request.url, failure.value)
