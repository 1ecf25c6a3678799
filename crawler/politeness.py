"""Per-domain politeness shared by every crawler process through Redis: one delay between the
starts of two requests to a domain and one cap on requests in flight, whichever worker sends
them (scrapy-redis limits only each process by itself).

One atomic Lua script decides a grant on the Redis server's clock (the workers' clocks may
disagree): the domain's next allowed start is kept in `patroli:polite:<domain>:next`, its
requests in flight are leases in the sorted set `patroli:polite:<domain>:leases` scored by
their expiry. A worker renews its leases while it lives; a killed worker's leases lapse after
PATROLI_POLITE_LEASE_SECONDS and free their slots by themselves.

The middleware must be the last downloader middleware before the downloader (priority
`PRIORITY`): its grant is the request's start only if nothing waits after it. Placed before
the robots.txt middleware, a page would hold a slot while waiting for robots.txt, which needs
a slot itself (a deadlock at concurrency 1) and starts long after its grant (spacing lost).
What it cannot see is its own process being busy after the grant (a pipeline batch holding
the event loop): a grant read late is given back, but one the loop holds after it was read
goes out late, and the server may see two starts closer than the delay (benchmarks/
distributed.py measures how often).

Settings: PATROLI_POLITE_DELAY (default DOWNLOAD_DELAY), PATROLI_POLITE_CONCURRENCY (default
CONCURRENT_REQUESTS_PER_DOMAIN), PATROLI_POLITE_LEASE_SECONDS (30).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

PREFIX = "patroli:polite:"
PRIORITY = 990  # after every other downloader middleware: see the module docstring
LEASE_META = "patroli_polite_lease"
POLL_SECONDS = 0.05  # how often a request waiting for a free slot asks again
STALE_SHARE = 0.2  # a grant answered later than this share of the delay is not used

# KEYS: next, leases. ARGV: lease id, delay s, concurrency, lease ttl s, poll s.
# Returns {granted 0|1, seconds to wait, server time of the decision} as strings: Redis
# truncates Lua numbers to integers, and tostring() keeps too few digits of an epoch time.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local delay, concurrency, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local wait = 0
local nextstart = tonumber(redis.call('GET', KEYS[1]) or '0')
if nextstart > now then wait = nextstart - now end
if redis.call('ZCARD', KEYS[2]) >= concurrency then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  wait = math.max(wait, math.min(tonumber(first[2]) - now, tonumber(ARGV[5])))
end
if wait > 0 then
  return {'0', string.format('%.6f', wait), string.format('%.6f', now)}
end
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[2], math.ceil(ttl * 1000) + 1000)
if delay > 0 then
  local keep = math.ceil(delay * 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.6f', now + delay), 'PX', keep)
end
return {'1', '0', string.format('%.6f', now)}
"""
# KEYS: leases. ARGV: lease id. Returns the server time of the release.
_RELEASE = """
local t = redis.call('TIME')
redis.call('ZREM', KEYS[1], ARGV[1])
return string.format('%.6f', tonumber(t[1]) + tonumber(t[2]) / 1000000)
"""
# KEYS: leases of each domain. ARGV: ttl s, then one lease id per key. A lease already gone
# (lapsed) is not brought back: ZADD XX only updates.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + ttl, ARGV[i + 1])
  redis.call('PEXPIRE', key, math.ceil(ttl * 1000) + 1000)
