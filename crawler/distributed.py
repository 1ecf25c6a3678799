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
import os
import re
import socket
import threading
import time
from collections import Counter
from secrets import token_hex

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection, defaults
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.frontier import DONE, FAILED, DurableScheduler
from crawler.middlewares.failures import report_failure
from crawler.signals import item_produced, listings_stored, request_settled, response_finished

logger = logging.getLogger(__name__)

QUEUES = "patroli:queues"
QUEUE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
# Meta that lives only while a request is in this process (a page's network recorder, a
# capture record, an open page): a retry or redirect carries it, the queue must not.
TRANSIENT_META = ("patroli_network", "capture", "playwright_page", "frontier_fingerprint")


def queue_keys(name: str) -> dict[str, str]:
    """The Redis keys of queue NAME (metrics and tests read them too)."""
    if not QUEUE_NAME.fullmatch(name):
        raise ValueError(f"queue name {name!r}: use letters, digits, '.', '_' or '-' (at most 80)")
    prefix = f"patroli:queue:{name}"
    parts = ("pending", "inflight", "dupefilter", "workers", "stats")
    return {part: f"{prefix}:{part}" for part in parts}


_NOW_MS = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: dupefilter, pending, inflight, stats. ARGV: fingerprint, dont_filter, score, blob,
# the inflight field this request replaces ('' if none).
_SCHEDULE = """
local added = 0
if ARGV[2] == '1' or redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  added = 1
end
if ARGV[5] ~= '' and redis.call('HDEL', KEYS[3], ARGV[5]) == 1 then
  redis.call('HINCRBY', KEYS[4], 'done', 1)
end
return added
"""

# KEYS: pending, inflight. ARGV: the inflight field to file it under.
_TAKE = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('HSET', KEYS[2], ARGV[1], top[2] .. ' ' .. top[1])
return top[1]
"""

# KEYS: inflight, stats. ARGV: 'done' or 'failed', then the fields.
_SETTLE = """
local n = 0
for i = 2, #ARGV do n = n + redis.call('HDEL', KEYS[1], ARGV[i]) end
if n > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], n) end
return n
"""

# KEYS: workers, inflight, pending, stats. ARGV: worker to renew ('' none), lease ms, worker
# leaving ('' none). Leases that ran out are dropped and their requests go back to pending.
_LEASE = (
    _NOW_MS
    + """
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) end
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[1], ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local entries = redis.call('HGETALL', KEYS[2])
local back = 0
for i = 1, #entries, 2 do
  local worker = string.match(entries[i], '^(.*)|%d+$')
  if not worker or not redis.call('ZSCORE', KEYS[1], worker) then
    local value = entries[i + 1]
    local space = string.find(value, ' ', 1, true)
    redis.call('ZADD', KEYS[3], string.sub(value, 1, space - 1), string.sub(value, space + 1))
    redis.call('HDEL', KEYS[2], entries[i])
    back = back + 1
  end
end
if back > 0 then redis.call('HINCRBY', KEYS[4], 'requeued', back) end
return back
"""
)

# KEYS: pending, inflight, workers, dupefilter. The last worker out of a finished crawl
# forgets what it saw, so the next crawl on this queue (tomorrow's patrol) starts afresh.
_FORGET_IF_DONE = (
    _NOW_MS
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('HLEN', KEYS[2]) == 0
   and redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[4])
  return 1
end
return 0
"""
)


