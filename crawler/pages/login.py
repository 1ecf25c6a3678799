"""A site's login form, filled in a live browser page as the site's profile describes it."""

from __future__ import annotations

from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.profiles import Profile


class LoginFailed(RuntimeError):
    """The site did not accept the account, or the page was not the form the profile expects."""


class LoginForm:
    def __init__(self, page, profile: Profile) -> None:
        if not profile.login:
            raise LoginFailed(f"profile {profile.name} has no [login] section")
        self.page, self.form, self.site = page, profile.login, profile.name

    @property
    def url(self) -> str:
        return self.form["url"]

    async def submit(self, username: str, password: str, timeout_ms: int = 15_000) -> None:
        """Fill and send the form; returns once the site shows a logged-in page."""
        try:
            await self.page.fill(self.form["username"], username, timeout=timeout_ms)
            await self.page.fill(self.form["password"], password, timeout=timeout_ms)
        except PlaywrightTimeout as error:
            raise LoginFailed(f"{self.site}: no login form at {self.page.url}") from error
        await self.page.click(self.form["submit"])
        outcome = f"{self.form['done']}, {self.form['failed']}"
        try:
            await self.page.wait_for_selector(outcome, timeout=timeout_ms)
        except PlaywrightTimeout as error:
            raise LoginFailed(f"{self.site}: no answer to the login form") from error
        if await self.page.query_selector(self.form["failed"]):
            message = (await self.page.inner_text(self.form["failed"])).strip()
            raise LoginFailed(f"{self.site} refused the login: {message[:200]}")
