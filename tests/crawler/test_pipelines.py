"""The casebook pipeline: a batch is written off the event loop, one at a time, and a request
settles only once what it produced is durable; an idle spider stays open while a batch is
being written, and closing waits for the last write."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from casebook.models import Seller

# A crawl process in miniature: the real reactor and pipeline on the test's casebook. Each
# write waits (up to 20 s) for a call the event loop was asked to make as the batch was cut:
# it comes only if the loop is free while the batch is written.
CRAWL = textwrap.dedent(
    """
    import asyncio, json, sys, threading
    from scrapy.utils.reactor import install_reactor
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    from scrapy import signals
    from scrapy.exceptions import DontCloseSpider
    from scrapy.utils.test import get_crawler
    from sqlalchemy import event
    from crawler.items import SellerItem
    from crawler.pipelines import CasebookPipeline
    from crawler.signals import items_storing, listings_stored
    from crawler.spiders.base import PatroliSpider

    database_url, mode = sys.argv[1:]
    crawler = get_crawler(PatroliSpider, {"PATROLI_DATABASE_URL": database_url,
                                          "PATROLI_BATCH_SIZE": 3, "PATROLI_FLUSH_SECONDS": 600})
    pipeline = CasebookPipeline.from_crawler(crawler)
    loop = threading.get_ident()
    said = []
    loop_free = threading.Event()

    def committing(connection):
        said.append(["commit", threading.get_ident() == loop, loop_free.wait(20)])

    event.listen(pipeline.engine, "commit", committing)
    crawler.signals.connect(
        lambda fingerprints, **kw: said.append(
            ["stored", threading.get_ident() == loop, sorted(fingerprints)]),
        signal=listings_stored, weak=False)

    def storing():
        return any(a is True for _, a in crawler.signals.send_catch_log(items_storing))

    def idle():
        answers = crawler.signals.send_catch_log(signals.spider_idle, spider=None)
        return any(getattr(a, "value", None).__class__ is DontCloseSpider for _, a in answers)

    def seller(n):
        return SellerItem(url=f"http://127.0.0.1:9/toko/{n}", platform="pasarku",
                          name=f"Toko {n}", request_fingerprint=f"fp-{n}")

    async def crawl():
        for n in range(3):
            loop_free.clear()
            reactor.callLater(0, loop_free.set)
            item = pipeline.process_item(seller(n))
            if hasattr(item, "__await__"):
                item = await item
            said.append(["item", item.name, storing()])
        if mode == "idle":  # one more item: a batch of its own, not yet full
            item = pipeline.process_item(seller(3))
            if hasattr(item, "__await__"):
                await item
        loop_free.clear()
        reactor.callLater(0, loop_free.set)
        if mode == "idle":  # the spider runs dry with one item in the batch
            said.append(["idle keeps it open", idle(), storing()])
        closing = pipeline.close_spider()
        if hasattr(closing, "__await__"):
            await closing
        said.append(["closed", storing()])

    def done(result):
        if result is not None:
            result.printTraceback(file=sys.stderr)
        print(json.dumps(said))
        reactor.stop()
        return None

    # As Scrapy runs pipelines: coroutines on the asyncio loop under the reactor.
    reactor.callWhenRunning(
        lambda: Deferred.fromFuture(asyncio.ensure_future(crawl())).addBoth(done))
    reactor.run()
    """
)


def crawl(engine, mode: str) -> list:
    run = subprocess.run([sys.executable, "-c", CRAWL, str(engine.url), mode],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def commits_then_the_rest(said: list) -> tuple[list, list]:
    return [e[1:] for e in said if e[0] == "commit"], [e for e in said if e[0] != "commit"]


def test_a_batch_is_written_while_the_event_loop_runs_and_settles_on_it_after(engine):
    said = crawl(engine, "batch")
    # The third item fills the batch: written (the batch, then its sellers' actors) in a
    # thread while the loop runs on.
    commits, rest = commits_then_the_rest(said)
    assert commits and all(commit == [False, True] for commit in commits), said
    assert said.index(["item", "Toko 1", True]) < said.index(["commit", False, True])
    # Its requests settle on the loop, and its item comes back, once it is durable.
    assert rest == [
        ["item", "Toko 0", True],
        ["item", "Toko 1", True],
        ["stored", True, ["fp-0", "fp-1", "fp-2"]],
        ["item", "Toko 2", False],
        ["closed", False],
    ]
    assert said.index(["stored", True, ["fp-0", "fp-1", "fp-2"]]) > max(
        n for n, e in enumerate(said) if e[0] == "commit"
    )
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(Seller)) == 3


def test_an_idle_spider_stays_open_until_its_last_batch_is_stored(engine):
    said = crawl(engine, "idle")
    commits, rest = commits_then_the_rest(said)
    assert commits and all(commit == [False, True] for commit in commits), said
    assert rest[4:] == [
        ["idle keeps it open", True, True],  # the last item's batch is being written
        ["stored", True, ["fp-3"]],
        ["closed", False],  # closing waited for it
    ]
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(Seller)) == 4
