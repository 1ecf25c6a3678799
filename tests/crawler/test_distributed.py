"""Crawling with many workers on one Redis queue: leases, requeues, exactly-once, a SIGKILL.

Real Redis (the `redis_url` fixture), the demo marketplace on loopback behind a request log
(what the server saw, not what the crawler says), `patroli crawl ... --queue` as subprocesses
on a shared SQLite casebook (WAL) and, when PostgreSQL is installed, a shared PostgreSQL one."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import Capture, CrawlRun, Listing
from crawler.distributed import QUEUES, LeasedQueue, queue_keys
from crawler.spiders.base import PatroliSpider
from patroli.demo import build_world
from patroli.demo.pasarku import create_pasarku
from patroli.demo.web import DemoState

KEYWORDS = ["obat", "krim", "kopi"]
MORE_KEYWORDS = ["obat", "jamu", "krim", "kopi", "ready"]  # a crawl long enough to kill
QUEUE = ["-s", "PATROLI_QUEUE_IDLE_SECONDS=1.5", "-s", "PATROLI_QUEUE_LEASE_SECONDS=3"]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", *QUEUE]
# Slow enough that a kill lands mid-crawl, with requests in flight.
POLITE = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=0", "-s",
          "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "PATROLI_BATCH_SIZE=5", *QUEUE]  # fmt: skip


# -- the queue itself, on a real Redis ---------------------------------------------------------


class Probe(PatroliSpider):
    name = "probe"

    def parse_item(self, response, page: int = 1):
        yield from ()


@pytest.fixture
def spider():
    return Probe.from_crawler(get_crawler(Probe))


@pytest.fixture
def server(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def worker(server, spider, name: str, queue: str = "q") -> LeasedQueue:
    return LeasedQueue(server, spider, queue_keys(queue)["pending"], name=queue, worker=name)


def request(spider, path: str, priority: int = 0, **kwargs):
    return spider.page_request(f"http://127.0.0.1:9{path}", spider.parse_item,
                               priority=priority, **kwargs)  # fmt: skip


def test_a_taken_request_is_held_in_flight_under_its_worker_until_settled(server, spider):
    keys, alpha = queue_keys("q"), worker(server, spider, "alpha")
    assert alpha.schedule(request(spider, "/low"), "fp-low", None)
    assert alpha.schedule(request(spider, "/high", priority=5), "fp-high", None)
    field, blob = alpha.take()
    assert field == "alpha|1" and alpha._decode_request(blob).url.endswith("/high")
    assert server.hkeys(keys["inflight"]) == [b"alpha|1"]
    assert server.zcard(keys["pending"]) == 1
    assert alpha.settle(["alpha|1"]) == 1
    assert alpha.settle(["alpha|1"]) == 0  # settled once only
    assert server.hlen(keys["inflight"]) == 0
    assert server.hgetall(keys["stats"]) == {b"done": b"1"}


@pytest.mark.parametrize("given_back", [False, True])
def test_within_one_priority_requests_come_out_in_the_order_queued(server, spider, given_back):
    """Not in URL order (the pickled bytes): a worker would work one host at a time."""
    alpha = worker(server, spider, "alpha")
    order = ["/z.host/1", "/a.host/1", "/m.host/1", "/z.host/2", "/a.host/2"]
    for n, path in enumerate(order):
        assert alpha.schedule(request(spider, path), f"fp-{n}", None)
    alpha.schedule(request(spider, "/urgent", priority=1), "fp-urgent", None)
    alpha.schedule(request(spider, "/later", priority=-1), "fp-later", None)
    taken = [alpha.take() for _ in range(3)]
    if given_back:  # a request given back goes back to its place, ahead of the ones after it
        assert alpha.give_back([taken[2][0]]) == 1
        taken = taken[:2]
    rest = iter(alpha.take, None)
    paths = [alpha._decode_request(blob).url.removeprefix("http://127.0.0.1:9")
             for _, blob in [*taken, *rest]]  # fmt: skip
    assert paths == ["/urgent", *order, "/later"]


@pytest.mark.parametrize(
    "lease, comes_back",
    [("renewed", False), ("ran out", True), ("never taken", True), ("ended on leaving", True)],
)
def test_the_requests_of_a_dead_worker_go_back_to_pending(server, spider, lease, comes_back):
    keys = queue_keys("q")
    alpha, beta = worker(server, spider, "alpha"), worker(server, spider, "beta")
    alpha.schedule(request(spider, "/a", priority=3), "fp-a", None)
    alpha.schedule(request(spider, "/b"), "fp-b", None)
    alpha.renew(30)
    beta.renew(30)
    field, blob = alpha.take()
    if lease == "ran out":
        server.zadd(keys["workers"], {"alpha": 1})  # its lease ended in 1970
    elif lease == "never taken":
        server.zrem(keys["workers"], "alpha")
    elif lease == "ended on leaving":
        assert alpha.renew(30, leaving=True) == 1
    back = beta.renew(30)
    if lease == "ended on leaving":
        back = 1
    assert back == int(comes_back)
    assert server.hexists(keys["inflight"], field) is not comes_back
    if comes_back:  # the same request, at its own priority: first again
        assert beta.take()[1] == blob
        assert int(server.hget(keys["stats"], "requeued")) == 1
    else:
        assert beta.take()[1] != blob


@pytest.mark.parametrize(
    "second_fingerprint, dont_filter, queued",
    [("fp-1", False, False), ("fp-2", False, True), ("fp-1", True, True)],
)
def test_the_shared_dupefilter_lets_a_fingerprint_in_once(
    server, spider, second_fingerprint, dont_filter, queued
):
    alpha, beta = worker(server, spider, "alpha"), worker(server, spider, "beta")
    assert alpha.schedule(request(spider, "/x"), "fp-1", None)
    again = request(spider, "/x?again", dont_filter=dont_filter)
    assert beta.schedule(again, second_fingerprint, None) is queued
    assert server.zcard(queue_keys("q")["pending"]) == 1 + queued


@pytest.mark.parametrize("seen", [False, True])
def test_a_redirect_or_retry_settles_the_request_it_replaces_in_the_same_step(server, spider, seen):
    keys, alpha = queue_keys("q"), worker(server, spider, "alpha")
    alpha.schedule(request(spider, "/old"), "fp-old", None)
    if seen:
        alpha.schedule(request(spider, "/new"), "fp-new", None)
    field, _ = alpha.take()
    assert alpha.schedule(request(spider, "/new"), "fp-new", field) is not seen
    assert server.hlen(keys["inflight"]) == 0
    assert server.zcard(keys["pending"]) == 1
    assert server.hget(keys["stats"], "done") == b"1"


def test_a_request_round_trips_with_its_browser_meta_and_without_what_lives_in_process(
    server, spider
):
    from scrapy_playwright.page import PageMethod

    alpha = worker(server, spider, "alpha")
    sent = request(spider, "/p", priority=2, evidence=True, browser=True, wait_for="h1",
                   cb_kwargs={"page": 3}, meta={"profile": "pasarku"})  # fmt: skip
    sent.meta["patroli_network"] = ([], [threading.Lock()])  # cannot be pickled
    sent.meta["playwright_page_init_callback"] = print
    sent.meta["playwright_page_methods"].append(PageMethod(time.sleep, 0))
    assert alpha.schedule(sent, "fp-p", None)
    got = alpha._decode_request(alpha.take()[1])
    assert (got.url, got.priority, got.cb_kwargs) == (sent.url, 2, {"page": 3})
    assert got.callback == spider.parse_item and got.errback == spider.on_error
    assert "patroli_network" not in got.meta
    kept = {k: v for k, v in sent.meta.items() if k not in ("patroli_network",)}
    methods = kept.pop("playwright_page_methods")
    assert {k: got.meta[k] for k in kept} == kept
    assert [(m.method, m.args, m.kwargs) for m in got.meta["playwright_page_methods"]] == [
        (m.method, m.args, m.kwargs) for m in methods
    ]


@pytest.mark.parametrize(
    "left_behind, forgets",
    [("nothing", True), ("a pending request", False), ("a request in flight", False),
     ("another live worker", False)],
)  # fmt: skip
def test_the_last_worker_out_of_a_finished_crawl_forgets_what_was_seen(
    server, spider, left_behind, forgets
):
    keys = queue_keys("q")
    alpha, beta = worker(server, spider, "alpha"), worker(server, spider, "beta")
    alpha.renew(30)
    alpha.schedule(request(spider, "/x"), "fp-x", None)
    field, _ = alpha.take()
    if left_behind != "a request in flight":
        alpha.settle([field])
    if left_behind == "a pending request":
        alpha.schedule(request(spider, "/y"), "fp-y", None)
    if left_behind == "another live worker":
        beta.renew(30)
    if left_behind != "a request in flight":
        alpha.renew(30, leaving=True)
    assert alpha.forget_if_done(60) is forgets
    assert (server.ttl(keys["dupefilter"]) > 0) is forgets
    if forgets:  # a worker of the same crawl starting late: it is all still seen, and kept
        assert 0 < beta.remember() <= 60
        assert server.ttl(keys["dupefilter"]) == -1
        assert not beta.schedule(request(spider, "/x"), "fp-x", None)
        assert alpha.forget_if_done(0) and not server.exists(keys["dupefilter"])


@pytest.fixture
def scheduler(redis_url):
    """A RedisScheduler of a crawler that never runs: its idle rule and bookkeeping, alone."""
    from crawler.distributed import RedisScheduler

    made = []

    def make(idle: float = 0.0):
        settings = {"PATROLI_REDIS_URL": redis_url, "PATROLI_QUEUE": "q",
                    "PATROLI_QUEUE_IDLE_SECONDS": idle,
                    "PATROLI_WORKER_ID": f"w{len(made)}"}  # fmt: skip
        crawler = get_crawler(Probe, settings)
        crawler.spider = Probe.from_crawler(crawler)
        scheduler = RedisScheduler.from_crawler(crawler)
        scheduler.open(crawler.spider)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close("finished")


def idle(scheduler) -> bool:
    """Whether the scheduler lets its spider close now."""
    from scrapy.exceptions import DontCloseSpider

    try:
        scheduler._spider_idle()
    except DontCloseSpider:
        return False
    return True


@pytest.mark.parametrize(
    "left, closes",
    [("nothing", True), ("a pending request", False), ("another worker's request", False),
     ("a quiet period not yet over", False)],
)  # fmt: skip
def test_a_worker_closes_only_when_nothing_is_pending_or_in_flight_anywhere(
    scheduler, left, closes
):
    mine = scheduler(idle=60.0 if left == "a quiet period not yet over" else 0.0)
    other = scheduler()
    if left == "a pending request":
        other.enqueue_request(request(other.spider, "/x"))
    if left == "another worker's request":
        other.enqueue_request(request(other.spider, "/x"))
        assert other.next_request() is not None
    assert idle(mine) is closes


def test_a_request_held_while_idle_goes_back_once_then_fails(scheduler, server):
    keys, alone = queue_keys("q"), scheduler()
    alone.enqueue_request(request(alone.spider, "/lost"))
    for attempt in (1, 2):  # its items never reach the casebook (a refused batch)
        assert alone.next_request() is not None
        assert not idle(alone)  # first idle moment: they may still be on their way
        assert server.hlen(keys["inflight"]) == 1
        # The second: lost. Back in the queue the first time (no closing), failed the next.
        assert idle(alone) is (attempt == 2)
        assert server.hlen(keys["inflight"]) == 0
        assert server.zcard(keys["pending"]) == (attempt == 1)
    assert server.hgetall(keys["stats"]) == {b"requeued": b"1", b"failed": b"1"}
    assert alone.stats.get_value("patroli/failed_urls") == 1


@pytest.mark.parametrize("name", ["", "a b", "x:y", "w|1", "%(spider)s", "z" * 81])
def test_a_queue_name_is_refused_unless_it_is_safe_in_a_key(name):
    with pytest.raises(ValueError, match="queue name"):
        queue_keys(name)


# -- the CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "redis_set, options, message",
    [
        (False, ["--queue", "q"], "--queue and --workers need PATROLI_REDIS_URL"),
        (False, ["--workers", "2"], "--queue and --workers need PATROLI_REDIS_URL"),
        (True, ["--workers", "2"], "--workers needs --queue NAME"),
        (True, ["--queue", "a:b"], "queue name 'a:b'"),
        (True, ["--queue", "q", "--jobdir", "job"], "--jobdir and --queue do not go together"),
        (True, ["--queue", "q"], "Redis at 127.0.0.1:9/0 does not answer: Error 111"),
    ],
)
def test_a_shared_crawl_that_cannot_be_is_one_line(tmp_path, redis_set, options, message):
    env = env_for(tmp_path, redis_url="redis://:secret@127.0.0.1:9/0" if redis_set else None)
    result = patroli(env, "crawl", "urls", "-", *options, input="http://127.0.0.1:9/\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr and "secret" not in result.stderr
    assert not (tmp_path / "var" / "patroli.db").exists()  # refused before anything was made


def test_a_plain_crawl_with_redis_configured_still_runs_on_its_own(tmp_path, redis_url):
    env = env_for(tmp_path, redis_url=redis_url)
    result = patroli(env, "crawl", "urls", "-", input="not a url\n")
    assert result.returncode == 0, result.stderr
    with redis.Redis.from_url(redis_url) as client:
        assert client.smembers(QUEUES) == set()


# -- three workers against the demo marketplace ---------------------------------------------


class RequestLog:
    """WSGI middleware: every path the server was asked for, counted."""

    def __init__(self, app) -> None:
        self.app, self.paths, self.lock = app, Counter(), threading.Lock()

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING")
        with self.lock:
            self.paths[environ["PATH_INFO"] + (f"?{query}" if query else "")] += 1
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture
def pasarku(world):
    from werkzeug.serving import make_server

    log = RequestLog(create_pasarku(world, DemoState()))
    served = make_server("127.0.0.1", 0, log, threaded=True)
    thread = threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    log.base = f"http://127.0.0.1:{served.server_address[1]}"
    yield log
    served.shutdown()
    served.server_close()
    thread.join()


def reachable(world, keywords=KEYWORDS) -> set[str]:
    """The product pages the marketplace search shows for these keywords."""
    return {
        x.path
        for x in world.listings_on("pasarku")
        if any(all(w in f"{x.title}\n{x.description}".lower() for w in k.split()) for k in keywords)
    }


def env_for(tmp_path: Path, *, redis_url: str | None, database_url: str | None = None) -> dict:
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path / "var"), "PATROLI_ALLOW_PRIVATE": "1",
           "PATROLI_SECRET_KEY": "distributed-secret"}  # fmt: skip
    for name, value in (("PATROLI_REDIS_URL", redis_url), ("PATROLI_DATABASE_URL", database_url)):
        env.pop(name, None)
        if value:
            env[name] = value
    return env


def patroli(env, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "patroli", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=240)  # fmt: skip


def crawl_args(pasarku, *extra: str, keywords=KEYWORDS) -> list[str]:
    keywords = ",".join(keywords)
    return ["crawl", "run", "marketplace", "-a", "site=pasarku", "-a", f"keywords={keywords}",
            "--base", f"pasarku={pasarku.base}", *extra]  # fmt: skip


def casebook(tmp_path: Path, database_url: str | None = None) -> tuple[dict, object]:
    """A migrated casebook all workers share; (env without Redis, its session factory)."""
    env = env_for(tmp_path, redis_url=None, database_url=database_url)
    url = database_url or f"sqlite:///{tmp_path / 'var' / 'patroli.db'}"
    (tmp_path / "var").mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    schema.upgrade(engine)
    return env, engine


def stored(engine) -> list[str]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(Listing.url).where(Listing.platform == "pasarku")))


def fetched_pages(log) -> Counter:
    return Counter({path: n for path, n in log.paths.items() if path != "/robots.txt"})


@pytest.fixture(scope="module")
def one_process(world, tmp_path_factory):
    """What one crawl process, no Redis, stores from the same site."""
    folder = tmp_path_factory.mktemp("one-process")
    from werkzeug.serving import make_server

    log = RequestLog(create_pasarku(world, DemoState()))
    served = make_server("127.0.0.1", 0, log, threaded=True)
    thread = threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    log.base = f"http://127.0.0.1:{served.server_address[1]}"
    try:
        env, engine = casebook(folder)
        result = patroli(env, *crawl_args(log, *FAST))
        assert result.returncode == 0, result.stderr[-3000:]
        base, urls = log.base, stored(engine)
        engine.dispose()
        return {url.removeprefix(base) for url in urls}, fetched_pages(log)
    finally:
        served.shutdown()
        served.server_close()
        thread.join()


def _postgres_helpers():
    """tests/casebook/conftest.py's throwaway PostgreSQL server, reused."""
    path = Path(__file__).parents[1] / "casebook" / "conftest.py"
    spec = importlib.util.spec_from_file_location("patroli_casebook_pg", path)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    return helpers


