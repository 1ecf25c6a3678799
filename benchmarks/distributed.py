"""Distributed crawling: three workers on one Redis queue against one, on the demo marketplace
spread over many loopback hosts (each a domain) answering as slowly as real shops, per-domain
politeness on and measured on the servers; then the national daily load projected from it.

    python -m benchmarks.distributed [--hosts 40] [--pages 2400] [--latency 0.3,1.0]

Every crawl is `patroli crawl urls FILE --queue NAME --workers N` (full pipeline: evidence,
rules, casebook) into a fresh SQLite casebook with the world's registry, against pasarku
served on 127.0.0.2, 127.0.0.3, ... by this process; each answer is held back by a sleep drawn
uniformly from --latency (patroli.demo.requestlog.RequestLog), which also logs every request's
arrival and end per host. Politeness: the project's defaults (DOWNLOAD_DELAY 0.5 s between
starts, CONCURRENT_REQUESTS_PER_DOMAIN 4), held across workers by crawler.politeness.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.crawl_bench import casebook
from patroli.demo.requestlog import LoggedSites, RequestLog, politeness

PYTHON = sys.executable
DAILY_PAGES = 100_000
WINDOW = 5.0  # seconds: the window of the "most starts" figure
# benchmarks/README.md, rules_bench: `check` at a 500,000-row registry, one core (CPU time).
MATCH_500K_PER_S = 2_107
# benchmarks/README.md, crawl_bench: browser pages (Chromium, evidence, screenshot) per worker.
BROWSER_PAGES_PER_S = 3.94


@dataclass
class Run:
    label: str
    workers: int
    pages: int  # product pages the servers answered (robots.txt not counted)
    stored: int
    wall: float  # the whole command: workers starting, crawling, closing
    served: float  # first arrival to last answer, on the servers
    cpu: float  # user + system seconds of every crawl process
    seen: dict
    server_seconds: float  # mean time the server took per page (the latency sleep + the page)
    limiter_wait: float  # mean seconds a request waited for the shared limiter
    slots: int  # requests a worker keeps in flight (CONCURRENT_REQUESTS) x workers

    @property
    def rate(self) -> float:
        return self.pages / self.served

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu / self.pages


class ThrowawayRedis:
    """redis-server on a free loopback port, nothing on disk."""

    def __enter__(self) -> str:
        import socket

        import redis

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.folder = tempfile.mkdtemp(prefix="patroli-bench-redis-")
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        with redis.Redis.from_url(url) as client:
            for _ in range(200):
                try:
                    client.ping()
                    return url
                except redis.ConnectionError:
                    time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def crawl(label, workers, urls_file, env, log, settings=(), concurrent=16) -> Run:
    log.clear()
    queue = f"bench-{workers}-{int(time.time())}"
    command = [PYTHON, "-m", "patroli", "crawl", "urls", str(urls_file),
               "--queue", queue, "--workers", str(workers)]  # fmt: skip
    command += [part for setting in settings for part in ("-s", setting)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    with sqlite3.connect(Path(env["PATROLI_DATA_DIR"]) / "patroli.db") as db:
        (stored,) = db.execute("SELECT count(*) FROM listings").fetchone()
        runs = [json.loads(stats) for (stats,) in db.execute("SELECT stats FROM crawl_runs")]
    granted = sum(r.get("patroli/polite/granted", 0) for r in runs)
    waited = sum(r.get("patroli/polite/waited_seconds", 0) for r in runs)
    print(f"  ({label}: {result.stdout.strip().splitlines()[-1]})", file=sys.stderr)
    visits = [v for v in log.visits if v.path != "/robots.txt"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(
        label, workers, len(visits), stored, wall,
        max(v.ended for v in visits) - min(v.arrived for v in visits), cpu,
        politeness(log.visits, window=WINDOW),
        sum(v.ended - v.arrived for v in visits) / len(visits), waited / max(granted, 1),
        concurrent * workers,
    )  # fmt: skip


def print_runs(runs: list[Run], delay: float, concurrency: int, cores: int) -> None:
    print(f"  {'run':34} {'pages':>5} {'stored':>6} {'wall s':>7} {'served s':>8} "
          f"{'pages/s':>7} {'CPU s':>6} {'CPU ms/page':>11} {'CPU use':>7}")  # fmt: skip
    for run in runs:
        use = run.cpu / run.wall / cores
        print(f"  {run.label:34} {run.pages:5} {run.stored:6} {run.wall:7.1f} {run.served:8.1f} "
              f"{run.rate:7.2f} {run.cpu:6.1f} {run.cpu_ms_per_page:11.1f} {use:7.0%}")  # fmt: skip
    print("  where a request slot's time goes (slots x served s / pages = seconds per page):")
    for run in runs:
        slot_time = run.slots * run.served / run.pages
        rest = slot_time - run.server_seconds - run.limiter_wait
        print(f"    {run.label:34} {run.slots:3} slots, {slot_time:.2f} s per page: server "
              f"{run.server_seconds:.2f} s, waiting for the shared limiter "
              f"{run.limiter_wait:.2f} s, the rest {rest:.2f} s "
              f"(queue, connection, pipeline, idle slots)")  # fmt: skip
    base = runs[0]
    for run in runs[1:]:
        print(f"  ratio {run.label} / {base.label}: {run.rate / base.rate:.2f}x pages/s served "
              f"({base.wall / run.wall:.2f}x by wall time)")  # fmt: skip
    print(f"  politeness on the servers (limits: {delay} s between starts, {concurrency} at once, "
          f"at most {int(WINDOW / delay) + 1} starts in {WINDOW:.0f} s):")  # fmt: skip
    for run in runs:
        seen = run.seen.values()
        gaps = sorted(gap for s in seen for gap in s.gaps)
        short = sum(gap < 0.9 * delay for gap in gaps)
        print(f"    {run.label:34} {len(run.seen)} domains: max at once "
              f"{max(s.max_concurrency for s in seen)}, most starts in {WINDOW:.0f} s "
              f"{max(s.max_in_window for s in seen)}, min gap {gaps[0]:.3f} s, "
              f"1st percentile {gaps[len(gaps) // 100]:.3f} s, "
              f"{short} of {len(gaps)} gaps under 0.9 x delay")  # fmt: skip


def project(one: Run, three: Run, delay: float) -> None:
    """100,000 pages a day, crawled, matched and cased, from the one-worker run's rates."""
    per_worker = one.rate
    # Same pages, two worker counts: what a worker costs to start and close, what a page costs.
    start_cost = max(0.0, (three.cpu - one.cpu) / (three.workers - one.workers))
    cpu_page = (
        one.cpu - start_cost
    ) / one.pages  # crawl, evidence, rules (demo registry), casebook
    cpu_page_500k = cpu_page + 1 / MATCH_500K_PER_S  # plus matching against 500,000 rows
    print(f"\nnational daily load: {DAILY_PAGES:,} pages crawled, matched and cased per day")
    print(f"  measured per worker: {per_worker:.2f} pages/s at this latency; CPU: "
          f"{start_cost:.1f} s per worker (start, close, sharing the queue), then "
          f"{1000 * cpu_page:.1f} ms per page on the full pipeline")  # fmt: skip
    print(f"  + matching at a 500,000-row registry {1000 / MATCH_500K_PER_S:.2f} ms CPU/listing "
          f"(rules_bench) = {1000 * cpu_page_500k:.1f} ms CPU per page")  # fmt: skip
    print(f"  {'to finish within':18} {'workers (HTTP)':>14} {'CPU cores':>9} "
          f"{'workers if 30% browser':>22}")  # fmt: skip
    for hours in (24, 8, 1):
        seconds = hours * 3600
        http_workers = math.ceil(DAILY_PAGES / (per_worker * seconds))
        cores = DAILY_PAGES * cpu_page_500k / seconds
        mixed = math.ceil(0.7 * DAILY_PAGES / (per_worker * seconds)
                          + 0.3 * DAILY_PAGES / (BROWSER_PAGES_PER_S * seconds))  # fmt: skip
        print(f"  {f'{hours} h':18} {http_workers:14} {cores:9.2f} {mixed:22}")
    print(f"  politeness floor (no number of workers goes faster): {DAILY_PAGES:,} pages / "
          f"domains x {delay} s per start")  # fmt: skip
    for domains in (5, 40, 500):
        floor = DAILY_PAGES / domains * delay
        print(f"    {domains:4} domains: {DAILY_PAGES // domains:6,} pages each -> "
              f"{floor / 3600:6.2f} h")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=40, help="loopback domains 127.0.0.2...")
    parser.add_argument("--pages", type=int, default=2400, help="product pages to crawl")
    parser.add_argument("--latency", default="0.3,1.0", help="server answer time, low,high s")
    parser.add_argument("--size", type=int, default=2000, help="demo world")
    args = parser.parse_args()
    low, high = (float(x) for x in args.latency.split(","))

    from crawler import settings as crawler_settings
    from patroli.demo import build_world
    from patroli.demo.pasarku import create_pasarku
    from patroli.demo.web import DemoState

    delay = crawler_settings.DOWNLOAD_DELAY
    concurrency = crawler_settings.CONCURRENT_REQUESTS_PER_DOMAIN
    world = build_world(size=args.size)
    products = world.listings_on("pasarku")
    hosts = [f"127.0.0.{n}" for n in range(2, 2 + args.hosts)]
    log = RequestLog(create_pasarku(world, DemoState()), latency=(low, high))
    runs = []
    with ThrowawayRedis() as redis_url, LoggedSites(log, hosts) as sites:
        bases = list(sites.base_urls.values())
        urls = [bases[n % len(bases)] + products[n // len(bases) % len(products)].path
                for n in range(args.pages)]  # fmt: skip
        for label, workers, concurrent in (
            ("1 worker", 1, crawler_settings.CONCURRENT_REQUESTS),
            ("3 workers", 3, crawler_settings.CONCURRENT_REQUESTS),
            ("1 worker, CONCURRENT_REQUESTS=48", 1, 48),
        ):
            settings = [f"CONCURRENT_REQUESTS={concurrent}"]
            env = casebook(args.size) | {"PATROLI_REDIS_URL": redis_url}
            urls_file = Path(env["PATROLI_DATA_DIR"]) / "urls.txt"
            urls_file.write_text("".join(f"{url}\n" for url in urls))
            runs.append(crawl(label, workers, urls_file, env, log, settings, concurrent))
            shutil.rmtree(env["PATROLI_DATA_DIR"], ignore_errors=True)
    cores = os.cpu_count() or 1
    print(f"distributed crawl: {args.pages:,} pasarku product pages over {args.hosts} loopback "
          f"domains, each page answered after a {low}-{high} s sleep (uniform, in the server's "
          f"request log); per-domain politeness shared in Redis; {cores} cores")  # fmt: skip
    print_runs(runs, delay, concurrency, cores)
    print("  (target: 3 workers >= 2.5x the pages/s of 1, politeness held)")
    project(runs[0], runs[1], delay)


if __name__ == "__main__":
    main()
