"""robots.txt, obeyed by every request — including those queued while it is being fetched."""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Scrapy's middleware (2.13+) has every request that arrives while robots.txt is in flight
    await one shared Deferred; on the asyncio reactor the first awaiter takes the parser and
    the others get None, which reads as "no robots.txt": their pages were fetched even when
    disallowed. Each waiter gets its own Deferred here, as Scrapy did before 2.13."""

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