@pytest.fixture(scope="module")
def postgres_admin():
    """One throwaway PostgreSQL server for this module's tests, or a skip."""
    helpers = _postgres_helpers()
    admin_url, server = helpers.server_url()
    if admin_url is None:
        pytest.skip("no PostgreSQL here (install Debian postgresql)")
    yield admin_url, helpers.fresh_database
    if server is not None:
        server.stop()


_databases = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_casebook(request, tmp_path):
    database_url = None
    if request.param == "postgresql":
        admin_url, fresh_database = request.getfixturevalue("postgres_admin")
        name = f"patroli_distributed_{os.getpid()}_{next(_databases)}"
        database_url = fresh_database(admin_url, name)
    env, engine = casebook(tmp_path, database_url)
    yield env, engine
    engine.dispose()


@pytest.mark.slow
def test_three_workers_fetch_every_page_once_and_store_what_one_process_stores(
    world, pasarku, redis_url, shared_casebook, one_process
):
    env, engine = shared_casebook
    env["PATROLI_REDIS_URL"] = redis_url
    result = patroli(env, *crawl_args(pasarku, "--queue", "demo", "--workers", "3", *FAST))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "marketplace: finished (3 workers)" in result.stdout, result.stdout

    expected, alone_fetched = one_process
    assert expected == reachable(world) and expected  # the baseline found what is there
    pages = fetched_pages(pasarku)
    assert [path for path, n in pages.items() if n > 1] == []  # every page once
    assert set(pages) == set(alone_fetched)  # and every page one process fetches
    urls = stored(engine)
    assert len(urls) == len(set(urls))  # no listing twice
    assert {url.removeprefix(pasarku.base) for url in urls} == expected  # nothing lost
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count(CrawlRun.id))) == 3  # one run per worker
        captured = set(session.scalars(select(Capture.url)))
    # Every worker's evidence is in the one data dir, whole.
    assert {url.removeprefix(pasarku.base) for url in captured} >= expected
    verified = patroli(env, "evidence", "verify")
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]

    keys = queue_keys("demo")
    with redis.Redis.from_url(redis_url) as client:
        assert client.smembers(QUEUES) == {b"demo"}
        assert client.zcard(keys["pending"]) == client.hlen(keys["inflight"]) == 0
        # The last one out lets the seen set expire: a late worker finds it, tomorrow's not.
        assert 0 < client.ttl(keys["dupefilter"]) <= 60
        assert int(client.hget(keys["stats"], "done")) >= len(pages)


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_loses_nothing_and_stores_nothing_twice(
    world, pasarku, redis_url, tmp_path
):
    env, engine = casebook(tmp_path)
    env["PATROLI_REDIS_URL"] = redis_url
    keys, expected = queue_keys("kill"), reachable(world, MORE_KEYWORDS)

    def start(*extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "patroli",
             *crawl_args(pasarku, "--queue", "kill", *extra, *POLITE, keywords=MORE_KEYWORDS)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    victim = start("-s", "PATROLI_WORKER_ID=victim")
    others = [start(), start()]
    with redis.Redis.from_url(redis_url) as client:
        deadline = time.monotonic() + 120
        while True:  # until the victim holds requests and some listings are stored
            assert victim.poll() is None, victim.communicate()
            held = [f for f in client.hkeys(keys["inflight"]) if f.startswith(b"victim|")]
            if held and len(stored(engine)) >= len(expected) // 4:
                break
            assert time.monotonic() < deadline, "the crawl never got going"
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)  # its crawl process dies with it (PDEATHSIG)
        victim.communicate()
        held = [f for f in client.hkeys(keys["inflight"]) if f.startswith(b"victim|")]
        assert held and len(stored(engine)) < len(expected)
        for other in others:
            out, err = other.communicate(timeout=180)
            assert other.returncode == 0, err[-3000:]
            assert "marketplace: finished" in out
        assert client.zcard(keys["pending"]) == client.hlen(keys["inflight"]) == 0
        requeued = int(client.hget(keys["stats"], "requeued"))
    assert requeued >= len(held)
    urls = stored(engine)
    engine.dispose()
    assert len(urls) == len(set(urls))  # nothing stored twice
    assert {url.removeprefix(pasarku.base) for url in urls} == expected  # nothing lost
    pages = fetched_pages(pasarku)
    assert expected <= set(pages)
    # Only what the dead worker held can have been fetched again.
    assert sum(n - 1 for n in pages.values()) <= requeued


