"""Crawler throughput on the demo marketplace over loopback, delays off.

    python -m benchmarks.crawl_bench [--size 2000] [--browser-size 3500] [--skip-browser]

1. Plain HTTP: the `marketplace` spider over pasarku, once as bare Scrapy (same spider, no
   pipelines, no evidence, Scrapy's own scheduler) and once with the full pipeline (frontier,
   evidence, rules, casebook); prints pages/s of each and their ratio.
2. Browser: 1,000 ceritaku post pages (rendered only by JavaScript) through the `urls` spider
   with the full pipeline (evidence with network WARC and full-page screenshot, rules,
   casebook); then the `social` spider's own walk (keyword feeds scrolled to their end, every
   post, every account). Prints pages/s and the peak memory (PSS, so pages shared between
   Chromium's processes count once) of the crawler with its driver and browser.
The demo marketplace runs in its own process so it does not share the crawler's core.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from patroli.commands.demo import KEYWORDS

PYTHON = sys.executable
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}
# Bare Scrapy: the same spider with none of Patroli's middlewares, pipelines or frontier.
BARE = {
    "ITEM_PIPELINES": "{}",
    "DOWNLOADER_MIDDLEWARES": "{}",
    "SPIDER_MIDDLEWARES": "{}",
    "SCHEDULER": "scrapy.core.scheduler.Scheduler",
}


def start_demo(size: int) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen(
        [PYTHON, "-m", "patroli.demo", "serve", "--size", str(size),
         "--pasarku", "127.0.0.1:0", "--tokosehat", "127.0.0.2:0", "--ceritaku", "127.0.0.3:0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    urls: dict[str, str] = {}
    while len(urls) < 3:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("demo marketplace did not start")
        found = re.match(r"\s+(\w+)\s+(http://\S+?)/?$", line)
        if found:
            urls[found.group(1)] = found.group(2)
    return process, urls


def casebook(size: int) -> dict[str, str]:
    from patroli.demo import build_world

    data_dir = Path(tempfile.mkdtemp(prefix="patroli-bench-"))
    env = {**os.environ, "PATROLI_DATA_DIR": str(data_dir), "PATROLI_ALLOW_PRIVATE": "1"}
    files = build_world(size=size).files()
    for name in ("registry.csv", "warnings.csv"):
        (data_dir / name).write_text(files[name])
    for command in (["db", "upgrade"], ["registry", "import", str(data_dir / "registry.csv")],
                    ["warnings", "import", str(data_dir / "warnings.csv")]):  # fmt: skip
        subprocess.run([PYTHON, "-m", "patroli", *command], env=env, check=True,
                       capture_output=True)  # fmt: skip
    return env


def crawl(env, spider: str, arguments: dict, settings: dict, bases: dict) -> dict:
    """Run one spider in a fresh process; returns its final stats and peak memory."""
    command = [PYTHON, "-m", "patroli", "crawl", "run", spider]
    command += [f"-a{k}={v}" for k, v in arguments.items()]
    command += [arg for k, v in {**FAST, **settings}.items() for arg in ("-s", f"{k}={v}")]
    command += [arg for k, v in bases.items() for arg in ("--base", f"{k}={v}")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    peak = {"pss": 0}
    sampler = threading.Thread(target=_sample_memory, args=(process, peak), daemon=True)
    sampler.start()
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{spider} crawl failed:\n{out}\n{err[-3000:]}")
    stats = _last_run_stats(env)
    stats["peak_pss_mib"] = peak["pss"] / 1024
    return stats


def _last_run_stats(env) -> dict:
    import sqlite3

    db = sqlite3.connect(Path(env["PATROLI_DATA_DIR"]) / "patroli.db")
    (stats,) = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


def _tree(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        path = task / "children"
        if path.exists():
            children += [int(c) for c in path.read_text().split()]
    return [pid] + [p for child in children for p in _tree(child)]


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_memory(process: subprocess.Popen, peak: dict) -> None:
    while process.poll() is None:
        try:
            total = sum(_pss_kib(pid) for pid in _tree(process.pid))
        except OSError:
            total = 0
        peak["pss"] = max(peak["pss"], total)
        time.sleep(0.5)


def rate(stats: dict) -> float:
    return stats.get("response_received_count", 0) / stats["elapsed_time_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="demo world for the HTTP run")
    parser.add_argument("--browser-size", type=int, default=3500, help="world for the browser")
    parser.add_argument("--posts", type=int, default=1000, help="post pages in the browser run")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    keywords = ",".join(KEYWORDS)

    demo, urls = start_demo(args.size)
    try:
        env = casebook(args.size)
        pasarku = {"site": "pasarku", "keywords": keywords}
        bare = crawl(env, "marketplace", pasarku, BARE, {"pasarku": urls["pasarku"]})
        full = crawl(env, "marketplace", pasarku, {}, {"pasarku": urls["pasarku"]})
    finally:
        demo.terminate()
        demo.wait()
    print(f"plain HTTP, pasarku ({args.size}-listing world), delays off, 2 cores:")
    for name, stats in (("bare Scrapy", bare), ("full pipeline", full)):
        print(f"  {name:14} {stats['response_received_count']:6} pages "
              f"{stats['elapsed_time_seconds']:7.1f} s {rate(stats):8.1f} pages/s "
              f"{stats.get('patroli/stored', 0):6} stored")  # fmt: skip
    print(f"  ratio full/bare: {rate(full) / rate(bare):.2f}  (target >= 0.5; >= 100 pages/s)")
    if args.skip_browser:
        return

    demo, urls = start_demo(args.browser_size)
    try:
        env = casebook(args.browser_size)
        posts = _post_urls(args.browser_size, urls["ceritaku"], args.posts, env)
        browser = crawl(env, "urls", {"file": posts}, {}, {"ceritaku": urls["ceritaku"]})
        _log_in(env, urls["ceritaku"])  # strangers see one page of each feed
        social = {"site": "ceritaku", "keywords": keywords, "max_posts": 100_000}
        walk = crawl(env, "social", social, {}, {"ceritaku": urls["ceritaku"]})
    finally:
        demo.terminate()
        demo.wait()
    print(f"browser, ceritaku ({args.browser_size}-listing world), Chromium headless:")
    for name, stats in ((f"{args.posts} post pages", browser), ("social spider walk", walk)):
        print(f"  {name:20} {stats['response_received_count']:5} pages "
              f"{stats['elapsed_time_seconds']:6.1f} s {rate(stats):6.2f} pages/s  "
              f"peak {stats['peak_pss_mib']:5.0f} MiB PSS")  # fmt: skip
    print("  (targets >= 3 pages/s, < 1536 MiB over 1,000 pages)")


def _log_in(env, base: str) -> None:
    from patroli.demo import PATROL_ACCOUNT

    command = ["crawl", "login", "ceritaku", "--username", PATROL_ACCOUNT[0], "--password-stdin",
               "--base", f"ceritaku={base}"]  # fmt: skip
    subprocess.run([PYTHON, "-m", "patroli", *command], env=env, check=True, text=True,
                   input=PATROL_ACCOUNT[1] + "\n", capture_output=True)  # fmt: skip


def _post_urls(size: int, base: str, count: int, env) -> str:
    from patroli.demo import build_world

    path = Path(env["PATROLI_DATA_DIR"]) / "posts.txt"
    posts = build_world(size=size).listings_on("ceritaku")[:count]
    path.write_text("".join(f"{base}{post.path}\n" for post in posts))
    return str(path)


if __name__ == "__main__":
    main()