def new_worker_id() -> str:
    host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:40]
    return f"{host}-{os.getpid()}-{token_hex(3)}"


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue, whose pop files the request under a worker in
    `inflight` (atomically) instead of dropping it."""

    def __init__(self, server, spider, key, serializer=None, *, name: str, worker: str):
        super().__init__(server, spider, key, serializer)
        self.keys = queue_keys(name)
        self.worker = worker
        self.taken = 0
        self._schedule = server.register_script(_SCHEDULE)
        self._take = server.register_script(_TAKE)
        self._settle = server.register_script(_SETTLE)
        self._lease = server.register_script(_LEASE)
        self._forget = server.register_script(_FORGET_IF_DONE)

    def _encode_request(self, request):
        meta = request.meta
        if any(key in meta for key in TRANSIENT_META):
            kept = {k: v for k, v in meta.items() if k not in TRANSIENT_META}
            request = request.replace(meta=kept)
        return super()._encode_request(request)

    def schedule(self, request, fingerprint: str, replaces: str | None) -> bool:
        """Queue the request unless its fingerprint was seen; settle what it replaces."""
        k = self.keys
        added = self._schedule(
            keys=[k["dupefilter"], k["pending"], k["inflight"], k["stats"]],
            args=[fingerprint, int(request.dont_filter), -request.priority,
                  self._encode_request(request), replaces or ""],
        )  # fmt: skip
        return bool(added)

    def take(self):
        """(inflight field, request) of the next request, or None when pending is empty."""
        self.taken += 1
        field = f"{self.worker}|{self.taken}"
        blob = self._take(keys=[self.keys["pending"], self.keys["inflight"]], args=[field])
        if blob is None:
            return None
        return field, blob

    def settle(self, fields, state: int = DONE) -> int:
        fields = [f for f in fields if f]
        if not fields:
            return 0
        outcome = "failed" if state == FAILED else "done"
        return self._settle(keys=[self.keys["inflight"], self.keys["stats"]],
                            args=[outcome, *fields])  # fmt: skip

    def renew(self, lease_seconds: float, *, leaving: bool = False) -> int:
        """Renew this worker's lease (or end it), and put back what dead workers held."""
        k = self.keys
        return self._lease(
            keys=[k["workers"], k["inflight"], k["pending"], k["stats"]],
            args=["" if leaving else self.worker, int(lease_seconds * 1000),
                  self.worker if leaving else ""],
        )  # fmt: skip

    def busy(self) -> bool:
        """Anything left to do, here or at any worker."""
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.keys["pending"]).hlen(self.keys["inflight"])
        pending, inflight = pipe.execute()
        return pending > 0 or inflight > 0

    def forget_if_done(self) -> bool:
        k = self.keys
        keys = [k["pending"], k["inflight"], k["workers"], k["dupefilter"]]
        return bool(self._forget(keys=keys))


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter on the queue's key, with Scrapy's own request fingerprints
    (the ones the durable frontier and the rest of the crawl use)."""

    def __init__(self, server, key, fingerprinter, debug=False):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        server = connection.get_redis(url=settings["PATROLI_REDIS_URL"], **defaults.REDIS_PARAMS)
        key = queue_keys(settings["PATROLI_QUEUE"])["dupefilter"]
        return cls(server, key, crawler.request_fingerprinter, settings.getbool("DUPEFILTER_DEBUG"))

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason=""):
        pass  # the other workers still need it; the last one out forgets (see the scheduler)


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

    Settings: PATROLI_REDIS_URL, PATROLI_QUEUE (the name), PATROLI_QUEUE_LEASE_SECONDS (a
    silent worker's requests go back after this long), PATROLI_QUEUE_IDLE_SECONDS (all close
    once pending and inflight have stayed empty this long)."""

    # A request is done when its callback is through and every item it produced is stored:
    # the durable frontier's bookkeeping, over `self.frontier` = the leased queue.
    _item_produced = DurableScheduler._item_produced
    _response_finished = DurableScheduler._response_finished
    _stored = DurableScheduler._stored
    _item_lost = DurableScheduler._item_lost
    _settle_if_complete = DurableScheduler._settle_if_complete
    _settled = DurableScheduler._settled

    def __init__(self, server, *, crawler, name: str, lease: float, idle: float, **kwargs):
        super().__init__(server, **kwargs)
        self.crawler, self.name = crawler, name
        self.lease_seconds, self.idle_seconds = lease, idle
        self.worker = crawler.settings.get("PATROLI_WORKER_ID") or new_worker_id()
        self.outstanding: Counter[str] = Counter()
        self.finished: set[str] = set()
        self.quiet_since: float | None = None
        self.wake_call = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        name = settings.get("PATROLI_QUEUE")
        dupefilter = SharedDupeFilter.from_crawler(crawler)
        server = dupefilter.server  # one connection pool for the queue and its dupefilter
        server.ping()
        scheduler = cls(
            server, crawler=crawler, name=name, persist=True, dupefilter=dupefilter,
            queue_key=queue_keys(name)["pending"], queue_cls="crawler.distributed.LeasedQueue",
            lease=settings.getfloat("PATROLI_QUEUE_LEASE_SECONDS", 30.0),
            idle=settings.getfloat("PATROLI_QUEUE_IDLE_SECONDS", 5.0),
        )  # fmt: skip
        scheduler.stats = crawler.stats
        connect = crawler.signals.connect
        connect(scheduler._item_produced, signal=item_produced)
        connect(scheduler._response_finished, signal=response_finished)
        connect(scheduler._stored, signal=listings_stored)
        connect(scheduler._item_lost, signal=signals.item_dropped)
        connect(scheduler._item_lost, signal=signals.item_error)
        connect(scheduler._settled, signal=request_settled)
        connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.queue = self.frontier = LeasedQueue(
            self.server, spider, self.queue_key, self.serializer,
            name=self.name, worker=self.worker,
        )  # fmt: skip
        self.server.sadd(QUEUES, self.name)
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
        self.lease.stop()
        try:
            # What this worker still holds was not finished: it goes back for the others.
            back = self.queue.renew(self.lease_seconds, leaving=True)
            forgot = reason == "finished" and self.queue.forget_if_done()
            self.stats.set_value("patroli/queue", {
                "name": self.name, "worker": self.worker, "returned": back,
                "forgot_seen": forgot,
            })  # fmt: skip
        finally:
            self.server.close()

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def enqueue_request(self, request) -> bool:
        # A retry or redirect of a request taken earlier replaces it (see DurableScheduler).
        replaces = request.meta.pop("frontier_fingerprint", None)
        fingerprint = self.df.request_fingerprint(request)
        try:
            added = self.queue.schedule(request, fingerprint, replaces)
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
            self.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def _spider_idle(self, spider=None) -> None:
        """Nobody closes while anything is pending or in flight anywhere (another worker's
        page may yield new requests); all close once both stayed empty a short while."""
        try:
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

    def _wake_soon(self) -> None:
        # Scrapy looks at an idle scheduler only every 5 s; others' requests are wanted now.
        from twisted.internet import reactor

        if self.wake_call is None or not self.wake_call.active():
            self.wake_call = reactor.callLater(0.5, self._wake)

    def _wake(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()
