"""robots.txt as RFC 9309 has it, obeyed by every request — also those queued while it is
being fetched."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

logger = logging.getLogger("patroli.robots")


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Two departures from Scrapy's middleware.

    Scrapy (2.13+) has every request that arrives while robots.txt is in flight await one
    shared Deferred; on the asyncio reactor the first awaiter takes the parser and the others
    get None, which reads as "no robots.txt": their pages were fetched even when disallowed.
    Each waiter gets its own Deferred here, as Scrapy did before 2.13.

    Scrapy reads a robots.txt answered with a server error as if it were the file (allowing
    everything). RFC 9309 §2.3.1.4: a server that cannot serve robots.txt (5xx; 429 by
    common practice) must be taken as disallowing the whole site — we do not add load to a
    server that is already failing. Network errors keep Scrapy's behaviour: the page's own
    fetch then fails and is reported with its real reason (a domain that no longer resolves
    matters to a re-check)."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self._unreachable: dict[str, str] = {}

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def hand_on(parser):
            mine.callback(parser)
            return parser  # kept in the chain for the next waiter

        pending.addCallback(hand_on)
        return await maybe_deferred_to_future(mine)

    async def _parse_robots(self, response, netloc: str, request) -> None:
        if response.status == 429 or response.status >= 500:
            reason = f"robots.txt unreachable (HTTP {response.status}): site taken as disallowed"
            self._unreachable[netloc] = reason
            logger.warning("%s: %s for this crawl (RFC 9309)", netloc, reason)
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp, request) -> None:
        reason = self._unreachable.get(urlparse_cached(request).netloc)
        if reason:
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(reason)
        super().process_request_2(rp, request)
