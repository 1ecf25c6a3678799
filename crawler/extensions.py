"""Crawl extensions: visible progress, and a CrawlRun row per run with its stats and failures."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from scrapy import signals
from twisted.internet import task

from casebook.db import make_engine, make_session_factory
from casebook.services import alerts, runs
from crawler.pages.status import CHALLENGE_MARKERS
from crawler.signals import fetch_failed

logger = logging.getLogger("patroli.progress")
alert_log = logging.getLogger("patroli.alerts")
MAX_FAILURES_KEPT = 1_000
# A site's answer that is a bot block (services.alerts counts them per site): these statuses,
# or a challenge page (looked for in the first bytes only: a wall is a small page).
BLOCK_STATUSES = frozenset({401, 403, 429})
CHALLENGE_BYTES = 65_536
CHALLENGE_SIGNS = (*(m.encode() for m in CHALLENGE_MARKERS),
                   b"g-recaptcha", b"h-captcha", b"cf-turnstile", b"challenge-form")  # fmt: skip


class Progress:
    """One line every few seconds: pages, listings stored, violations, failures."""

    def __init__(self, crawler, interval: float) -> None:
        self.crawler, self.interval = crawler, interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, crawler.settings.getfloat("PATROLI_PROGRESS_SECONDS", 5.0))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider) -> None:
        self.spider_name = spider.name
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def closed(self, spider, reason) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.report(final=reason)

    def report(self, final: str | None = None) -> None:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        line = (
            f"[{self.spider_name}] {pages} pages ({pages / elapsed:.1f}/s), "
            f"{stats.get_value('patroli/stored', 0)} stored, "
            f"{stats.get_value('patroli/listings_with_hits', 0)} with violations, "
            f"{stats.get_value('patroli/failed_urls', 0)} failed"
        )
        logger.info(line + (f" — {final}" if final else ""))


class RunRecorder:
    """The casebook keeps a record of every crawl: spider, arguments, times, stats, failures."""

    def __init__(self, crawler, database_url: str) -> None:
        self.crawler = crawler
        self.engine = make_engine(database_url)
        self.sessions = make_session_factory(self.engine)
        self.failures: list[dict[str, str]] = []
        self.sites: dict[str, dict[str, int]] = {}  # host -> {"pages", "blocked"}
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, crawler.settings["PATROLI_DATABASE_URL"])
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.failed, signal=fetch_failed)
        crawler.signals.connect(extension.answered, signal=signals.response_received)
        return extension

    def opened(self, spider) -> None:
        arguments = {k: v for k, v in vars(spider).items() if isinstance(v, str | int | float)}
        if spider.robots_overrides:
            arguments["robots_overrides"] = spider.robots_overrides
        if self.crawler.settings.get("PATROLI_QUEUE"):  # one worker of a shared crawl
            arguments["queue"] = self.crawler.settings["PATROLI_QUEUE"]
        with self.sessions() as session, session.begin():
            run = runs.start_run(
                session, spider.name, arguments, plan_id=getattr(spider, "plan_id", None)
            )
            self.run_id = run.id
        spider.run_id = self.run_id

    def failed(self, url: str, reason: str) -> None:
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append({"url": url, "reason": reason})

    def answered(self, response, request, spider) -> None:
        if response.url.endswith("/robots.txt"):
            return
        counts = self.sites.setdefault(site_of(response.url), {"pages": 0, "blocked": 0})
        counts["pages"] += 1
        counts["blocked"] += bot_block(response)

    def closed(self, spider, reason) -> None:
        stats = {
            key: value
            for key, value in self.crawler.stats.get_stats().items()
            if isinstance(value, int | float | str) or key == "patroli/frontier"
        }
        stats["failures"] = self.failures
        stats["patroli/sites"] = self.sites
        with self.sessions() as session, session.begin():
            runs.finish_run(session, self.run_id, "finished" if reason == "finished" else reason,
                            stats)  # fmt: skip
            check_alerts(session, self.run_id)
        self.engine.dispose()


def check_alerts(session, run_id: int) -> None:
    """Alerts on the finished run (services.alerts), each logged. A fault in them must not cost
    the run's own record: they are judged in a savepoint, and a failure is only logged."""
    try:
        with session.begin_nested():
            raised = alerts.check_run(session, run_id)
    except Exception:
        alert_log.exception("crawl run %s: alerts not checked", run_id)
        return
    for alert in raised:
        extra = {"plan_id": alert.plan_id, "run_id": run_id, "kind": alert.kind}
        alert_log.warning("alert %s: %s", alert.kind, alert.message, extra=extra)


def site_of(url: str) -> str:
    """The site an answer came from: its host, and its port when the URL names one (two
    loopback demo platforms are two sites)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "") + (f":{port}" if port else "")


def bot_block(response) -> bool:
    """An answer that is a bot block: 401/403/429, or a captcha / bot-check page."""
    if response.status in BLOCK_STATUSES:
        return True
    head = response.body[:CHALLENGE_BYTES].lower()
    return any(sign in head for sign in CHALLENGE_SIGNS)
