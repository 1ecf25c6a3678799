"""One crawl worked by many processes: a scrapy-redis scheduler whose requests are leased.

Every worker (on one machine or many) running the same spider with the same `PATROLI_QUEUE`
shares, in Redis:

- `patroli:queue:NAME:pending`: scrapy-redis' priority queue (a sorted set of pickled
  requests, score = -priority);
- `patroli:queue:NAME:inflight`: a hash of the requests a worker has taken and not yet
  settled, field `WORKER|N`, value `SCORE BLOB` (enough to put it back as it was);
- `patroli:queue:NAME:dupefilter`: the fingerprints ever scheduled (a set);
- `patroli:queue:NAME:workers`: a sorted set, worker -> lease end (ms, Redis' own clock);
- `patroli:queue:NAME:stats`: counters (done, failed, requeued); `patroli:queues` the names.

The semantics are the durable frontier's (crawler/frontier.py): a popped request moves into
`inflight` atomically and leaves it only when settled — its callback is through and every
item it produced is stored (or it failed for good). A worker renews its lease from a thread;
any worker finding an inflight request whose worker's lease has run out puts it back in
`pending`. A request is scheduled (fingerprint seen + queued, the request it replaces
settled) in one script, so a SIGKILL between two steps cannot lose a URL."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler

from crawler.frontier import DONE, FAILED, DurableScheduler, connect_settling
from crawler.middlewares.failures import report_failure
from crawler.redis_queue import QUEUES, LeasedQueue, SharedDupeFilter, new_worker_id, queue_keys
from crawler.signals import items_storing

__all__ = ["QUEUES", "LeasedQueue", "RedisScheduler", "SharedDupeFilter", "queue_keys"]
logger = logging.getLogger(__name__)


class _Lease(threading.Thread):
    """Renews the worker's lease from a thread of its own: a busy reactor (a long flush, a
    large page) must not make a live worker look dead; a killed one stops renewing."""

    def __init__(self, queue: LeasedQueue, seconds: float) -> None:
        super().__init__(name="patroli-lease", daemon=True)
        self.queue, self.seconds = queue, seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.seconds / 3):
            try:
                back = self.queue.renew(self.seconds)
            except Exception as error:  # Redis away for a moment: try again next beat
                logger.warning("queue lease not renewed: %s", error)
                continue
            if back:
                logger.warning("%d requests of a dead worker back in the queue", back)

    def stop(self) -> None:
        self.stopping.set()
        self.join(self.seconds)


class RedisScheduler(Scheduler):
    """scrapy-redis' scheduler over a LeasedQueue, settling requests like DurableScheduler.

    Settings: PATROLI_REDIS_URL, PATROLI_QUEUE (the name), PATROLI_QUEUE_LEASE_SECONDS (30: a
    silent worker's requests go back after this long), PATROLI_QUEUE_IDLE_SECONDS (5: all
    close once pending and inflight have stayed empty this long), PATROLI_QUEUE_FORGET_SECONDS
    (60: a finished crawl's seen set lasts this long for late workers, then the queue is new)."""

    # A request is done when its callback is through and every item it produced is stored:
    # the durable frontier's bookkeeping, settling through `self.frontier` = self.settle.
    _item_produced = DurableScheduler._item_produced
    _response_finished = DurableScheduler._response_finished
    _stored = DurableScheduler._stored
    _item_lost = DurableScheduler._item_lost
    _settle_if_complete = DurableScheduler._settle_if_complete
    _settled = DurableScheduler._settled

    def __init__(self, server, *, crawler, name: str, lease: float, idle: float, forget: float,
                 **kwargs):  # fmt: skip
        super().__init__(server, **kwargs)
        self.crawler, self.name = crawler, name
        self.lease_seconds, self.idle_seconds, self.forget_seconds = lease, idle, forget
        self.worker = crawler.settings.get("PATROLI_WORKER_ID") or new_worker_id()
        self.outstanding: Counter[str] = Counter()
        self.finished: set[str] = set()
        self.held: dict[str, Request] = {}  # taken here, not settled yet
        self.suspects: set[str] = set()  # held at the last idle moment
        self.orphaned: Counter[str] = Counter()  # URL -> times given back for want of a home
        self.quiet_since: float | None = None
        self.wake_call = None
        self.lease: _Lease | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        name = settings.get("PATROLI_QUEUE")
        dupefilter = SharedDupeFilter.from_crawler(crawler)
        server = dupefilter.server  # one connection pool for the queue and its dupefilter
        server.ping()
        scheduler = cls(
            server, crawler=crawler, name=name, persist=True, dupefilter=dupefilter,
            queue_key=queue_keys(name)["pending"], queue_cls="crawler.redis_queue.LeasedQueue",
            lease=settings.getfloat("PATROLI_QUEUE_LEASE_SECONDS", 30.0),
            idle=settings.getfloat("PATROLI_QUEUE_IDLE_SECONDS", 5.0),
            forget=settings.getfloat("PATROLI_QUEUE_FORGET_SECONDS", 60.0),
        )  # fmt: skip
        scheduler.stats = crawler.stats
        connect_settling(crawler, scheduler)
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.frontier = self  # DurableScheduler's bookkeeping settles through self.settle
        self.queue = LeasedQueue(
            self.server, spider, self.queue_key, self.serializer,
            name=self.name, worker=self.worker,
        )  # fmt: skip
        self.server.sadd(QUEUES, self.name)
        if recent := self.queue.remember():
            logger.warning(
                "queue %s: a crawl on it finished moments ago; what it fetched counts as seen "
                "(it was to be forgotten in %d s)", self.name, recent,
            )  # fmt: skip
        back = self.queue.renew(self.lease_seconds)
        self.lease = _Lease(self.queue, self.lease_seconds)
        self.lease.start()
        logger.info(
            "worker %s on queue %s: %d pending, %d in flight (%d taken back from dead workers)",
            self.worker, self.name, len(self.queue),
            self.server.hlen(self.queue.keys["inflight"]), back,
        )  # fmt: skip

    def close(self, reason):
        if self.wake_call is not None and self.wake_call.active():
            self.wake_call.cancel()
        if self.lease is None:  # it never opened
            self.server.close()
            return
        self.lease.stop()
        try:
            # What this worker still holds was not finished: it goes back for the others.
            back = self.queue.renew(self.lease_seconds, leaving=True)
            forgot = reason == "finished" and self.queue.forget_if_done(self.forget_seconds)
            self.stats.set_value("patroli/queue", {
                "name": self.name, "worker": self.worker, "returned": back,
                "forgot_seen": forgot,
            })  # fmt: skip
        finally:
            self.server.close()

    def settle(self, fields, state: int = DONE) -> int:
        for field in fields:
            self.held.pop(field, None)
        return self.queue.settle(fields, state)

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def enqueue_request(self, request) -> bool:
        # A retry or redirect of a request taken earlier replaces it (see DurableScheduler).
        replaces = request.meta.pop("frontier_fingerprint", None)
        fingerprint = self.df.request_fingerprint(request)
        try:
            added = self.queue.schedule(request, fingerprint, replaces)
            self.held.pop(replaces, None)
        except (ValueError, TypeError, AttributeError) as error:  # pickling a stray object
            logger.error("cannot schedule %s: %s", request.url, error)
            self.stats.inc_value("scheduler/unserializable")
            request.meta["frontier_fingerprint"] = replaces
            report_failure(self.crawler, request, f"cannot schedule: {error}")
            return False
        if not added:
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")
            if replaces and request.meta.get("redirect_urls"):
                hops = " -> ".join([*request.meta["redirect_urls"], request.url])
                report_failure(self.crawler, request, f"redirect to a page seen: {hops}")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        while (taken := self.queue.take()) is not None:
            field, blob = taken
            try:
                request = self.queue._decode_request(blob)
            except Exception as error:  # a request this spider cannot read: settled failed
                logger.error("queue %s: unreadable request dropped: %s", self.name, error)
                self.queue.settle([field], FAILED)
                continue
            request.meta["frontier_fingerprint"] = field
            self.held[field] = request
            self.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def _spider_idle(self, spider=None) -> None:
        """Nobody closes while anything is pending or in flight anywhere (another worker's
        page may yield new requests); all close once both stayed empty a short while."""
        try:
            if not self._items_storing():
                self._give_back_orphans()
            self.queue.renew(self.lease_seconds)  # a dead worker's requests come back now
            busy = self.queue.busy()
        except Exception as error:
            logger.warning("queue %s unreachable: %s", self.name, error)
            busy = True
        now = time.monotonic()
        if busy:
            self.quiet_since = None
        elif self.quiet_since is None:
            self.quiet_since = now
        if busy or now - self.quiet_since < self.idle_seconds:
            self._wake_soon()
            raise DontCloseSpider

    def _items_storing(self) -> bool:
        # A batch being written (in the pipeline's thread) is on its way, not lost.
        answers = self.crawler.signals.send_catch_log(items_storing)
        return any(answer is True for _, answer in answers)

    def _give_back_orphans(self) -> None:
        """Held across two idle moments (nothing downloading, scraping or waiting to be
        stored): what the request produced was lost on the way — a batch the casebook
        refused, a callback that raised. It goes back to the queue once; the second time it
        is a failure of its own (logged), not a crawl that never ends."""
        stuck = self.suspects & self.held.keys()
        self.suspects = set(self.held) - stuck
        again = []
        for field in stuck:
            request = self.held.pop(field)
            self.finished.discard(field)
            self.outstanding.pop(field, None)
            self.orphaned[request.url] += 1
            if self.orphaned[request.url] == 1:
                again.append(field)
            else:
                report_failure(self.crawler, request, "what it produced could not be stored")
        if again:
            logger.warning("%d requests whose items were lost go back to the queue", len(again))
            self.queue.give_back(again)

    def _wake_soon(self) -> None:
        # Scrapy looks at an idle scheduler only every 5 s; others' requests are wanted now.
        from twisted.internet import reactor

        if self.wake_call is None or not self.wake_call.active():
            self.wake_call = reactor.callLater(0.5, self._wake)

    def _wake(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()
