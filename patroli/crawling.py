"""Running spiders: in a child process of its own session, so that Ctrl-C reaches Scrapy only.

A terminal's Ctrl-C signals the whole foreground process group. Were Chromium and the
Playwright driver in it, they would die at once and every page in flight would fail; instead
the crawl runs in a new session, and this process passes Ctrl-C on: the first asks Scrapy to
finish what is in flight, the second to stop now, the third kills the crawl outright.

With a shared queue (PATROLI_REDIS_URL and PATROLI_QUEUE, see crawler/distributed.py) several
such crawl processes may work one crawl: `workers` of them here, more on other machines. Each
gets Ctrl-C the same way; a worker stopped early hands back what it held."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from casebook.config import Config


def require_chromium(config: Config) -> None:
    if not config.chromium or not os.access(config.chromium, os.X_OK):
        raise click.ClickException(
            "Chromium not found: install it (`sudo apt-get install -y chromium`) "
            "or set PATROLI_CHROMIUM to its path"
        )


@dataclass
class SpiderRun:
    spider: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    spider: str
    reason: str
    stats: dict[str, Any]
    error: str | None = None  # why it never started (a refused argument, an unknown spider)
    signalled: bool = False  # Ctrl-C or SIGTERM reached the crawl, whatever the spiders said
    workers: list[str] = field(default_factory=list)  # each worker's reason, when several

    @property
    def interrupted(self) -> bool:
        # A Ctrl-C before the spiders opened lets them close "finished" with nothing crawled:
        # the signal itself says the officer stopped it.
        return self.signalled or self.reason in ("shutdown", "killed")

    @property
    def started(self) -> bool:
        return self.reason != "not started"


def run_spiders(
    config: Config,
    runs: list[SpiderRun],
    overrides: dict[str, Any] | None = None,
    workers: int = 1,
) -> list[CrawlOutcome]:
    """Run the spiders together until all finish (or Ctrl-C); returns how each ended. With
    `workers` > 1 (a shared queue) as many crawl processes run them; their stats add up."""
    # The signals are ours from the first line: a Ctrl-C while the crawl process is being made
    # must stop it, not abort us and leave it reading a job file we already removed.
    with _Forwarding() as signals, tempfile.TemporaryDirectory(prefix="patroli-crawl-") as folder:
        job = Path(folder) / "job.json"
        outcome_files = [Path(folder) / f"outcomes-{n}.json" for n in range(workers)]
        job.write_text(json.dumps({
            "config": {
                "data_dir": str(config.data_dir), "database_url": config.database_url,
                "chromium": config.chromium, "allow_private": config.allow_private,
                "redis_url": config.redis_url,
            },
            "runs": [asdict(run) for run in runs],
            "overrides": overrides or {},
        }))  # fmt: skip
        for outcome_file in outcome_files:
            if signals.received:
                break
            crawl = [sys.executable, "-m", "patroli.crawling", str(job), str(outcome_file),
                     str(os.getpid())]  # fmt: skip
            signals.adopt(subprocess.Popen(crawl, start_new_session=True))
        signals.wait()
        signalled = signals.received > 0
        each = [_read_outcomes(path, runs) for path in outcome_files]
        return [
            CrawlOutcome(**_merged([worker[index] for worker in each]), signalled=signalled)
            for index in range(len(runs))
        ]


def _countable(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_outcomes(path: Path, runs: list[SpiderRun]) -> list[dict[str, Any]]:
    if not path.exists():  # it died before it could say how its spiders ended
        return [{"spider": run.spider, "reason": "killed", "stats": {}} for run in runs]
    return json.loads(path.read_text())


def _merged(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """One spider's outcome over its workers: counts add up, the worst reason shows."""
    if len(outcomes) == 1:
        return outcomes[0]
    first = outcomes[0]
    reasons = [o["reason"] for o in outcomes]
    stats = dict(first["stats"])
    for other in outcomes[1:]:
        for key, value in other["stats"].items():
            mine = stats.get(key, 0)
            if _countable(value) and _countable(mine):
                stats[key] = mine + value
    reason = next((r for r in reasons if r != "finished"), "finished")
    error = next((o.get("error") for o in outcomes if o.get("error")), None)
    return {"spider": first["spider"], "reason": reason, "stats": stats, "error": error,
            "workers": reasons}  # fmt: skip


class _Forwarding:
    """Ctrl-C and SIGTERM, while the crawl runs, go to the crawl process: the first two ask it
    to stop (Scrapy closes the spiders cleanly), a third kills it; `received` counts them."""

    def __init__(self) -> None:
        self.received = 0
        self.children: list[subprocess.Popen] = []

    def __enter__(self) -> _Forwarding:
        self.previous = {
            s: signal.signal(s, self._forward) for s in (signal.SIGINT, signal.SIGTERM)
        }
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def adopt(self, child: subprocess.Popen) -> None:
        self.children.append(child)
        if self.received:  # a signal came while it was being started
            child.send_signal(signal.SIGINT)

    def wait(self) -> None:
        for child in self.children:
            child.wait()

    def _forward(self, signum, frame) -> None:
        self.received += 1
        for child in self.children:
            if child.poll() is not None:
                continue
            if self.received <= 2:
                child.send_signal(signal.SIGINT)
            else:
                os.killpg(child.pid, signal.SIGKILL)


