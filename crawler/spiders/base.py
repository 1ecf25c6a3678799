"""What every Patroli spider shares: argument parsing, profiles, requests, page clean-up."""

from __future__ import annotations

import json
import logging

import scrapy
from scrapy import signals
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from casebook.db import make_engine, make_session_factory
from casebook.services import plans
from crawler.login import login_state_path
from crawler.middlewares.failures import failure_reason, report_failure
from crawler.profiles import Profile, load_profile

logger = logging.getLogger(__name__)


def split_arg(value: str | list | None) -> list[str]:
    """`-a keywords="tramadol, obat kuat"` -> ["tramadol", "obat kuat"]."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def json_arg(value: str | dict | None) -> dict:
    if not value:
        return {}
    return value if isinstance(value, dict) else json.loads(value)


class CasebookAccess:
    """The crawl's one engine: connected on first use, disposed when the spider closes — or
    when it refuses its arguments, so a crawl that never started leaves no pool behind."""

    def __init__(self, database_url: str | None = None) -> None:
        self.database_url = database_url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def session(self, database_url: str | None = None) -> Session:
        if self._sessions is None:
            self._engine = make_engine(self.database_url or database_url)
            self._sessions = make_session_factory(self._engine)
        return self._sessions()

    def close(self, *args, **kwargs) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._sessions = None


class PatroliSpider(scrapy.Spider):
    """Base spider. Arguments arrive as strings from `-a`; subclasses parse what they need."""

    plan_id: int | None = None
    robots_overrides: dict[str, str] = {}

    def __init__(
        self, *args, plan: str | int | None = None, bases=None, database_url=None,
        storage_state=None, casebook: CasebookAccess | None = None, **kwargs,
    ):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.casebook = casebook or CasebookAccess(database_url)
        self.plan_id = int(plan) if plan not in (None, "") else None
        self.bases: dict[str, str] = json_arg(bases)
        self.database_url = database_url
        self.storage_state = storage_state  # a login state file given for this crawl
        self._login_states: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        # Arguments may need the casebook (a plan's keywords) before Scrapy sets .settings.
        kwargs.setdefault("database_url", crawler.settings["PATROLI_DATABASE_URL"])
        casebook = kwargs["casebook"] = CasebookAccess(kwargs["database_url"])
        try:
            spider = super().from_crawler(crawler, *args, **kwargs)
        except BaseException:
            casebook.close()
            raise
        crawler.signals.connect(casebook.close, signal=signals.spider_closed)
        return spider

    def profile(self, name: str) -> Profile:
        profile = load_profile(name, self.bases.get(name))
        if not profile.obey_robots:
            # The crawl run's record keeps the reason (RunRecorder reads robots_overrides).
            logger.warning("%s: robots.txt overridden: %s", name, profile.robots_reason)
            self.robots_overrides = {**self.robots_overrides, name: profile.robots_reason}
        return profile

    def casebook_session(self) -> Session:
        """A session on the crawl's one engine; spiders read the casebook through services."""
        return self.casebook.session(self.database_url or self.settings["PATROLI_DATABASE_URL"])

    def plan(self):  # the plan as casebook.services.plans returns it, or None
        if self.plan_id is None:
            return None
        with self.casebook_session() as session:
            return plans.get_plan(session, self.plan_id)

    def page_request(
        self,
        url: str,
        callback,
        profile: Profile | None = None,
        *,
        evidence: bool = False,
        browser: bool | None = None,
        wait_for: str | None = None,
        **kwargs,
    ) -> scrapy.Request:
        meta = {**(profile.request_meta() if profile else {}), **kwargs.pop("meta", {})}
        meta["evidence"] = evidence
        if browser if browser is not None else (profile is not None and profile.browser):
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            if profile is not None:
                meta.update(self.login_meta(profile))
            if wait_for:
                meta["playwright_page_methods"] = [
                    PageMethod("wait_for_selector", wait_for, timeout=15_000)
                ]
        errback = kwargs.pop("errback", self.on_error)
        return scrapy.Request(url, callback=callback, errback=errback, meta=meta, **kwargs)

    def login_meta(self, profile: Profile) -> dict:
        """Browser pages of a site with a login state open in a context logged in to it: the
        state given with `-a storage_state=`, else the one `patroli crawl login` saved."""
        if profile.name not in self._login_states:
            self._login_states[profile.name] = state = self._login_state(profile)
            if state:
                logger.info("%s: read as the patrol account saved in %s", profile.name, state)
                self.crawler.stats.set_value(f"patroli/logged_in/{profile.name}", state)
        state = self._login_states[profile.name]
        if not state:
            return {}
        return {
            "playwright_context": f"login-{profile.name}",
            "playwright_context_kwargs": {"storage_state": state},
        }

    def _login_state(self, profile: Profile) -> str | None:
        if self.storage_state:
            return str(self.storage_state)
        saved = login_state_path(self.settings["PATROLI_DATA_DIR"], profile.name)
        return str(saved) if profile.login and saved.is_file() else None

    async def on_error(self, failure) -> None:
        """Log the failure (once: the middleware may have already), and close the browser page
        the callback never received, or Chromium keeps it open."""
        report_failure(self.crawler, failure.request, failure_reason(failure.value))
        page = failure.request.meta.get("playwright_page")
        if page is not None and not page.is_closed():
            await page.close()
