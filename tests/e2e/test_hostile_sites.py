"""Bad input and hostile sites: each failure is named with its URL and reason, the crawl goes
on, and nothing good is lost."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from casebook.models import CrawlRun, Listing

pytestmark = pytest.mark.slow
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=3",
        "-s", "RETRY_TIMES=1"]  # fmt: skip


def test_tips_file_with_traps_dead_hosts_and_bad_lines(tmp_path, demo, world, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    pasarku = demo.base_urls["pasarku"]
    good = [demo.url(x) for x in world.listings_on("pasarku")[:2]]
    good.append(demo.url(world.listings_on("tokosehat")[0]))
    traps = {
        f"{pasarku}/_trap/loop/a": "redirect",
        f"{pasarku}/_trap/huge?mb=21": "size",
        f"{pasarku}/_trap/slow?s=10": "TimeoutError",
        f"{pasarku}/_trap/error": "HTTP 500",
        "http://127.0.0.1:9/produk/mati": "ConnectionRefused",
        f"{pasarku}/cart": "robots.txt",
    }
    tips = tmp_path / "tips.txt"
    tips.write_text(
        "# tips from Dit. Intelijen\n"
        + "\n".join([good[0], "htp:/rusak", *traps, f"{pasarku}/_trap/broken", good[1],
                     f"{pasarku}/_trap/latin1", "javascript:alert(1)", good[2]])
        + "\n"
    )  # fmt: skip

    result = patroli.run("crawl", "urls", str(tips), "--base", f"pasarku={pasarku}",
                         "--base", f"tokosehat={demo.base_urls['tokosehat']}", *FAST)  # fmt: skip

    log = result.stderr
    assert "line 3: not an http(s) URL: 'htp:/rusak'" in log
    assert "line 13: not an http(s) URL: 'javascript:alert(1)'" in log
    for url, reason in traps.items():
        lines = [line for line in log.splitlines() if f"could not fetch {url}" in line]
        assert lines and reason.lower() in lines[0].lower(), (url, lines)
    with patroli.sessions()() as session:
        stored = set(session.scalars(select(Listing.url)))
        run = session.scalars(select(CrawlRun)).one()
    # Broken HTML and mis-declared bytes still show a title and a price: read as any page.
    read_as_any_page = {f"{pasarku}/_trap/broken", f"{pasarku}/_trap/latin1"}
    assert stored == set(good) | read_as_any_page
    assert {f["url"] for f in run.stats["failures"]} == set(traps)


def test_private_addresses_are_refused_unless_allowed(tmp_path, demo, world, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    patroli.env["PATROLI_ALLOW_PRIVATE"] = "0"
    url = demo.url(world.listings_on("pasarku")[0])
    result = patroli.run("crawl", "run", "urls", "-a", f"urls={url}", *FAST)
    assert "private/loopback/link-local" in result.stderr
    with patroli.sessions()() as session:
        assert session.scalars(select(Listing)).first() is None


def test_urls_from_standard_input(tmp_path, demo, world, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    wanted = [demo.url(x) for x in world.listings_on("pasarku")[3:5]]
    patroli.run("crawl", "urls", "-", "--base", f"pasarku={demo.base_urls['pasarku']}", *FAST,
                input="\n".join(wanted) + "\n")  # fmt: skip
    with patroli.sessions()() as session:
        assert set(session.scalars(select(Listing.url))) == set(wanted)


def test_oversized_rendered_pages_are_refused(tmp_path, demo, world, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    post = demo.url(world.listings_on("ceritaku")[0])
    result = patroli.run("crawl", "run", "urls", "-a", f"urls={post}",
                         "--base", f"ceritaku={demo.base_urls['ceritaku']}",
                         "-s", "PATROLI_BROWSER_MAXSIZE=1000", *FAST)  # fmt: skip
    assert f"could not fetch {post}" in result.stderr and "exceeds 1000" in result.stderr
    with patroli.sessions()() as session:
        assert session.scalars(select(Listing)).first() is None


def test_robots_txt_binds_every_request_queued_before_it_arrives(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    pasarku = demo.base_urls["pasarku"]
    disallowed = [f"{pasarku}/cart/{n}" for n in range(6)] + [f"{pasarku}/checkout"]
    result = patroli.run("crawl", "run", "urls", "-a", "urls=" + ",".join(disallowed), *FAST,
                         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")  # fmt: skip
    refused = [line for line in result.stderr.splitlines() if "Forbidden by robots.txt" in line]
    assert len(refused) == len(disallowed), result.stderr


class FailingRobotsSite(BaseHTTPRequestHandler):
    """A live server that cannot serve its robots.txt (503) and logs every path asked for."""

    asked: list[str] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        status = 503 if self.path == "/robots.txt" else 200
        body = b"<html><body><h1>Obat kuat</h1></body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_site_whose_robots_txt_fails_is_not_crawled(tmp_path, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    with ThreadingHTTPServer(("127.0.0.1", 0), FailingRobotsSite) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        pages = [f"{base}/produk/{n}" for n in range(3)]
        result = patroli.run("crawl", "run", "urls", "-a", "urls=" + ",".join(pages), *FAST)
        server.shutdown()
    assert set(FailingRobotsSite.asked) == {"/robots.txt"}  # RFC 9309: no page was asked for
    for page in pages:
        assert f"could not fetch {page}: robots.txt unreachable (HTTP 503)" in result.stderr
