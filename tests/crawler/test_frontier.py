"""The frontier table: durable states, resume after a crash, duplicates filtered."""

from __future__ import annotations

from crawler.frontier import DONE, FAILED, Frontier


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
