"""A crawl killed with SIGKILL and started again loses no URL and duplicates no listing."""

from __future__ import annotations

import signal
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from casebook.models import Listing

pytestmark = pytest.mark.slow
# Slow enough that the kill lands mid-crawl, on every machine.
POLITE = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=0",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "PATROLI_BATCH_SIZE=5"]  # fmt: skip


def reachable(world, keywords: list[str]) -> set[str]:
    """What the marketplace search shows for these keywords (every word must match)."""
    return {
        x.path
        for x in world.listings_on("pasarku")
        if any(all(w in f"{x.title}\n{x.description}".lower() for w in k.split()) for k in keywords)
    }


def count(patroli) -> int:
    with patroli.sessions()() as session:
        return session.scalar(select(func.count(Listing.id)).where(Listing.platform == "pasarku"))


def test_kill_and_resume(tmp_path, demo, world, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    jobdir = tmp_path / "job"
    keywords = ["obat", "jamu", "krim", "kopi", "ready"]
    expected = reachable(world, keywords)
    command = ["crawl", "run", "marketplace", "-a", "site=pasarku", "-a",
               f"keywords={','.join(keywords)}", "--base", f"pasarku={demo.base_urls['pasarku']}",
               "--jobdir", str(jobdir), *POLITE]  # fmt: skip

    first = patroli.popen(*command)
    deadline = time.monotonic() + 120
    while count(patroli) < len(expected) // 3 and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    killed_at = count(patroli)
    assert 0 < killed_at < len(expected)
    frontier = sqlite3.connect(jobdir / "frontier.sqlite")
    assert frontier.execute("SELECT count(*) FROM frontier WHERE state IN (0, 1)").fetchone()[0]

    second = patroli.run(*command)
    assert "marketplace: finished" in second.stdout

    with patroli.sessions()() as session:
        urls = session.scalars(select(Listing.url).where(Listing.platform == "pasarku")).all()
    assert len(urls) == len(set(urls))  # nothing stored twice
    base = demo.base_urls["pasarku"]
    assert {url.removeprefix(base) for url in urls} == expected  # nothing lost
    states = dict(frontier.execute("SELECT state, count(*) FROM frontier GROUP BY state"))
    assert set(states) == {2}, states  # every request done; none pending, in flight or failed
