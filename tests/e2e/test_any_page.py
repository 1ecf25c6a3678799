"""`patroli crawl urls` over a tips file mixing pages of every kind (JSON-LD, a JSON-LD script cut
short by `</script>`, microdata, OpenGraph, plain shop, forum thread, blog post, WordPress post,
classified ad) with lines that are no URL: every page is stored as a listing with the way it
was read, every bad line is named once, pages that are no listing are named with the reason."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from casebook.models import CrawlRun, Listing

pytestmark = pytest.mark.slow
PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5",
        "-s", "RETRY_TIMES=0"]  # fmt: skip

# saved page -> (read_by, price stored)
LISTINGS = {
    "jsonld_product": ("json-ld", 85000),
    "jsonld_broken_script": ("json-ld", 95000),
    "jsonld_itempage": ("json-ld", 75000),
    "microdata_product": ("microdata", 120000),
    "opengraph_product": ("opengraph", 45000),
    "plain_shop": ("generic", 45000),
    "forum_thread": ("generic", 150000),
    "blog_post": ("generic", 45000),
    "wordpress_post": ("json-ld", 1250000),
    "classified_juta": ("generic", 1200000),
}
NO_LISTING = {"login_page": "a login page", "empty_page": "an empty page"}
BAD_LINES = {
    3: ("http://[::1", "not a valid URL (Invalid IPv6 URL)"),
    6: ("ftp://x", "not an http(s) URL"),
    9: ("not a url", "not an http(s) URL"),
}


class SavedPages(BaseHTTPRequestHandler):
    """Serves tests/fixtures/pages/NAME.html at /p/NAME; no robots.txt (404: all allowed)."""

    def do_GET(self) -> None:
        name = self.path.removeprefix("/p/")
        page = PAGES / f"{name}.html"
        if not self.path.startswith("/p/") or not page.is_file():
            self.send_error(404)
            return
        body = page.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site():
    with ThreadingHTTPServer(("127.0.0.1", 0), SavedPages) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def tips_file(path: Path, site: str) -> Path:
    urls = iter(f"{site}/p/{name}" for name in [*LISTINGS, *NO_LISTING])
    lines = ["# tips from UPT BPOM"]
    while len(lines) < 14:
        number = len(lines) + 1
        lines.append(BAD_LINES[number][0] if number in BAD_LINES else next(urls))
    lines.extend(urls)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_kind_of_page_is_stored_and_every_bad_line_named(tmp_path, site, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    tips = tips_file(tmp_path / "tips.txt", site)

    result = patroli.run("crawl", "urls", str(tips), *FAST)

    log = result.stderr
    for number, (text, reason) in BAD_LINES.items():
        named = [line for line in log.splitlines() if repr(text) in line]
        assert len(named) == 1, (text, named)
        assert f"line {number}: {reason}" in named[0]
    for name, reason in NO_LISTING.items():
        assert f"no listing at {site}/p/{name}: {reason}" in log
    with patroli.sessions()() as session:
        stored = {
            listing.url: (listing.read_by, listing.price)
            for listing in session.scalars(select(Listing))
        }
        run = session.scalars(select(CrawlRun)).one()
    assert stored == {f"{site}/p/{name}": expected for name, expected in LISTINGS.items()}
    assert run.stats["patroli/read_by/generic"] == 4
    assert run.stats["patroli/no_listing"] == len(NO_LISTING)
    assert "urls: finished" in result.stdout