def _die_with_parent(parent: int) -> None:
    """Killing `patroli` (even with SIGKILL) kills the crawl: Linux signals us when it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the crawl outlives a killed parent
        return
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)


def _crawl_in_this_process(job_path: str, outcome_path: str, parent: str) -> None:
    _die_with_parent(int(parent))
    from scrapy.crawler import CrawlerProcess

    job = json.loads(Path(job_path).read_text())
    config = Config(**{**job["config"], "data_dir": Path(job["config"]["data_dir"])},
                    secret_key="")  # fmt: skip
    settings = crawl_settings(config, {"LOG_INSTALL_ROOT_HANDLER": False, **job["overrides"]})
    process = CrawlerProcess(settings)
    _progress_to_stdout()
    started: list[tuple[str, Any]] = []  # (spider, its crawler); None when it was never made
    refused: dict[int, str] = {}
    for index, run in enumerate(job["runs"]):
        try:
            crawler = process.create_crawler(run["spider"])
        except KeyError:
            known = ", ".join(sorted(process.spider_loader.list()))
            refused[index] = f"no spider {run['spider']!r} (known: {known})"
            started.append((run["spider"], None))
            continue
        started.append((run["spider"], crawler))
        _own_queue(crawler, index, run["spider"], len(job["runs"]))
        # A spider refusing its arguments is one line for the officer, not a traceback, and
        # the spiders started beside it run on.
        process.crawl(crawler, **run["arguments"]).addErrback(
            lambda failure, index=index: refused.setdefault(index, _one_line(failure))
        )
    if len(refused) < len(started):
        process.start()
    outcomes = [
        _outcome(spider, crawler, refused.get(index))
        for index, (spider, crawler) in enumerate(started)
    ]
    Path(outcome_path).write_text(json.dumps(outcomes, default=str))


def _own_queue(crawler, index: int, spider: str, runs: int) -> None:
    """Spiders run together each need a queue of their own: a request names its callback,
    which only its own spider (with its own arguments) can answer."""
    queue = crawler.settings.get("PATROLI_QUEUE")
    if queue and runs > 1:
        # Above "cmdline": process.crawl() copies the process's settings over the crawler's.
        crawler.settings.set("PATROLI_QUEUE", f"{queue}.{index + 1}-{spider}", priority=50)


def _one_line(failure) -> str:
    """The reason a crawl did not start, in one line (database errors run to several)."""
    lines = failure.getErrorMessage().strip().splitlines()
    return lines[0] if lines else failure.type.__name__


def _outcome(spider: str, crawler, refusal: str | None) -> dict[str, Any]:
    """How one spider ended; a crawler that never started has no stats to read."""
    if refusal is None and crawler is not None:
        try:
            stats = crawler.stats.get_stats()
        except RuntimeError:  # Scrapy's "Crawler.stats is not set yet"
            refusal = "stopped before it started"
    if refusal is not None or crawler is None:
        return {"spider": spider, "reason": "not started", "stats": {}, "error": refusal}
    return {"spider": spider, "reason": stats.get("finish_reason", "unknown"), "stats": stats}


def crawl_settings(config: Config, overrides: dict[str, Any] | None = None):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(
        {
            "PATROLI_DATABASE_URL": config.database_url,
            "PATROLI_DATA_DIR": str(config.data_dir),
            "PATROLI_ALLOW_PRIVATE": config.allow_private,
        },
        priority="cmdline",
    )
    launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    launch["executable_path"] = config.chromium
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority="cmdline")
    settings.update(overrides or {}, priority="cmdline")
    if config.redis_url:
        _shared_politeness(config, settings)
    if settings.get("PATROLI_QUEUE"):
        _shared_queue(config, settings)
    return settings


def _shared_politeness(config: Config, settings) -> None:
    """With a Redis, every crawl (a plan, ad-hoc URLs, a re-check, a takedown check; on one
    queue or not) takes its per-domain turns from the one limiter (crawler/politeness.py):
    two crawls at once, here or on other machines, together stay within a site's limits.
    Scrapy's own limits hold per process only."""
    from crawler.politeness import PRIORITY

    settings.set("PATROLI_REDIS_URL", config.redis_url, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    # Last in the chain: its grant is the request's start (see crawler/politeness.py).
    middlewares["crawler.politeness.SharedPolitenessMiddleware"] = PRIORITY
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")


def _shared_queue(config: Config, settings) -> None:
    """The crawl works a queue in Redis with other processes (crawler/distributed.py)."""
    if not config.redis_url:
        raise ValueError("a shared crawl queue needs PATROLI_REDIS_URL")
    settings.update({
        "SCHEDULER": "crawler.distributed.RedisScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.SharedDupeFilter",
    }, priority="cmdline")  # fmt: skip


# These repeat, with tracebacks, what patroli.failures already says in one line per URL.
QUIETED_LOGGERS = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.core.downloader.handlers.http11",
)


def _progress_to_stdout() -> None:
    """Officers see one line of progress per spider every few seconds, plus warnings."""
    formatter = logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S")
    progress = logging.getLogger("patroli.progress")
    if not progress.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(formatter)
        progress.addHandler(handler)
        progress.setLevel(logging.INFO)
        progress.propagate = False
    for noisy in QUIETED_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    root = logging.getLogger()
    if not root.handlers:
        warnings = logging.StreamHandler(sys.stderr)
        warnings.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        warnings.setLevel(logging.WARNING)
        root.addHandler(warnings)
        root.setLevel(logging.INFO)


if __name__ == "__main__":
    _crawl_in_this_process(*sys.argv[1:4])
