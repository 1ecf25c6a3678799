"""The shared politeness limiter on a real Redis: spacing and concurrency hold across several
worker processes, a killed worker's slot frees itself, and the server-side measure catches an
impolite crawler."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time

import pytest

from crawler.politeness import PREFIX, SharedLimiter
from patroli.demo.requestlog import Visit, _hostname, politeness

# One worker process: `tasks` requests at a time, each taking a grant, holding its slot for
# `hold` seconds, giving it back. Prints its (grant, release) times on the Redis clock.
WORKER = textwrap.dedent(
    """
    import asyncio, json, sys
    import redis.asyncio
    from crawler.politeness import SharedLimiter

    url, prefix, delay, concurrency, tasks, grants, hold = sys.argv[1:]

    async def main():
        client = redis.asyncio.Redis.from_url(url)
        limiter = SharedLimiter(client, float(delay), int(concurrency), 30.0, prefix=prefix)
        spans = []

        async def one():
            for _ in range(int(grants)):
                lease = limiter.new_lease()
                grant = await limiter.acquire("shop.example", lease)
                await asyncio.sleep(float(hold))
                spans.append((grant.at, await limiter.release("shop.example", lease)))

        await asyncio.gather(*(one() for _ in range(int(tasks))))
        await client.aclose()
        print(json.dumps(spans))

    asyncio.run(main())
    """
)
# Takes one slot, says when, and then never gives it back (the test kills it).
HOLDER = textwrap.dedent(
    """
    import asyncio, sys, time
    import redis.asyncio
    from crawler.politeness import SharedLimiter

    async def main():
        client = redis.asyncio.Redis.from_url(sys.argv[1])
        limiter = SharedLimiter(client, 0.0, 1, float(sys.argv[2]))
        grant = await limiter.acquire("shop.example", limiter.new_lease())
        print(grant.at, flush=True)
        time.sleep(600)

    asyncio.run(main())
    """
)


def run_workers(redis_url, *, delay, concurrency, shared=True, workers=3, tasks=3, grants=4,
                hold=0.05) -> list[tuple[float, float]]:  # fmt: skip
    processes = []
    for n in range(workers):
        prefix = PREFIX if shared else f"{PREFIX}w{n}:"
        arguments = [prefix, delay, concurrency, tasks, grants, hold]
        command = [sys.executable, "-c", WORKER, redis_url, *map(str, arguments)]
        processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    spans = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        spans += [tuple(span) for span in json.loads(out)]
    assert len(spans) == workers * tasks * grants
    return spans


def as_visits(spans) -> list[Visit]:
    return [Visit("shop.example", "/", start, end) for start, end in spans]


@pytest.mark.parametrize(
    "delay, concurrency, shared, polite",
    [
        (0.1, 4, True, True),  # the delay is what binds
        (0.0, 2, True, True),  # the concurrency is what binds
        (0.03, 1, True, True),  # both
        # Hard negatives: a limiter per process (what scrapy-redis gives) is not polite.
        (0.1, 4, False, False),
        (0.0, 2, False, False),
    ],
)
def test_limits_hold_across_worker_processes(redis_url, delay, concurrency, shared, polite):
    spans = run_workers(redis_url, delay=delay, concurrency=concurrency, shared=shared)
    # Grant and release times come from the Redis clock, so they are exact, not sampled.
    seen = politeness(as_visits(spans), window=1.0)["shop.example"]
    holds = seen.max_concurrency <= concurrency and seen.min_gap >= delay - 1e-5
    assert holds is polite, seen


def test_a_killed_workers_slot_frees_itself_after_its_lease(redis_url):
    import redis.asyncio

    lease_seconds = 1.0
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url, str(lease_seconds)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        held_at = float(holder.stdout.readline())
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()

    async def other_worker():
        client = redis.asyncio.Redis.from_url(redis_url)
        limiter = SharedLimiter(client, 0.0, 1, lease_seconds)
        try:
            first = await limiter.try_acquire("shop.example", limiter.new_lease())
            later = await asyncio.wait_for(
                limiter.acquire("shop.example", limiter.new_lease()), timeout=30
            )
        finally:
            await client.aclose()
        return first, later

    first, later = asyncio.run(other_worker())
    assert not first.granted  # the dead worker's slot is still counted ...
    assert later.granted and later.at >= held_at + lease_seconds  # ... until its lease lapses


def test_a_live_worker_keeps_its_slot_by_renewing(redis_url):
    import redis.asyncio

    async def scenario():
        client = redis.asyncio.Redis.from_url(redis_url)
        alive = SharedLimiter(client, 0.0, 1, 0.6)
        other = SharedLimiter(client, 0.0, 1, 0.6)
        try:
            lease = alive.new_lease()
            await alive.acquire("shop.example", lease)
            for _ in range(5):  # 1.5 s: well past the lease, renewed every 0.3 s
                await asyncio.sleep(0.3)
                await alive.renew({lease: "shop.example"})
            refused = await other.try_acquire("shop.example", other.new_lease())
            await alive.release("shop.example", lease)
            granted = await other.try_acquire("shop.example", other.new_lease())
        finally:
            await client.aclose()
        return refused, granted

    refused, granted = asyncio.run(scenario())
    assert not refused.granted
    assert granted.granted


class BusyLimiter(SharedLimiter):
    """Reads its first answer only after `stall` seconds, as a worker whose event loop a
    pipeline batch holds while the answer waits in the socket."""

    def __init__(self, *args, stall: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stall, self.answers = stall, []

    async def try_acquire(self, domain, lease):
        grant = await super().try_acquire(domain, lease)
        if not self.answers:
            time.sleep(self.stall)  # blocks the loop, as the batch does
        self.answers.append(grant)
        return grant


@pytest.mark.parametrize(
    "delay, stall, given_back",
    [
        (0.5, 0.3, True),  # granted, but read after the start was due: asked again
        (0.5, 0.02, False),  # read in time: used
        (0.0, 0.3, False),  # no spacing to keep: a late answer harms nothing
    ],
)
def test_a_grant_read_too_late_is_given_back(redis_url, delay, stall, given_back):
    import redis.asyncio

    async def scenario():
        client = redis.asyncio.Redis.from_url(redis_url)
        limiter = BusyLimiter(client, delay, 4, 30.0, stall=stall)
        try:
            grant = await limiter.acquire("shop.example", limiter.new_lease())
            held = await client.zcard(f"{PREFIX}shop.example:leases")
        finally:
            await client.aclose()
        return limiter, grant, held

    limiter, grant, held = asyncio.run(scenario())
    first = limiter.answers[0]
    assert first.granted
    assert (limiter.stale, grant is not first) == (int(given_back), given_back)
    assert held == 1  # the late lease went back; only the one used is held
    if given_back:
        assert grant.at >= first.at + delay - 1e-5  # the new start keeps the spacing


@pytest.mark.parametrize(
    "times, expected",
    [
        # (arrived, ended) per request -> (max concurrency, min gap, max in a 1 s window)
        ([(0.0, 0.4), (0.5, 0.9), (1.0, 1.4)], (1, 0.5, 2)),
        ([(0.0, 1.0), (0.2, 1.2), (0.4, 1.4)], (3, 0.2, 3)),
        ([(0.0, 0.5), (0.5, 1.0)], (1, 0.5, 2)),  # one ends as the next arrives: not at once
        ([(0.0, 0.1), (1.0, 1.1), (2.0, 2.1)], (1, 1.0, 1)),  # window is half-open
        ([(3.0, 3.1)], (1, None, 1)),
    ],
)
def test_server_side_measure(times, expected):
    visits = [Visit("a.example", "/", start, end) for start, end in times]
    visits.append(Visit("b.example", "/", 0.0, 9.0))  # another domain never counts
    seen = politeness(visits, window=1.0)["a.example"]
    assert (seen.max_concurrency, seen.min_gap, seen.max_in_window) == pytest.approx(expected)


@pytest.mark.parametrize(
    "url, domain",
    [
        ("http://Shop.Example:8080/p/1", "shop.example"),  # one server, whatever the port
        ("https://shop.example/p/1", "shop.example"),
        ("http://127.0.0.5:8801/", "127.0.0.5"),
        ("http://[::1]:8080/", "::1"),
        ("http://www.shop.example/", "www.shop.example"),  # another host: Scrapy's slot too
    ],
)
def test_the_domain_a_request_is_polite_to(url, domain):
    from scrapy import Request

    from crawler.politeness import domain_key

    assert domain_key(Request(url)) == domain


@pytest.mark.parametrize(
    "host, domain",
    [("127.0.0.5:8801", "127.0.0.5"), ("Shop.Example", "shop.example"), ("[::1]:80", "::1")],
)
def test_domain_of_a_host_header(host, domain):
    assert _hostname({"HTTP_HOST": host}) == domain


# A Scrapy crawl of the given URLs with Patroli's robots.txt middleware and the shared limiter
# placed as settings place it; AutoThrottle and a jittered local delay on, as in production.
CRAWL = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess

    redis_url, urls = sys.argv[1], json.loads(sys.argv[2])

    class Fetch(scrapy.Spider):
        name = "fetch"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):
            pass

    process = CrawlerProcess({
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
            "crawler.politeness.SharedPolitenessMiddleware": 990,
        },
        "ROBOTSTXT_OBEY": True,
        "PATROLI_REDIS_URL": redis_url,
        "DOWNLOAD_DELAY": 0.3,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        "PATROLI_POLITE_CONCURRENCY": 2,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
    })
    process.crawl(Fetch)
    process.start()
    """
)