@pytest.mark.slow
def test_ctrl_c_stops_every_local_worker_and_the_same_command_finishes_the_crawl(
    world, pasarku, redis_url, tmp_path
):
    env, engine = casebook(tmp_path)
    env["PATROLI_REDIS_URL"] = redis_url
    keys, expected = queue_keys("stop"), reachable(world, MORE_KEYWORDS)
    command = [sys.executable, "-m", "patroli", *crawl_args(
        pasarku, "--queue", "stop", "--workers", "3", *POLITE, keywords=MORE_KEYWORDS)]  # fmt: skip
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(stored(engine)) < len(expected) // 4:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the crawl never got going"
            time.sleep(0.1)
        os.killpg(first.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        out, err = first.communicate(timeout=90)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.communicate(timeout=30)
    assert first.returncode == 130, err[-3000:]
    assert "marketplace: shutdown (3 workers)" in out and "Traceback" not in err
    with redis.Redis.from_url(redis_url) as client:
        assert client.hlen(keys["inflight"]) == 0  # what they held went back
        assert client.zcard(keys["pending"]) > 0 and client.exists(keys["dupefilter"])
        assert client.zcard(keys["workers"]) == 0
    assert len(stored(engine)) < len(expected)

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-3000:]
    urls = stored(engine)
    engine.dispose()
    assert len(urls) == len(set(urls))
    assert {url.removeprefix(pasarku.base) for url in urls} == expected


