"""Saved login states: an officer's patrol account logged in once, reused by later crawls.

The state (the browser's cookies and local storage, Playwright's storage-state JSON) is kept
under the data directory, readable by its owner only: it opens the account to whoever has it.
"""

from __future__ import annotations

import asyncio
import json
import os
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright
from twisted.internet.error import DNSLookupError

from crawler.dns import AddressRefused, checked_addresses
from crawler.gate import BrowserGate
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
    """Log in through the site's form in Chromium and save the resulting state to `path`.
    The browser goes out through the gate, as in a crawl: the form's site (and whatever it
    redirects to) is reached only at addresses that were checked."""
    form_url = profile.login.get("url", "").format(base=profile.base_url)
    _refuse_private(form_url, allow_private)
    gate = BrowserGate(partial(checked_addresses, allow_private=allow_private)).start()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**gate.launch_options(launch_options))
            try:
                context = await browser.new_context()
                page = await context.new_page()
                await _open(page, form_url, allow_private)
                await LoginForm(page, profile).submit(username, password)
                state = await context.storage_state()
            finally:
                await browser.close()
    finally:
        gate.stop()
    _write_private(path, state)
    return path


def forget_login_state(path: Path) -> bool:
    if path.exists():
        path.unlink()
        return True
    return False


async def _open(page, url: str, allow_private: bool) -> None:
    """Open the form, or say in one line why not (the gate's refusal, a name gone, the error)."""
    try:
        await page.goto(url)
    except PlaywrightError as error:
        host, port = urlsplit(url).hostname or "", urlsplit(url).port or 0
        try:
            await asyncio.to_thread(checked_addresses, host, port, allow_private=allow_private)
        except (AddressRefused, DNSLookupError) as why:
            raise LoginFailed(f"refused {url}: {why}") from error
        raise LoginFailed(f"cannot open {url}: {error.message.splitlines()[0]}") from error


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
