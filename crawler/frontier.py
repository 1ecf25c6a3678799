"""A durable crawl frontier: requests live in SQLite (in JOBDIR) from the moment they are
scheduled until the items they produced are stored in the casebook.

Scrapy's own JOBDIR queues are written on a clean shutdown only; a crawl killed with SIGKILL
loses them. Here every state change is committed at once, and a request counts as done only
after what it produced is durable, so a killed crawl started again neither loses a URL nor
repeats one (the casebook's upsert by canonical URL takes care of the rest)."""

from __future__ import annotations

import logging
import pickle
import secrets
import sqlite3
from collections import Counter
from pathlib import Path

from scrapy import Request, signals
from scrapy.utils.request import request_from_dict

from crawler.items import ListingItem, SellerItem, StatusItem
from crawler.middlewares.failures import report_failure
from crawler.signals import (
    item_produced,
    listings_stored,
    request_settled,
    response_finished,
)

logger = logging.getLogger(__name__)
PENDING, IN_FLIGHT, DONE, FAILED = 0, 1, 2, 3
# Meta that lives only while a request is in this process (a browser page's network recorder,
# a capture record, an open page, its place in the frontier, a politeness lease): a retry or a
# redirect carries it; a queued request (here or in Redis) must not.
PROCESS_ONLY_META = ("patroli_network", "capture", "playwright_page", "frontier_fingerprint",
                     "patroli_polite_lease")  # fmt: skip


def without_process_only_meta(request: Request) -> Request:
    if any(key in request.meta for key in PROCESS_ONLY_META):
        kept = {k: v for k, v in request.meta.items() if k not in PROCESS_ONLY_META}
        return request.replace(meta=kept)
    return request


_SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    priority INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    request BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS frontier_next ON frontier (state, priority DESC, id);
"""


class Frontier:
    """The table behind the scheduler; one row per fingerprint."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def resume(self) -> int:
        """Requests that were under way when the process died go back in the queue."""
        return self.db.execute(
            "UPDATE frontier SET state = ? WHERE state = ?", (PENDING, IN_FLIGHT)
        ).rowcount

    def add(self, fingerprint: str, priority: int, blob: bytes, *, dont_filter: bool) -> bool:
        if dont_filter:
            # A request the spider wants even if seen: a row of its own.
            fingerprint = f"{fingerprint}#{secrets.token_hex(6)}"
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO frontier (fingerprint, priority, request) VALUES (?, ?, ?)",
            (fingerprint, priority, blob),
        )
        return cursor.rowcount == 1

    def pop(self) -> tuple[str, bytes] | None:
        row = self.db.execute(
            "SELECT id, fingerprint, request FROM frontier WHERE state = ? "
            "ORDER BY priority DESC, id LIMIT 1",
            (PENDING,),
        ).fetchone()
        if row is None:
            return None
        self.db.execute("UPDATE frontier SET state = ? WHERE id = ?", (IN_FLIGHT, row[0]))
        return row[1], row[2]

    def settle(self, fingerprints: list[str], state: int = DONE) -> None:
        self.db.executemany(
            "UPDATE frontier SET state = ? WHERE fingerprint = ?",
            [(state, fp) for fp in fingerprints if fp],
        )

    def pending_count(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM frontier WHERE state = ?", (PENDING,)
        ).fetchone()[0]

    def counts(self) -> dict[str, int]:
        names = {PENDING: "pending", IN_FLIGHT: "in_flight", DONE: "done", FAILED: "failed"}
        rows = self.db.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall()
        return {names[state]: count for state, count in rows}

    def close(self) -> None:
        self.db.close()