@pytest.mark.slow
def test_a_plan_s_spiders_each_get_a_queue_of_their_own(world, pasarku, redis_url, tmp_path):
    """A request names its callback, which only its own spider (with its own arguments) can
    answer: two targets of one plan never take each other's requests."""
    from casebook.services import plans

    env, engine = casebook(tmp_path)
    env["PATROLI_REDIS_URL"] = redis_url
    with make_session_factory(engine)() as session, session.begin():
        plan = plans.save_plan(session, "Patroli kopi", keywords=["kopi"], actor="test", targets=[
            {"spider": "marketplace", "site": "pasarku"},
            {"spider": "marketplace", "site": "pasarku", "max_pages": "1"},
        ])  # fmt: skip
    result = patroli(env, "crawl", "plan", str(plan.id), "--base", f"pasarku={pasarku.base}",
                     "--queue", "plan", "--workers", "2", *FAST)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("marketplace: finished (2 workers)") == 2, result.stdout
    with redis.Redis.from_url(redis_url) as client:
        assert client.smembers(QUEUES) == {b"plan.1-marketplace", b"plan.2-marketplace"}
    urls = stored(engine)
    engine.dispose()
    assert len(urls) == len(set(urls))
    assert {url.removeprefix(pasarku.base) for url in urls} == reachable(world, ["kopi"])
    # Each target crawled the search once: the two queues' dupefilters are their own.
    assert pasarku.paths["/search?q=kopi&page=1"] == 2


