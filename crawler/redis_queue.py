"""The Redis side of a shared crawl queue: its keys, the scripts that change them atomically,
scrapy-redis' priority queue with leases, and its dupefilter (see crawler/distributed.py)."""

from __future__ import annotations

import os
import re
import socket
from secrets import token_hex

from scrapy_redis import connection, defaults
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from crawler.frontier import DONE, FAILED, without_process_only_meta

QUEUES = "patroli:queues"
QUEUE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


def queue_keys(name: str) -> dict[str, str]:
    """The Redis keys of queue NAME (metrics and tests read them too)."""
    if not QUEUE_NAME.fullmatch(name):
        raise ValueError(f"queue name {name!r}: use letters, digits, '.', '_' or '-' (at most 80)")
    prefix = f"patroli:queue:{name}"
    parts = ("pending", "inflight", "dupefilter", "workers", "stats", "sequence")
    return {part: f"{prefix}:{part}" for part in parts}


_NOW_MS = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# A request's score in `pending`: -priority * 2^32 + its number in the queue's `sequence`,
# so the lowest comes first: the highest priority, and within one priority the request queued
# first (FIFO). Equal scores would go by the pickled bytes, i.e. by URL: one host at a time,
# every worker waiting on that host's politeness while the other domains idle. A request given
# back keeps its score: it goes back to its place, ahead of what was queued after it.
# KEYS: dupefilter, pending, inflight, stats, sequence. ARGV: fingerprint, dont_filter,
# priority, blob, the inflight field this request replaces ('' if none).
_SCHEDULE = """
local added = 0
if ARGV[2] == '1' or redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  local number = redis.call('INCR', KEYS[5]) % 4294967296
  local score = -tonumber(ARGV[3]) * 4294967296 + number
  redis.call('ZADD', KEYS[2], string.format('%.0f', score), ARGV[4])
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

# An inflight entry ("SCORE BLOB", as _TAKE filed it) back in pending, exactly as it was.
_REQUEUE = """
local function requeue(inflight, pending, field, value)
  local space = string.find(value, ' ', 1, true)
  redis.call('ZADD', pending, string.sub(value, 1, space - 1), string.sub(value, space + 1))
  redis.call('HDEL', inflight, field)
end
"""

# KEYS: inflight, pending, stats. ARGV: fields to put back in pending as they were.
_GIVE_BACK = (
    _REQUEUE
    + """
local back = 0
for i = 1, #ARGV do
  local value = redis.call('HGET', KEYS[1], ARGV[i])
  if value then
    requeue(KEYS[1], KEYS[2], ARGV[i], value)
    back = back + 1
  end
end
if back > 0 then redis.call('HINCRBY', KEYS[3], 'requeued', back) end
return back
"""
)

# KEYS: workers, inflight, pending, stats. ARGV: worker to renew ('' none), lease ms, worker
# leaving ('' none). Leases that ran out are dropped and their requests go back to pending.
_LEASE = (
    _NOW_MS
    + _REQUEUE
    + """
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) end
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[1], ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local entries = redis.call('HGETALL', KEYS[2])
local back = 0
for i = 1, #entries, 2 do
  local worker = string.match(entries[i], '^(.*)|%d+$')
  if not worker or not redis.call('ZSCORE', KEYS[1], worker) then
    requeue(KEYS[2], KEYS[3], entries[i], entries[i + 1])
    back = back + 1
  end
end
if back > 0 then redis.call('HINCRBY', KEYS[4], 'requeued', back) end
return back
"""
)

# KEYS: pending, inflight, workers, dupefilter. ARGV: ms. The last worker out of a finished
# crawl lets what it saw expire, so the next crawl on this queue (tomorrow's patrol) starts
# afresh, while a worker of this crawl that starts late still finds it all seen.
_FORGET_IF_DONE = (
    _NOW_MS
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('HLEN', KEYS[2]) == 0
   and redis.call('ZCARD', KEYS[3]) == 0 then
  if tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[4], ARGV[1])
  else redis.call('DEL', KEYS[4]) end
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
        self._give_back = server.register_script(_GIVE_BACK)
        self._forget = server.register_script(_FORGET_IF_DONE)

    def _encode_request(self, request):
        return super()._encode_request(without_process_only_meta(request))

    def schedule(self, request, fingerprint: str, replaces: str | None) -> bool:
        """Queue the request unless its fingerprint was seen; settle what it replaces."""
        k = self.keys
        added = self._schedule(
            keys=[k["dupefilter"], k["pending"], k["inflight"], k["stats"], k["sequence"]],
            args=[fingerprint, int(request.dont_filter), int(request.priority),
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

    def give_back(self, fields) -> int:
        k = self.keys
        return self._give_back(keys=[k["inflight"], k["pending"], k["stats"]], args=list(fields))

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

    def forget_if_done(self, after_seconds: float) -> bool:
        k = self.keys
        keys = [k["pending"], k["inflight"], k["workers"], k["dupefilter"]]
        return bool(self._forget(keys=keys, args=[int(after_seconds * 1000)]))

    def remember(self) -> int:
        """Seconds left before a finished crawl's seen set was to expire (0: none was); it is
        kept again, for as long as this crawl runs."""
        left = self.server.pttl(self.keys["dupefilter"])
        if left > 0:
            self.server.persist(self.keys["dupefilter"])
        return max(left, 0) // 1000


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
