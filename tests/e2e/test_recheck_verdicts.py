"""`patroli crawl recheck` against a live loopback site that answers every way a real platform
does: only positive evidence of removal makes a link nonactive; bot blocks, walls, server
errors and timeouts are unknown, keep an earlier takedown's evidence, and back off."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from casebook.models import Listing, ListingChange
from casebook.services import listings, rechecks
from casebook.services.listings import ListingRecord
from casebook.services.rechecks import RecheckResult
from rules.model import Verdict

pytestmark = pytest.mark.slow
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]  # fmt: skip
PRODUCT = '<article class="product-page"><h1 class="product-title">Jamu Kuat</h1></article>'
PAGES = {
    # path: (HTTP status, extra headers, body)
    "/robots.txt": (200, {}, "User-agent: *\nAllow: /\n"),
    "/": (200, {}, "<h1>Pasarku: belanja hemat</h1>"),
    "/login": (200, {}, '<form><input name="username"><input type="password"></form>'),
    "/p/live": (200, {}, PRODUCT),
    "/p/forbidden": (403, {}, "<h1>Access denied</h1>"),
    "/p/too-many": (429, {"Retry-After": "3600"}, "<h1>Too many requests</h1>"),
    "/p/busy": (503, {}, "<h1>Service unavailable</h1>"),
    "/p/captcha": (200, {}, '<h1>Produk tidak ditemukan?</h1><div class="g-recaptcha"></div>'),
    "/p/login-wall": (302, {"Location": "/login?next=/p/login-wall"}, ""),
    "/p/gone-404": (404, {}, "<h1>Not found</h1>"),
    "/p/gone-410": (410, {}, "<h1>Gone</h1>"),
    "/p/removed": (200, {}, '<div class="not-found"><h1>Produk tidak ditemukan</h1></div>'),
    "/p/sent-home": (302, {"Location": "/"}, ""),
    "/p/unreadable": (200, {}, "<h1>Halaman baru kami</h1>"),
    "/p/was-taken-down": (403, {}, "<h1>Access denied</h1>"),
    "/p/came-back": (200, {}, PRODUCT),
}
NXDOMAIN = "http://toko-obat-hilang.invalid/p/tramadol"
# path: what the re-check must conclude (status, reason)
EXPECTED = {
    "/p/live": ("active", "HTTP 200, listing shown"),
    "/p/forbidden": ("unknown", "HTTP 403"),
    "/p/too-many": ("unknown", "HTTP 429"),
    "/p/busy": ("unknown", "HTTP 503"),
    "/p/captcha": ("unknown", "captcha or bot check (.g-recaptcha)"),
    "/p/login-wall": ("unknown", "login wall: redirected to {base}/login?next=/p/login-wall"),
    "/p/timeout": ("unknown", "took longer than 2.0 seconds"),
    "/p/gone-404": ("nonactive", "HTTP 404"),
    "/p/gone-410": ("nonactive", "HTTP 410"),
    "/p/removed": ("nonactive", "page says 'Produk tidak ditemukan'"),
    "/p/sent-home": ("nonactive", "redirected to the home page ({base}/)"),
    "/p/unreadable": ("unknown", "HTTP 200, a page the pasarku profile cannot read"),
    # taken down earlier (HTTP 404); today a bot block: the takedown stands
    "/p/was-taken-down": ("nonactive", "HTTP 404"),
    "/p/came-back": ("active", "reappeared: HTTP 200, listing shown"),
    NXDOMAIN: ("nonactive", "domain no longer resolves (NXDOMAIN, 2 tries)"),
}
TAKEN_DOWN_EARLIER = ("/p/was-taken-down", "/p/came-back")


class Platform(BaseHTTPRequestHandler):
    """A marketplace as bots meet it. /p/timeout accepts and never answers."""

    asked: list[str] = []
    release = threading.Event()

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/p/timeout":
            self.release.wait(60)
            return
        status, headers, body = PAGES.get(self.path.split("?")[0], (404, {}, "not here"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def platform():
    Platform.release.clear()
    with ThreadingHTTPServer(("127.0.0.1", 0), Platform) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        Platform.release.set()
        server.shutdown()


def url_of(base: str, key: str) -> str:
    return key if key.startswith("http") else base + key


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory, platform, new_casebook):
    """Every listing stored, two of them confirmed taken down earlier, then one re-check."""
    patroli = new_casebook(tmp_path_factory.mktemp("recheck"))
    urls = {key: url_of(platform, key) for key in EXPECTED}
    records = [ListingRecord(url=url, platform="pasarku") for url in urls.values()]
    with patroli.sessions()() as session, session.begin():
        pairs = [(r, Verdict(r.url, (), None, (), "v1")) for r in records]
        ids = listings.record_listings(session, pairs).listing_ids
        rechecks.record_rechecks(session, [
            RecheckResult(ids[urls[key]], "nonactive", "HTTP 404", 404)
            for key in TAKEN_DOWN_EARLIER
        ])  # fmt: skip
    Platform.asked.clear()
    result = patroli.run("crawl", "recheck", "--base", f"pasarku={platform}", *FAST)
    patroli.output = result.stdout + result.stderr
    patroli.ids = {key: ids[url] for key, url in urls.items()}
    return patroli


def rows(patroli) -> dict[int, Listing]:
    with patroli.sessions()() as session:
        return {row.id: row for row in session.scalars(select(Listing))}


def history(patroli, listing_id: int) -> list[ListingChange]:
    with patroli.sessions()() as session:
        query = select(ListingChange).where(ListingChange.listing_id == listing_id)
        return list(session.scalars(query.order_by(ListingChange.id)))


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_link_ends_with_the_right_verdict(rechecked, platform, key):
    row = rows(rechecked)[rechecked.ids[key]]
    status, reason = EXPECTED[key]
    assert row.status == status, (key, row.status_reason, rechecked.output[-3000:])
    assert reason.format(base=platform) in row.status_reason


@pytest.mark.parametrize("key", [k for k, (status, _) in EXPECTED.items() if status == "unknown"])
def test_an_unknown_link_backs_off(rechecked, key):
    row = rows(rechecked)[rechecked.ids[key]]
    (last,) = history(rechecked, row.id)
    assert last.changes["recheck"] == "unknown"
    assert row.recheck_failures == 1
    assert row.recheck_after == last.seen_at + timedelta(hours=1)


def test_a_takedown_is_not_undone_by_a_bot_block(rechecked):
    listing_id = rechecked.ids["/p/was-taken-down"]
    row = rows(rechecked)[listing_id]
    confirmed, blocked = history(rechecked, listing_id)
    assert (row.status, row.status_reason) == ("nonactive", "HTTP 404")
    assert row.status_checked_at == confirmed.seen_at < blocked.seen_at
    assert blocked.changes == {"recheck": "unknown", "reason": "HTTP 403", "http_status": 403}
    assert row.recheck_after == blocked.seen_at + timedelta(hours=1)


def test_the_officer_sees_the_verdicts_counted(rechecked):
    # the bot-blocked takedown counts as an unknown result, though its listing stays nonactive
    assert "re-checked: 2 active, 5 nonactive, 8 unknown" in rechecked.output


def test_links_with_an_answer_have_no_back_off(rechecked):
    for key, (status, _) in EXPECTED.items():
        row = rows(rechecked)[rechecked.ids[key]]
        if status != "unknown" and key != "/p/was-taken-down":
            assert (row.recheck_failures, row.recheck_after) == (0, None), key


def test_a_sweep_skips_links_whose_back_off_has_not_passed(rechecked, platform):
    Platform.asked.clear()
    rechecked.run("crawl", "recheck", "--base", f"pasarku={platform}", *FAST)
    backing_off = {k for k, (s, _) in EXPECTED.items() if s == "unknown"} | {"/p/was-taken-down"}
    asked = {path.split("?")[0] for path in Platform.asked}
    assert asked & backing_off == set()
    assert {"/p/live", "/p/gone-404", "/p/removed"} <= asked


def test_links_an_officer_names_are_checked_now(rechecked, platform):
    Platform.asked.clear()
    ids = [rechecked.ids["/p/forbidden"], rechecked.ids["/p/busy"]]
    rechecked.run("crawl", "recheck", "--ids", ",".join(map(str, ids)),
                  "--base", f"pasarku={platform}", *FAST)  # fmt: skip
    assert {"/p/forbidden", "/p/busy"} <= set(Platform.asked)
    after = rows(rechecked)
    assert [after[i].recheck_failures for i in ids] == [2, 2]
    forbidden = history(rechecked, ids[0])[-1]
    assert after[ids[0]].recheck_after == forbidden.seen_at + timedelta(hours=4)
