"""Re-checks of a site read through Chromium (a social site): the rendered page is judged as a
plain one is, and a bot block or an error page is an answer (unknown, with its status), not a
fetch that timed out waiting for a post."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from casebook.models import Listing
from casebook.services import listings
from casebook.services.listings import ListingRecord
from rules.model import Verdict

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "RETRY_TIMES=0"]
PAGES = {
    "/robots.txt": (200, "User-agent: *\nAllow: /\n"),
    "/p/live": (200, '<article class="post"><p class="post-caption">Jamu kuat</p></article>'),
    "/p/removed": (200, '<div class="post-unavailable">Postingan tidak tersedia</div>'),
    "/p/gone": (410, "<h1>Gone</h1>"),
    "/p/wall": (200, '<div class="login-wall">Masuk untuk melihat lebih banyak</div>'),
    "/p/challenge": (403, '<form class="challenge">Bantu kami memastikan bahwa kamu bukan bot'
                          "</form>"),
    "/p/slow-down": (429, "<h1>Too many requests</h1>"),
    "/p/blank": (200, "<h1>Halaman kosong</h1>"),
}  # fmt: skip
EXPECTED = {
    "/p/live": ("active", "HTTP 200, listing shown"),
    "/p/removed": ("nonactive", "page says 'Postingan tidak tersedia'"),
    "/p/gone": ("nonactive", "HTTP 410"),
    "/p/wall": ("unknown", "login wall"),
    "/p/challenge": ("unknown", "HTTP 403"),
    "/p/slow-down": ("unknown", "HTTP 429"),
    "/p/blank": ("unknown", "HTTP 200, a page the ceritaku profile cannot read"),
}


class SocialSite(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = PAGES.get(self.path, (404, "<h1>Tidak ditemukan</h1>"))
        data = f"<!doctype html><html><body>{body}</body></html>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory, new_casebook):
    patroli = new_casebook(tmp_path_factory.mktemp("recheck-browser"))
    with ThreadingHTTPServer(("127.0.0.1", 0), SocialSite) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        records = [ListingRecord(url=base + path, platform="ceritaku") for path in EXPECTED]
        with patroli.sessions()() as session, session.begin():
            pairs = [(r, Verdict(r.url, (), None, (), "v1")) for r in records]
            ids = listings.record_listings(session, pairs).listing_ids
        patroli.run("crawl", "recheck", "--base", f"ceritaku={base}", *FAST)
        server.shutdown()
    with patroli.sessions()() as session:
        by_id = {row.id: row for row in session.scalars(select(Listing))}
    return {path: by_id[ids[base + path]] for path in EXPECTED}


@pytest.mark.parametrize("path", list(EXPECTED))
def test_a_rendered_page_gets_the_right_verdict(rechecked, path):
    row = rechecked[path]
    assert (row.status, row.status_reason) == EXPECTED[path]