def shop(environ, start_response):
    """A site whose every page is a line of text; robots.txt allows all but /private."""
    path = environ["PATH_INFO"]
    body = b"User-agent: *\nDisallow: /private\n" if path == "/robots.txt" else path.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.mark.slow
@pytest.mark.parametrize("shared", [True, False])  # False: each process polite by itself only
def test_scrapy_workers_stay_polite_per_domain(redis_url, shared):
    from patroli.demo.requestlog import LoggedSites, RequestLog

    log = RequestLog(shop, latency=(0.2, 0.6))
    with LoggedSites(log, ["127.0.0.2", "127.0.0.3"]) as sites:
        urls = [f"{base}/page/{n}" for base in sites.base_urls.values() for n in range(8)]
        urls += [f"{base}/private/1" for base in sites.base_urls.values()]  # robots refuses
        arguments = [redis_url if shared else "", json.dumps(urls)]
        command = [sys.executable, "-c", CRAWL, *arguments]
        crawls = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for crawl in crawls:
            _, errors = crawl.communicate(timeout=120)
            assert crawl.returncode == 0, errors
            assert "Traceback" not in errors, errors
    seen = politeness(log.visits, window=3.0)
    assert {domain: s.requests for domain, s in seen.items()} == {
        "127.0.0.2": 3 * 9,  # each worker: robots.txt and 8 pages, never /private
        "127.0.0.3": 3 * 9,
    }
    # The server sees a request a little after its grant (the event loop, the connection): the
    # gap may shrink by that much, never to the near-zero of workers that do not coordinate.
    polite = all(s.max_concurrency <= 2 and s.min_gap >= 0.3 - 0.1 for s in seen.values())
    assert polite is shared, seen


