"""The frontier table: durable states, resume after a crash, duplicates filtered."""

from __future__ import annotations

import threading

import pytest
from scrapy.utils.test import get_crawler

from crawler.frontier import DONE, FAILED, PROCESS_ONLY_META, DurableScheduler, Frontier
from crawler.spiders.base import PatroliSpider


def test_requests_survive_a_crash_and_in_flight_ones_come_back(tmp_path):
    path = str(tmp_path / "frontier.sqlite")
    frontier = Frontier(path)
    assert frontier.add("a", 0, b"A", dont_filter=False)
    assert frontier.add("b", 0, b"B", dont_filter=False)
    assert frontier.add("c", 5, b"C", dont_filter=False)
    assert frontier.pop() == ("c", b"C")  # higher priority first
    assert frontier.pop() == ("a", b"A")
    frontier.settle(["c"])
    # the process dies here: no close(), nothing flushed by hand
    revived = Frontier(path)
    assert revived.resume() == 1  # "a" was in flight
    assert revived.counts() == {"pending": 2, "done": 1}
    assert [revived.pop()[0], revived.pop()[0]] == ["a", "b"]
    assert revived.pop() is None


def test_seen_fingerprints_are_filtered_unless_the_request_insists(tmp_path):
    frontier = Frontier(":memory:")
    assert frontier.add("x", 0, b"X", dont_filter=False)
    assert not frontier.add("x", 0, b"X", dont_filter=False)
    assert frontier.add("x", 0, b"X", dont_filter=True)
    assert frontier.pending_count() == 2


def test_failed_requests_are_not_retried_on_resume(tmp_path):
    path = str(tmp_path / "f.sqlite")
    frontier = Frontier(path)
    frontier.add("dead", 0, b"D", dont_filter=False)
    frontier.pop()
    frontier.settle(["dead"], FAILED)
    revived = Frontier(path)
    assert revived.resume() == 0
    assert revived.pop() is None
    assert revived.counts() == {"failed": 1}
    assert DONE != FAILED


class Shop(PatroliSpider):
    name = "shop"

    def parse_item(self, response, page: int = 1):
        yield from ()


@pytest.mark.parametrize("meta", [*PROCESS_ONLY_META, None])
def test_a_retried_browser_evidence_request_is_queued_again_without_what_lives_in_process(
    tmp_path, meta
):
    crawler = get_crawler(Shop, {"JOBDIR": str(tmp_path / "job")})
    spider = Shop.from_crawler(crawler)
    scheduler = DurableScheduler.from_crawler(crawler)
    scheduler.open(spider)
    first = spider.page_request("http://127.0.0.1:9/p", spider.parse_item, evidence=True,
                                browser=True, wait_for="h1", cb_kwargs={"page": 2})  # fmt: skip
    assert scheduler.enqueue_request(first)
    taken = scheduler.next_request()
    # The browser ran it (the evidence middleware's network recorder holds tasks; a page, a
    # capture record, a politeness lease), then it failed: RetryMiddleware's copy keeps it all.
    retry = taken.replace(dont_filter=True)
    if meta and meta != "frontier_fingerprint":
        retry.meta[meta] = ([], [threading.Lock()])  # cannot be pickled, like an asyncio.Task
    assert scheduler.enqueue_request(retry)
    again = scheduler.next_request()
    assert (again.url, again.cb_kwargs, again.dont_filter) == (first.url, {"page": 2}, True)
    assert again.meta["evidence"] and again.meta["playwright"]
    assert not set(PROCESS_ONLY_META) - {"frontier_fingerprint"} & set(again.meta)
    assert scheduler.frontier.counts() == {"done": 1, "in_flight": 1}
    scheduler.close("finished")
