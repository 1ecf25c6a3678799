"""A social site shows strangers one page of a feed: the patrol account, logged in once with
`patroli crawl login`, lets later crawls read feeds to the end."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select

from casebook.models import CrawlRun, Listing
from patroli.demo import PATROL_ACCOUNT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]  # fmt: skip
KEYWORD = "promo"  # more posts than one page of the feed


def keyword_posts(demo, world) -> set[str]:
    """What the site's search finds (the demo's own rule): caption and @handle."""
    found = set()
    for post in world.listings_on("ceritaku"):
        text = f"{post.description}\n@{world.seller(post.seller_id).slug}".lower()
        if KEYWORD in text:
            found.add(demo.url(post))
    return found


def social_crawl(patroli, demo):
    result = patroli.run("crawl", "run", "social", "-a", "site=ceritaku", "-a",
                         f"keywords={KEYWORD}", "--base", f"ceritaku={demo.base_urls['ceritaku']}",
                         *FAST)  # fmt: skip
    with patroli.sessions()() as session:
        stored = set(session.scalars(select(Listing.url)))
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        return result, stored, run.stats


def log_in(patroli, demo, password: str, check: bool = True):
    return patroli.run("crawl", "login", "ceritaku", "--username", PATROL_ACCOUNT[0],
                       "--password-stdin", "--base", f"ceritaku={demo.base_urls['ceritaku']}",
                       input=password + "\n", check=check)  # fmt: skip


def test_a_saved_login_reads_the_feed_past_the_wall(tmp_path, demo, world, new_casebook):
    wanted = keyword_posts(demo, world)
    assert len(wanted) > 12  # one feed page

    stranger = new_casebook(tmp_path / "stranger")
    result, stored_as_stranger, stats = social_crawl(stranger, demo)
    assert "stops at a login wall after 12 posts" in result.stderr
    assert "patroli crawl login ceritaku" in result.stderr
    assert stats["patroli/walled_feeds"] >= 1

    officer = new_casebook(tmp_path / "officer")
    saved = log_in(officer, demo, PATROL_ACCOUNT[1])
    state = tmp_path / "officer" / "login" / "ceritaku.json"
    assert f"logged in as {PATROL_ACCOUNT[0]}" in saved.stdout
    assert stat.S_IMODE(state.stat().st_mode) == 0o600  # it opens the account to its holder
    result, stored_as_officer, stats = social_crawl(officer, demo)
    assert "login wall" not in result.stderr
    assert "patroli/walled_feeds" not in stats
    assert stats["patroli/logged_in/ceritaku"] == str(state)
    assert wanted <= stored_as_officer
    assert stored_as_stranger < stored_as_officer


def test_a_wrong_password_is_one_line_and_saves_nothing(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    result = log_in(patroli, demo, "bukan-sandinya", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: ceritaku refused the login: Nama pengguna atau kata sandi salah."
    )
    assert not (tmp_path / "casebook" / "login" / "ceritaku.json").exists()


def test_forget_deletes_the_saved_login(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    log_in(patroli, demo, PATROL_ACCOUNT[1])
    assert "login state deleted" in patroli.run("crawl", "login", "ceritaku", "--forget").stdout
    assert not (tmp_path / "casebook" / "login" / "ceritaku.json").exists()


def test_a_login_form_on_a_private_address_is_refused(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    patroli.env["PATROLI_ALLOW_PRIVATE"] = "0"
    result = log_in(patroli, demo, PATROL_ACCOUNT[1], check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: refused http://127.0.0.3:")
    assert "private/loopback/link-local" in result.stderr
    assert not (tmp_path / "casebook" / "login").exists()