end
return #KEYS
"""


@dataclass(frozen=True)
class Grant:
    granted: bool
    wait: float  # seconds until asking again makes sense (0 when granted)
    at: float  # the Redis server's clock when decided


def domain_key(request) -> str:
    """The politeness domain of a request: its host, lowercased, without the port, as Scrapy's
    own download slot (two ports of one host are one server to be polite to)."""
    return (urlparse_cached(request).hostname or "").lower()


def _answers(redis_url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def _where(redis_url: str) -> str:
    """host:port of a Redis URL, never its password."""
    url = urlparse(redis_url)
    if url.hostname:
        return f"{url.hostname}:{url.port or 6379}"
    return redis_url.rsplit("@", 1)[-1]  # a unix socket path


class SharedLimiter:
    """The Redis side, for one worker: grants, releases and renews leases (redis.asyncio)."""

    def __init__(
        self, client, delay: float, concurrency: int, lease_seconds: float, prefix: str = PREFIX
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"politeness concurrency must be at least 1, got {concurrency}")
        self.client = client
        self.delay = max(0.0, delay)
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.prefix = prefix
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._numbers = itertools.count(1)
        self.stale = 0  # grants given back because they came too late to use
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)

    def new_lease(self) -> str:
        return f"{self.worker}:{next(self._numbers)}"

    async def try_acquire(self, domain: str, lease: str) -> Grant:
        keys = [f"{self.prefix}{domain}:next", f"{self.prefix}{domain}:leases"]
        args = [lease, self.delay, self.concurrency, self.lease_seconds, POLL_SECONDS]
        granted, wait, at = await self._acquire(keys=keys, args=args)
        return Grant(granted in (b"1", "1"), float(wait), float(at))

    async def acquire(self, domain: str, lease: str, sleep=asyncio.sleep) -> Grant:
        """Wait (without blocking the loop) until the domain may take one more request."""
        while True:
            asked = time.monotonic()
            grant = await self.try_acquire(domain, lease)
            if grant.granted and time.monotonic() - asked > self.delay * STALE_SHARE > 0:
                # The answer sat in the socket while this process was busy (a pipeline batch
                # holding the event loop): the start it granted is past, and the request would
                # go out next to the one granted after it. Give it back and ask again.
                await self.release(domain, lease)
                self.stale += 1
                continue
            if grant.granted:
                return grant
            await sleep(grant.wait)

    async def release(self, domain: str, lease: str) -> float:
        return float(await self._release(keys=[f"{self.prefix}{domain}:leases"], args=[lease]))

    async def renew(self, leases: dict[str, str]) -> None:
        """Push back the expiry of every lease held ({lease: domain})."""
        if leases:
            keys = [f"{self.prefix}{domain}:leases" for domain in leases.values()]
            await self._renew(keys=keys, args=[self.lease_seconds, *leases])


class SharedPolitenessMiddleware:
    """Holds each request until the shared limiter grants its domain a start; gives the slot
    back when the response or the error comes back. Does nothing (is not loaded) without
    PATROLI_REDIS_URL.

    Scrapy's own per-domain delay and AutoThrottle would add a wait *after* the grant, which
    breaks the spacing the grant promised (another worker's grant comes due meanwhile): the
    local slot's delay is cleared and AutoThrottle leaves these requests alone. Browser pages
    go through here like any request (scrapy-playwright is a download handler); the page's
    own sub-resources (images, scripts) are the browser's and are not counted."""

    def __init__(self, crawler, redis_url: str) -> None:
        import redis.asyncio

        settings = crawler.settings
        delay = settings.getfloat("PATROLI_POLITE_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        concurrency = settings.getint(
            "PATROLI_POLITE_CONCURRENCY", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        )
        lease_seconds = settings.getfloat("PATROLI_POLITE_LEASE_SECONDS", 30.0)
        self.crawler = crawler
        self.client = redis.asyncio.Redis.from_url(redis_url)
        self.limiter = SharedLimiter(self.client, delay, concurrency, lease_seconds)
        self.held: dict[str, str] = {}  # lease -> domain, renewed while this worker lives
        self._renewer: asyncio.Task | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        logger.info(
            "shared politeness on: %.2f s between starts, %d in flight per domain",
            self.limiter.delay,
            self.limiter.concurrency,
        )

    @classmethod
    def from_crawler(cls, crawler):
        redis_url = crawler.settings.get("PATROLI_REDIS_URL") or os.environ.get("PATROLI_REDIS_URL")
        if not redis_url:
            raise NotConfigured("no PATROLI_REDIS_URL: per-process politeness only")
        if not _answers(redis_url):
            # A patrol goes on without it, as polite as one process is by itself (Scrapy's
            # own delay stays in force); the log says the sharing is off.
            logger.error("shared politeness off: Redis %s does not answer; this crawl keeps "
                         "its own per-domain limits only", _where(redis_url))  # fmt: skip
            raise NotConfigured("Redis does not answer: per-process politeness only")
        return cls(crawler, redis_url)

    async def process_request(self, request, spider=None):
        await self._give_back(request)  # a retried or redirected copy carries the old lease
        domain = domain_key(request)
        if not domain:  # data: and file: URLs reach no server
            return None
        lease = self.limiter.new_lease()
        self.held[lease] = domain
        asked = time.monotonic()
        try:
            await self.limiter.acquire(domain, lease)
        except BaseException:
            self.held.pop(lease, None)
            raise
        stats = self.crawler.stats
        stats.inc_value("patroli/polite/granted")
        stats.inc_value("patroli/polite/waited_seconds", round(time.monotonic() - asked, 3))
        request.meta[LEASE_META] = lease
        self._start_renewing()
        request.meta["autothrottle_dont_adjust_delay"] = True
        self._clear_local_delay(request)
        return None

    async def process_response(self, request, response, spider=None):
        await self._give_back(request)
        return response

    async def process_exception(self, request, exception, spider=None):
        await self._give_back(request)
        return None

    async def _give_back(self, request) -> None:
        lease = request.meta.pop(LEASE_META, None)
        domain = self.held.pop(lease, None) if lease else None
        if domain is not None:
            await self.limiter.release(domain, lease)

    def _clear_local_delay(self, request) -> None:
        # The slot is made here if it is new, so that its first request already finds no delay:
        # a delay found once leaves a timer in the slot that holds later requests too.
        _, slot = self.crawler.engine.downloader._get_slot(request)
        slot.delay = 0.0
        slot.concurrency = max(slot.concurrency, self.limiter.concurrency)

    def _start_renewing(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.ensure_future(self._renew_forever())

    async def _renew_forever(self) -> None:
        while self.held:
            await asyncio.sleep(self.limiter.lease_seconds / 3)
            try:
                await self.limiter.renew(dict(self.held))
            except Exception as error:  # the next renewal may get through; the lease has time
                logger.warning("could not renew politeness leases: %s", error)

    async def spider_closed(self, spider=None) -> None:
        self.crawler.stats.set_value("patroli/polite/stale_grants", self.limiter.stale)
        if self._renewer is not None:
            self._renewer.cancel()
        for lease, domain in list(self.held.items()):
            try:
                await self.limiter.release(domain, lease)
            except Exception as error:  # it lapses after its ttl anyway
                logger.warning("could not release politeness lease %s: %s", lease, error)
        self.held.clear()
        await self.client.aclose()