@pytest.mark.parametrize(
    "redis, queue, shared",
    [(None, None, False), ("redis://127.0.0.1:6379/0", None, True),
     ("redis://127.0.0.1:6379/0", "q", True)],
)  # fmt: skip
def test_every_crawl_takes_the_shared_politeness_when_a_redis_is_set(config, redis, queue, shared):
    from dataclasses import replace

    from patroli.crawling import crawl_settings

    overrides = {"PATROLI_QUEUE": queue} if queue else {}
    settings = crawl_settings(replace(config, redis_url=redis), overrides)
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert ("crawler.politeness.SharedPolitenessMiddleware" in middlewares) is shared
    assert settings.get("PATROLI_REDIS_URL") == redis
    assert (settings["SCHEDULER"] == "crawler.distributed.RedisScheduler") is bool(queue)


@pytest.mark.parametrize("answers", [True, False])
def test_a_redis_that_does_not_answer_leaves_a_crawl_its_own_politeness(redis_url, answers, caplog):
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.politeness import SharedPolitenessMiddleware

    url = redis_url if answers else "redis://:secret@127.0.0.1:9/0"  # the discard port
    crawler = get_crawler(settings_dict={"PATROLI_REDIS_URL": url})
    if answers:
        middleware = SharedPolitenessMiddleware.from_crawler(crawler)
        asyncio.run(middleware.client.aclose())
        return
    with pytest.raises(NotConfigured):
        SharedPolitenessMiddleware.from_crawler(crawler)
    (line,) = [r.getMessage() for r in caplog.records if "politeness off" in r.getMessage()]
    assert "127.0.0.1:9" in line and "secret" not in line
