"""Saved login states: an officer's patrol account logged in once, reused by later crawls.

The state (the browser's cookies and local storage, Playwright's storage-state JSON) is kept
under the data directory, readable by its owner only: it opens the account to whoever has it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.async_api import async_playwright

from crawler.pages.login import LoginFailed, LoginForm
from crawler.profiles import Profile
from crawler.urls import refusal

__all__ = ["LoginFailed", "forget_login_state", "login_state_path", "save_login_state"]


def login_state_path(data_dir: str | Path, site: str) -> Path:
    return Path(data_dir) / "login" / f"{site}.json"


async def save_login_state(
    profile: Profile,
    username: str,
    password: str,
    path: Path,
    launch_options: dict,
    *,
    allow_private: bool = False,
) -> Path:
    """Log in through the site's form in Chromium and save the resulting state to `path`."""
    form_url = profile.login.get("url", "").format(base=profile.base_url)
    _refuse_private(form_url, allow_private)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options)
        try:
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(form_url)
            await LoginForm(page, profile).submit(username, password)
            state = await context.storage_state()
        finally:
            await browser.close()
    _write_private(path, state)
    return path


def forget_login_state(path: Path) -> bool:
    if path.exists():
        path.unlink()
        return True
    return False


def _refuse_private(url: str, allow_private: bool) -> None:
    reason = None if allow_private else refusal(url)
    if reason:
        raise LoginFailed(f"refused {url}: {reason}")


def _write_private(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(state, out)
    os.replace(path.with_suffix(".tmp"), path)
