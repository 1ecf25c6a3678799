"""One patrol end to end: demo marketplace -> crawl over HTTP and through Chromium -> rules ->
casebook -> evidence -> re-check -> the UI in a real browser. Any broken layer fails here."""

from __future__ import annotations

import shutil
import threading
from collections import Counter

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from casebook.models import Capture, Hit, Listing, Seller
from casebook.services import plans, users
from patroli.serving import make_web_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]  # fmt: skip
KEYWORDS = ["obat", "jamu", "herbal", "krim", "serum", "kopi", "bpom", "ready", "ori", "cod"]


def base_options(demo) -> list[str]:
    return [arg for name, url in demo.base_urls.items() for arg in ("--base", f"{name}={url}")]


@pytest.fixture(scope="module")
def patrol(tmp_path_factory, demo, new_casebook):
    patroli = new_casebook(tmp_path_factory.mktemp("patrol"))
    with patroli.sessions()() as session, session.begin():
        plan = plans.save_plan(
            session,
            "Patroli e2e",
            keywords=KEYWORDS,
            targets=[
                {"spider": "marketplace", "site": "pasarku"},
                {"spider": "shop", "site": "tokosehat"},
                {"spider": "social", "site": "ceritaku", "max_posts": 40},
            ],
            actor="test",
        )
        users.create_user(session, "analis", "kata-sandi-uji", "analyst", actor="test")
    result = patroli.run("crawl", "plan", str(plan.id), *base_options(demo), *FAST)
    patroli.crawl_output = result.stdout + result.stderr
    return patroli


def stored(patroli) -> dict[str, Listing]:
    with patroli.sessions()() as session:
        rows = session.scalars(select(Listing)).all()
        for row in rows:
            _ = row.hits
        return {row.url: row for row in rows}


def test_progress_is_visible_and_every_spider_finishes(patrol):
    for spider in ("marketplace", "shop", "social"):
        assert f"{spider}: finished" in patrol.crawl_output


def test_listings_from_all_three_platforms_are_stored_once(patrol, demo, world):
    listings = stored(patrol)
    by_platform = Counter(listing.platform for listing in listings.values())
    assert by_platform["tokosehat"] == len(world.listings_on("tokosehat"))
    assert by_platform["pasarku"] >= 100  # the plan's keywords reach most of the 150
    assert by_platform["ceritaku"] >= 30  # posts rendered by JavaScript only
    known = {demo.url(x) for x in world.listings}
    assert set(listings) <= known  # nothing invented, nothing doubled


def test_rules_found_what_the_ground_truth_says(patrol, demo, world):
    listings = stored(patrol)
    truth = {demo.url(x): set(x.expected) for x in world.listings}
    exact = sum({hit.code for hit in row.hits} == truth[url] for url, row in listings.items())
    assert exact / len(listings) >= 0.9
    with patrol.sessions()() as session:
        codes = set(session.scalars(select(Hit.code).distinct()))
    assert codes >= {"prescription_drug", "no_nie", "unregistered_nie", "misleading_claim"}


def test_hostile_text_is_stored_as_text(patrol):
    titles = [row.title for row in stored(patrol).values()]
    assert any("<script>" in title for title in titles)


def test_sellers_carry_their_identifiers(patrol):
    with patrol.sessions()() as session:
        sellers = session.scalars(select(Seller)).all()
        with_phone = [s for s in sellers if any(i.kind == "phone" for i in s.identifiers)]
    assert len(with_phone) >= len(sellers) // 2


def test_every_listing_has_verifiable_evidence(patrol):
    with patrol.sessions()() as session:
        without = session.scalar(
            select(func.count(Listing.id)).where(~Listing.id.in_(select(Capture.listing_id)))
        )
        browser = session.scalars(select(Capture).where(Capture.kind == "browser")).first()
    assert without == 0
    assert {f["role"] for f in browser.files} == {"warc", "rendered_html", "screenshot"}
    assert browser.software["chromium"]
    # what the server sent, not only the DOM: the network responses are in the WARC
    warc = (patrol.data_dir / browser.manifest_path).parent / "response.warc.gz"
    with warc.open("rb") as stream:
        targets = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)
                   if r.rec_type == "response"]  # fmt: skip
    assert targets[0] == browser.url
    assert any("/api/" in target for target in targets)  # the JSON the page was built from
    assert any(target.endswith(".js") for target in targets)
    assert "0 problems" in patrol.run("evidence", "verify").stdout