@pytest.mark.slow
def test_workers_read_urls_from_one_stdin(world, pasarku, redis_url, tmp_path):
    env, engine = casebook(tmp_path)
    env["PATROLI_REDIS_URL"] = redis_url
    paths = sorted(reachable(world, ["obat"]))[:6]
    lines = "".join(f"{pasarku.base}{path}\n" for path in paths)
    result = patroli(env, "crawl", "urls", "-", "--base", f"pasarku={pasarku.base}",
                     "--queue", "urls", "--workers", "2", *FAST, input=lines)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "urls: finished (2 workers)" in result.stdout
    urls = stored(engine)
    engine.dispose()
    assert sorted(url.removeprefix(pasarku.base) for url in urls) == paths
    assert [pasarku.paths[path] for path in paths] == [1] * len(paths)


def test_outcomes_of_several_workers_add_up():
    from patroli.crawling import _merged

    merged = _merged([
        {"spider": "m", "reason": "finished", "stats": {"pages": 2, "start": "t0", "ok": True}},
        {"spider": "m", "reason": "killed", "stats": {}},
        {"spider": "m", "reason": "finished", "stats": {"pages": 3, "start": "t1", "ok": True}},
    ])  # fmt: skip
    assert merged["stats"] == {"pages": 5, "start": "t0", "ok": True}
    assert (merged["reason"], merged["workers"]) == ("killed", ["finished", "killed", "finished"])
    assert json.dumps(merged)