class DurableScheduler:
    """Scrapy scheduler over a Frontier: `frontier.sqlite` in JOBDIR, or in memory."""

    def __init__(self, crawler, path: str) -> None:
        self.crawler, self.path = crawler, path
        self.fingerprinter = crawler.request_fingerprinter
        self.stats = crawler.stats
        self.pending = 0
        # A request is done when its callback finished and every item it produced is stored.
        self.outstanding: Counter[str] = Counter()
        self.finished: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        path = ":memory:"
        if jobdir:
            Path(jobdir).mkdir(parents=True, exist_ok=True)
            path = str(Path(jobdir) / "frontier.sqlite")
        scheduler = cls(crawler, path)
        connect_settling(crawler, scheduler)
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.frontier = Frontier(self.path)
        resumed = self.frontier.resume()
        self.pending = self.frontier.pending_count()
        if self.path != ":memory:":
            logger.info("frontier %s: %d pending (%d resumed)", self.path, self.pending, resumed)

    def close(self, reason):
        counts = self.frontier.counts()
        self.stats.set_value("patroli/frontier", counts)
        self.frontier.close()

    def has_pending_requests(self) -> bool:
        return self.pending > 0

    def enqueue_request(self, request: Request) -> bool:
        # A request that carries a frontier fingerprint was dequeued before: a redirect or a
        # retry of it. The new request takes its place; the old one is settled once the new
        # one is safely stored.
        replaces = request.meta.pop("frontier_fingerprint", None)
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        try:
            queued = without_process_only_meta(request).to_dict(spider=self.spider)
            blob = pickle.dumps(queued, protocol=5)
        except (ValueError, TypeError, pickle.PicklingError, AttributeError) as error:
            logger.error("cannot schedule %s: %s", request.url, error)
            self.stats.inc_value("scheduler/unserializable")
            return False
        added = self.frontier.add(
            fingerprint, request.priority, blob, dont_filter=request.dont_filter
        )
        if replaces:
            self.frontier.settle([replaces])
        if not added:
            self.stats.inc_value("dupefilter/filtered")
            if request.meta.get("redirect_urls"):
                hops = " -> ".join([*request.meta["redirect_urls"], request.url])
                request.meta["frontier_fingerprint"] = replaces
                report_failure(self.crawler, request, f"redirect loop: {hops}")
            return False
        self.pending += 1
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        popped = self.frontier.pop()
        if popped is None:
            self.pending = 0
            return None
        fingerprint, blob = popped
        self.pending -= 1
        self.stats.inc_value("scheduler/dequeued")
        request = request_from_dict(pickle.loads(blob), spider=self.spider)
        request.meta["frontier_fingerprint"] = fingerprint
        return request

    def _item_produced(self, fingerprint, **kwargs) -> None:
        self.outstanding[fingerprint] += 1

    def _response_finished(self, fingerprint, **kwargs) -> None:
        self.finished.add(fingerprint)
        self._settle_if_complete([fingerprint])

    def _stored(self, fingerprints, **kwargs) -> None:
        fingerprints = [fp for fp in fingerprints if fp]
        self.outstanding.subtract(fingerprints)
        self._settle_if_complete(fingerprints)

    def _item_lost(self, item, **kwargs) -> None:
        # A dropped item will not be stored; its request stays in flight and is retried on
        # resume only if the process dies before the response is finished.
        fingerprint = getattr(item, "request_fingerprint", None)
        if fingerprint:
            self._stored([fingerprint])

    def _settle_if_complete(self, fingerprints) -> None:
        complete = [
            fp for fp in set(fingerprints) if fp in self.finished and self.outstanding[fp] <= 0
        ]
        for fp in complete:
            self.finished.discard(fp)
            del self.outstanding[fp]
        if complete:
            self.frontier.settle(complete)

    def _settled(self, request, failed: bool, **kwargs) -> None:
        fingerprint = request.meta.get("frontier_fingerprint")
        if fingerprint:
            self.frontier.settle([fingerprint], FAILED if failed else DONE)


class FrontierSpiderMiddleware:
    """Tags items with the request they came from and tells the scheduler when a callback is
    through: by then every request it yielded is scheduled (committed)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_output(self, response, result, spider=None):
        fingerprint = response.meta.get("frontier_fingerprint")
        for output in result:
            self._tag(output, fingerprint)
            yield output
        self._finish(fingerprint)

    async def process_spider_output_async(self, response, result, spider=None):
        fingerprint = response.meta.get("frontier_fingerprint")
        async for output in result:
            self._tag(output, fingerprint)
            yield output
        self._finish(fingerprint)

    def _tag(self, output, fingerprint) -> None:
        if fingerprint and isinstance(output, ListingItem | SellerItem | StatusItem):
            output.request_fingerprint = fingerprint
            self.crawler.signals.send_catch_log(item_produced, fingerprint=fingerprint)

    def _finish(self, fingerprint) -> None:
        if fingerprint:
            self.crawler.signals.send_catch_log(response_finished, fingerprint=fingerprint)


def connect_settling(crawler, scheduler) -> None:
    """The signals by which a scheduler learns that a request is settled — its items stored,
    lost, or none produced — shared by this frontier and the Redis queue (crawler.distributed)."""
    connect = crawler.signals.connect
    connect(scheduler._item_produced, signal=item_produced)
    connect(scheduler._response_finished, signal=response_finished)
    connect(scheduler._stored, signal=listings_stored)
    connect(scheduler._item_lost, signal=signals.item_dropped)
    connect(scheduler._item_lost, signal=signals.item_error)
    connect(scheduler._settled, signal=request_settled)
