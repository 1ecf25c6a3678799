"""Server-side request forgery through DNS: a crawl connects only to the addresses its resolver
checked, so a name that answers a public address to the check and 127.0.0.1 afterwards
(DNS rebinding) never reaches the inside server; a dead domain and a DNS hiccup stay apart.

The crawls are real (project settings, download handler, sockets); only the DNS answers are
scripted, at getaddrinfo. 127.0.0.2 plays the public site so that nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "tests" / "fixtures" / "ssrf" / "rebinding_crawl.py"
PUBLIC = "127.0.0.2"  # stands in for a public address


class Recorder(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, self.headers["Host"]))
        body = self.server.body
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")  # every request needs a new connection
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(host: str, port: int, body: bytes) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), Recorder)
    server.seen, server.body = [], body
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def sites():
    """The inside server on 127.0.0.1 and the 'public' one on 127.0.0.2, same port."""
    for _ in range(20):
        inside = serve("127.0.0.1", 0, b"inside secrets")
        try:
            public = serve(PUBLIC, inside.server_address[1], b"checked address")
            break
        except OSError:  # that port is taken on 127.0.0.2: try another
            inside.shutdown()
            inside.server_close()
    else:
        pytest.fail("no port free on both 127.0.0.1 and 127.0.0.2")
    yield inside, public
    for server in (inside, public):
        server.shutdown()
        server.server_close()


def crawl(tmp_path: Path, plan: dict) -> dict:
    (tmp_path / "plan.json").write_text(json.dumps({"public": PUBLIC, **plan}))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SCRIPT.parent), str(ROOT)]),
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
        "PATROLI_DATA_DIR": str(tmp_path / "data"),
        "PATROLI_ALLOW_PRIVATE": "0",
        "PATROLI_SECRET_KEY": "ssrf-test",
    }
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "plan.json"), str(tmp_path / "out.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads((tmp_path / "out.json").read_text())


@pytest.mark.parametrize(
    "browser",
    [pytest.param(False, id="http"), pytest.param(True, id="chromium", marks=pytest.mark.browser)],
)
def test_a_rebinding_name_reaches_only_the_address_that_was_checked(tmp_path, sites, browser):
    inside, public = sites
    port = inside.server_address[1]
    out = crawl(
        tmp_path,
        {
            "answers": {"rebind.test": [PUBLIC, "127.0.0.1"]},
            "urls": [f"http://rebind.test:{port}/page", f"http://rebind.test:{port}/again"],
            "browser": browser,
        },
    )
    first, second = out["outcomes"]
    # The first connection went to the address its own look-up checked...
    assert "checked address" in first["body"], first
    assert ("/page", f"rebind.test:{port}") in public.seen
    if not browser:  # Chromium's peer is the gate; the servers' records show where it went
        assert first["peer"] == PUBLIC
    # ...and once the name rebinds to loopback, the connection is refused, not made.
    assert second.get("error") == "AddressRefused", second
    assert "127.0.0.1 is a loopback address" in second["message"]
    assert inside.seen == []
    assert [answer for _, answer in out["answers"]][:2] == [PUBLIC, "127.0.0.1"]
    assert out["refused_private"] == 1


FAILURES = [
    # host, scripted answers, outcome: the error type, or the peer answering
    ("gone.test", ["NXDOMAIN"], {"error": "DomainNotFound", "domain_not_found": True}),
    ("flaky.test", ["SERVFAIL"], {"error": "DNSLookupError", "domain_not_found": False}),
    ("inside.test", ["10.0.0.7"], {"error": "AddressRefused", "domain_not_found": False}),
    ("metadata.test", ["169.254.169.254"], {"error": "AddressRefused"}),
    ("mapped.test", ["::ffff:127.0.0.1"], {"error": "AddressRefused"}),
    ("hiccup.test", ["SERVFAIL", PUBLIC], {"peer": PUBLIC, "body": "checked address"}),
    ("fine.test", [PUBLIC], {"peer": PUBLIC, "body": "checked address"}),
]


# Chromium reports every gate refusal alike; a hiccup gone by the time the handler asks again
# stays Playwright's own error there, which is not retried (the recheck calls it unknown).
BROWSER_FAILURES = [row for row in FAILURES if row[0] != "hiccup.test"]


@pytest.mark.parametrize(
    "browser",
    [pytest.param(False, id="http"), pytest.param(True, id="chromium", marks=pytest.mark.browser)],
)
def test_dns_failures_keep_their_kind_through_the_crawl(tmp_path, sites, browser):
    inside, _ = sites
    port = inside.server_address[1]
    table = BROWSER_FAILURES if browser else FAILURES
    out = crawl(
        tmp_path,
        {
            "answers": {host: answers for host, answers, _ in table},
            "urls": [f"http://{host}:{port}/" for host, _, _ in table],
            "retry_times": 1,
            "browser": browser,
        },
    )
    outcomes = {o["url"].split("//")[1].split(":")[0]: o for o in out["outcomes"]}
    for host, _, expected in table:
        got = outcomes[host]
        if browser and "body" in expected:  # the peer is the gate, the body a rendered page
            assert expected["body"] in got["body"], (host, got)
            continue
        assert {key: got.get(key) for key in expected} == expected, (host, got)
    assert inside.seen == []