def test_two_workers_relinking_the_same_sellers_at_once_both_link_them(shared_casebook, caplog):
    """The crawl hook's incremental relink, in two workers' pipelines at the same moment: the
    one whose actor_accounts row collides reads again and links; nothing is logged failed."""
    from casebook.models import ActorAccount
    from casebook.services import listings
    from casebook.services.listings import SellerRecord
    from crawler.pipelines import CasebookPipeline

    env, engine = shared_casebook
    url = env.get("PATROLI_DATABASE_URL") or str(engine.url)
    pipelines = [CasebookPipeline(get_crawler(Probe), url, 50, 2.0) for _ in range(2)]
    sessions = make_session_factory(engine)
    for round_ in range(5):  # one round races by chance only; five do, without the retry
        with sessions() as session, session.begin():
            shops = [SellerRecord("pasarku", f"Toko {round_}-{n}", f"http://127.0.0.1:9/{round_}/{n}",
                                  "Bandung", (("phone", f"628120{round_}00{n // 2}"),))
                     for n in range(6)]  # fmt: skip
            ids = {seller.id for seller in listings.record_sellers(session, shops).values()}
        start = threading.Barrier(2)

        def relink(pipeline, ids=ids, start=start):
            start.wait()
            pipeline._relink(ids)

        threads = [threading.Thread(target=relink, args=(p,)) for p in pipelines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with sessions() as session:
            linked = session.scalars(
                select(ActorAccount.seller_id).where(ActorAccount.seller_id.in_(ids))
            )
            assert set(linked) == ids
    for pipeline in pipelines:
        pipeline.engine.dispose()
    assert [r.message for r in caplog.records if "failed" in r.message] == []
