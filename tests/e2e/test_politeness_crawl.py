"""Three crawl workers on one Redis queue against the demo marketplace served on three loopback
hosts (three domains), answering as slowly as real shops: every page is fetched once, and the
servers never saw a domain get more requests at once than allowed, nor two starts closer than
the delay (measured where it matters, on the server)."""

from __future__ import annotations

from collections import Counter

import pytest

from patroli.demo.pasarku import create_pasarku
from patroli.demo.requestlog import LoggedSites, RequestLog, politeness
from patroli.demo.web import DemoState

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
DELAY, CONCURRENCY, WINDOW = 1.0, 2, 5.0
# A request reaches the server a little after its grant: the connection, and its worker's
# event loop busy first (parsing pages; the casebook batch is written in a thread now, but
# shares the interpreter). On two shared cores under load a process may also wait its turn
# for the CPU: benchmarks/distributed.py saw starts up to 0.42 s late. Two starts may come
# that much closer than the delay; uncoordinated workers come ~0 s apart.
LAG = 0.5


@pytest.mark.slow
def test_three_workers_on_one_queue_stay_polite_per_domain(
    world, new_casebook, redis_url, tmp_path
):
    log = RequestLog(create_pasarku(world, DemoState()), latency=(0.1, 0.5))
    products = world.listings_on("pasarku")[:10]
    patroli = new_casebook(tmp_path / "var")
    patroli.env["PATROLI_REDIS_URL"] = redis_url
    with LoggedSites(log, HOSTS) as sites:
        urls = [base + x.path for base in sites.base_urls.values() for x in products]
        (tmp_path / "urls.txt").write_text("".join(f"{url}\n" for url in urls))
        limits = [f"PATROLI_POLITE_DELAY={DELAY}", f"PATROLI_POLITE_CONCURRENCY={CONCURRENCY}"]
        limits = [part for setting in limits for part in ("-s", setting)]
        queue = ["--queue", "polite", "--workers", "3"]
        result = patroli.run("crawl", "urls", str(tmp_path / "urls.txt"), *queue, *limits)
    assert "(3 workers)" in result.stdout, result.stdout

    pages = Counter((v.host, v.path) for v in log.visits if v.path != "/robots.txt")
    assert pages == Counter({(host, x.path): 1 for host in HOSTS for x in products})
    seen = politeness(log.visits, window=WINDOW)
    assert set(seen) == set(HOSTS)
    for domain in seen.values():
        assert domain.max_concurrency <= CONCURRENCY, domain
        assert domain.min_gap >= DELAY - LAG, domain
        assert domain.max_in_window <= WINDOW / DELAY + 1, domain


@pytest.mark.slow
def test_two_separate_crawls_at_once_share_one_sites_limits(
    world, new_casebook, redis_url, tmp_path
):
    """Two one-process crawls (no shared queue), started together on one site: with
    PATROLI_REDIS_URL set they take turns from the one limiter, as a scheduled patrol and an
    officer's ad-hoc crawl would."""
    log = RequestLog(create_pasarku(world, DemoState()), latency=(0.1, 0.5))
    products = world.listings_on("pasarku")[:12]
    patroli = new_casebook(tmp_path / "var")
    patroli.env["PATROLI_REDIS_URL"] = redis_url
    limits = [f"DOWNLOAD_DELAY={DELAY}", f"PATROLI_POLITE_DELAY={DELAY}",
              f"PATROLI_POLITE_CONCURRENCY={CONCURRENCY}"]  # fmt: skip
    limits = [part for setting in limits for part in ("-s", setting)]
    with LoggedSites(log, HOSTS[:1]) as sites:
        (base,) = sites.base_urls.values()
        crawls = []
        for n, half in enumerate((products[:6], products[6:])):
            urls = tmp_path / f"urls-{n}.txt"
            urls.write_text("".join(f"{base}{x.path}\n" for x in half))
            crawls.append(patroli.popen("crawl", "urls", str(urls), *limits))
        for crawl in crawls:
            out, err = crawl.communicate(timeout=300)
            assert crawl.returncode == 0, err[-3000:]
            assert "urls: finished" in out, out

    pages = Counter(v.path for v in log.visits if v.path != "/robots.txt")
    assert pages == Counter({x.path: 1 for x in products})
    (domain,) = politeness(log.visits, window=WINDOW).values()
    assert domain.max_concurrency <= CONCURRENCY, domain
    assert domain.min_gap >= DELAY - LAG, domain
    assert domain.max_in_window <= WINDOW / DELAY + 1, domain
