"""Running spiders in this process: Scrapy settings from crawler/, overrides from the caller."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from casebook.config import Config


@dataclass
class SpiderRun:
    spider: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    spider: str
    reason: str
    stats: dict[str, Any]

    @property
    def interrupted(self) -> bool:
        return self.reason == "shutdown"


def crawl_settings(config: Config, overrides: dict[str, Any] | None = None) -> Settings:
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
    return settings


def run_spiders(
    config: Config, runs: list[SpiderRun], overrides: dict[str, Any] | None = None
) -> list[CrawlOutcome]:
    """Run the spiders together until all finish (or Ctrl-C); returns how each ended."""
    settings = crawl_settings(config, {"LOG_INSTALL_ROOT_HANDLER": False, **(overrides or {})})
    process = CrawlerProcess(settings)
    _progress_to_stdout()
    crawlers, refused = [], {}
    for run in runs:
        crawler = process.create_crawler(run.spider)
        crawlers.append(crawler)
        started = process.crawl(crawler, **run.arguments)
        # A spider refusing its arguments is one line for the officer, not a traceback.
        started.addErrback(lambda failure, name=run.spider: refused.setdefault(
            name, f"not started: {failure.getErrorMessage()}"))  # fmt: skip
    process.start()
    return [
        CrawlOutcome(
            crawler.spidercls.name,
            refused.get(crawler.spidercls.name)
            or crawler.stats.get_value("finish_reason", "unknown"),
            crawler.stats.get_stats(),
        )
        for crawler in crawlers
    ]


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
    # These repeat, with tracebacks, what patroli.failures already says in one line per URL.
    for noisy in QUIETED_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    root = logging.getLogger()
    if not root.handlers:
        warnings = logging.StreamHandler(sys.stderr)
        warnings.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        warnings.setLevel(logging.WARNING)
        root.addHandler(warnings)
        root.setLevel(logging.INFO)