def test_tampered_evidence_fails_verification(patrol):
    with patrol.sessions()() as session:
        capture = session.scalars(select(Capture).where(Capture.kind == "http")).first()
    folder = (patrol.data_dir / capture.manifest_path).parent
    warc = folder / "response.warc.gz"
    original = warc.read_bytes()
    try:
        warc.write_bytes(original[:-10] + b"0123456789")
        result = patrol.run("evidence", "verify", check=False)
        assert result.returncode == 1
        assert "response.warc.gz: SHA-256 mismatch" in result.stderr
    finally:
        warc.write_bytes(original)


def test_recrawl_updates_without_duplicating(patrol, demo):
    before = stored(patrol)
    patrol.run("crawl", "run", "marketplace", "-a", "site=pasarku", "-a", "keywords=jamu",
               *base_options(demo), *FAST)  # fmt: skip
    after = stored(patrol)
    assert len(after) == len(before)
    jamu = [
        url for url, row in after.items()
        if row.platform == "pasarku" and "jamu" in (row.title + row.description).lower()
    ]  # fmt: skip
    assert jamu and all(after[url].last_seen > before[url].last_seen for url in jamu)


def test_recheck_marks_taken_down_links_nonactive(patrol, demo, world):
    listings = stored(patrol)
    chosen = {}
    for platform in ("pasarku", "tokosehat", "ceritaku"):
        chosen[platform] = next(x for x in world.listings_on(platform) if demo.url(x) in listings)
    others = [
        x for x in world.listings_on("pasarku")
        if demo.url(x) in listings and x.seller_id != chosen["pasarku"].seller_id
    ]  # fmt: skip
    control = others[0]
    banned = next(x for x in others if x.seller_id != control.seller_id)
    for listing in chosen.values():
        demo.take_down(listing.id)
    demo.ban_seller(banned.seller_id)
    try:
        ids = [listings[demo.url(x)].id for x in [*chosen.values(), control, banned]]
        patrol.run("crawl", "recheck", "--ids", ",".join(map(str, ids)), *base_options(demo), *FAST)
    finally:
        for listing in chosen.values():
            demo.restore(listing.id)
        demo.unban_seller(banned.seller_id)
    after = stored(patrol)
    for platform, listing in chosen.items():
        row = after[demo.url(listing)]
        assert row.status == "nonactive", (platform, row.status_reason)
    assert after[demo.url(control)].status == "active"
    assert after[demo.url(banned)].status == "nonactive"  # the whole shop was closed
    assert "Produk tidak ditemukan" in after[demo.url(chosen["pasarku"])].status_reason
    assert after[demo.url(chosen["tokosehat"])].status_reason == "HTTP 404"


@pytest.fixture(scope="module")
def web(patrol):
    server = make_web_server(patrol.config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_ui_shows_the_hits_in_a_real_browser(patrol, web):
    dialogs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(web + "/")
        page.fill("input[name=username]", "analis")
        page.fill("input[name=password]", "kata-sandi-uji")
        page.click("form.login button[type=submit]")
        page.wait_for_selector("table.listings")
        assert page.locator("tr.listing").count() > 0  # the triage queue: with findings
        assert page.locator("tr.listing .badge").count() > 0
        page.select_option("select[name=code]", "prescription_drug")
        page.click(".filters button[type=submit]")
        page.wait_for_url("**code=prescription_drug**")
        rows = page.locator("tr.listing")
        assert rows.count() == rows.locator(".badge.code-prescription_drug").count() > 0
        page.locator("tr.listing td.title a").first.click()
        page.wait_for_selector("li.hit")
        assert "Obat keras" in page.inner_text("ol.hits")
        page.goto(web + "/?hits=semua&q=" + "%3Cscript%3E")  # full-text: the word "script"
        page.locator("tr.listing td.title a", has_text="<script>").first.click()
        assert "<script>" in page.inner_text("h1.listing-title")
        browser.close()
    assert dialogs == []  # no crawled script ever ran
