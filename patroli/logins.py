"""`patroli crawl login`: the patrol account logged in once, its state saved for later crawls."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from playwright.async_api import Error as PlaywrightError

from casebook.config import Config
from crawler.login import LoginFailed, forget_login_state, login_state_path, save_login_state
from crawler.profiles import UnknownProfile, load_profile
from patroli.crawling import crawl_settings, require_chromium


def save_login(config: Config, site: str, username: str, password: str, base: str | None) -> Path:
    profile = _profile(site, base)
    require_chromium(config)
    launch = crawl_settings(config).getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    path = login_state_path(config.data_dir, profile.name)
    try:
        return asyncio.run(
            save_login_state(
                profile, username, password, path, launch, allow_private=config.allow_private
            )
        )
    except LoginFailed as error:
        raise click.ClickException(str(error)) from None
    except PlaywrightError as error:
        raise click.ClickException(f"{site}: {str(error).splitlines()[0]}") from None


def forget_login(config: Config, site: str) -> bool:
    return forget_login_state(login_state_path(config.data_dir, _profile(site, None).name))


def _profile(site: str, base: str | None):
    try:
        profile = load_profile(site, base)
    except UnknownProfile as error:
        raise click.ClickException(str(error)) from None
    if not profile.login:
        raise click.ClickException(f"site {site} has no login form in its profile")
    return profile
