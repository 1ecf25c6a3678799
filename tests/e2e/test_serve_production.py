"""`patroli serve` as a supervisor runs it: a production server (not Werkzeug's development
server) that answers its probes and the login page, serves 20 requests at once, refuses a port
in use in one line, and stops cleanly on SIGTERM even with a browser's connection held open."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models.people import LoginAttempt
from casebook.services import users

CLIENTS = 20


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    banner: str
    env: dict[str, str]

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()


def _start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "patroli", "serve", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def serve(tmp_path) -> Iterator[Callable[..., Served]]:
    """`serve(*options) -> Served`: `patroli serve --port 0 *options` over a fresh casebook."""
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path), "PATROLI_SECRET_KEY": "e2e-secret"}
    env.pop("PATROLI_DATABASE_URL", None)
    engine = make_engine(f"sqlite:///{tmp_path / 'patroli.db'}")
    schema.upgrade(engine)
    engine.dispose()
    started: list[subprocess.Popen] = []

    def start(*options: str) -> Served:
        process = _start(env, "--host", "127.0.0.1", "--port", "0", *options)
        started.append(process)
        banner = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
        assert found, banner + process.stderr.read()
        return Served(process, int(found.group(1)), banner, env)

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()  # it stops its workers
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


@pytest.fixture
def served(serve) -> Served:
    return serve()


def _stop(served: Served) -> tuple[int, str, str]:
    served.process.send_signal(signal.SIGTERM)
    out, err = served.process.communicate(timeout=15)
    return served.process.returncode, out, err


def test_probes_and_login_page_from_a_production_server(served):
    assert "waitress" in served.banner and "werkzeug" not in served.banner.lower()
    for path, status, expected in [
        ("/healthz", 200, '"status":"ok"'),
        ("/readyz", 200, '"status":"ready"'),
        ("/login", 200, 'name="csrf_token"'),
        ("/", 302, ""),  # case pages still ask for a login
    ]:
        got, headers, body = served.get(path)
        assert (path, got) == (path, status)
        assert expected in body.replace(" ", "")
        assert headers["Server"] == "waitress"  # Werkzeug's would say "Werkzeug/3.x Python/3.x"
    code, out, err = _stop(served)
    assert code == 0, err
    assert "werkzeug" not in (out + err).lower()


def test_twenty_clients_at_once_all_answered(served):
    start = threading.Barrier(CLIENTS)

    def client(n: int) -> int:
        start.wait(timeout=30)  # all 20 connect together
        return served.get(("/healthz", "/readyz", "/login", "/")[n % 4])[0]

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(client, range(CLIENTS)))
    assert sorted(set(statuses)) == [200, 302]
    assert statuses.count(200) == 15 and statuses.count(302) == 5


def _workers(pid: int) -> set[int]:
    """The worker processes `patroli serve` started beside itself."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= set(map(int, (task / "children").read_text().split()))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_stops_it_with_a_browser_connection_held_open(served):
    workers = _workers(served.process.pid)
    assert len(workers) == 1  # two processes by default: this one and a worker
    idle = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    idle.request("GET", "/login")  # HTTP/1.1 keep-alive: the connection stays open after this
    assert idle.getresponse().read()
    code, out, err = _stop(served)
    idle.close()
    assert code == 0, err
    assert out.rstrip().endswith("stopped")
    assert "Traceback" not in err
    assert not [pid for pid in workers if _alive(pid)]
    with pytest.raises(ConnectionRefusedError):
        served.get("/healthz")


def test_a_killed_worker_is_replaced(served):
    (worker,) = _workers(served.process.pid)
    os.kill(worker, signal.SIGKILL)
    for _ in range(300):  # the first process looks each second; bounded, not timed
        replaced = _workers(served.process.pid) - {worker}
        if replaced and all(_alive(pid) for pid in replaced):
            break
        time.sleep(0.1)
    assert len(replaced) == 1
    with ThreadPoolExecutor(CLIENTS) as pool:
        assert set(pool.map(lambda _: served.get("/healthz")[0], range(CLIENTS))) == {200}
    code, _, err = _stop(served)
    assert code == 0 and f"worker {worker} ended" in err
    assert not [pid for pid in replaced if _alive(pid)]


def test_a_port_in_use_is_refused_in_one_line(served):
    second = _start(served.env, "--port", str(served.port))
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{served.port} (Address already in use)" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert served.get("/healthz")[0] == 200  # the first server is untouched


@pytest.mark.parametrize("option, value", [
    ("--threads", "0"), ("--threads", "16"), ("--threads", "many"),  # the pool holds 15
    ("--workers", "0"), ("--workers", "9"),
])  # fmt: skip
def test_sizes_outside_their_range_are_refused(served, option, value):
    refused = _start(served.env, "--port", "0", option, value)
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2
    assert f"Invalid value for '{option}'" in err


@pytest.mark.parametrize("options, shape, processes", [
    (("--threads", "3"), "(waitress, 2 processes x 3 threads;", 2),
    (("--workers", "1"), "(waitress, 15 threads;", 1),
    (("--workers", "3", "--threads", "2"), "(waitress, 3 processes x 2 threads;", 3),
])  # fmt: skip
def test_processes_and_threads_as_asked(served, options, shape, processes):
    code, _, _ = _stop(served)
    assert code == 0
    asked = _start(served.env, "--port", "0", *options)
    try:
        banner = asked.stdout.readline()
        workers = _workers(asked.pid)
    finally:
        asked.send_signal(signal.SIGTERM)
        _, err = asked.communicate(timeout=30)
    assert shape in banner, err
    assert len(workers) == processes - 1
    assert asked.returncode == 0


def _failed_login(served: Served, forwarded_for: str) -> None:
    """A wrong password through the login form, the request saying it was forwarded."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    cookie = SimpleCookie(page.headers["Set-Cookie"])
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    body = urlencode({"username": "penebak", "password": "salah", "csrf_token": token})
    connection.request("POST", "/login", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookie.items()),
        "X-Forwarded-For": forwarded_for,
    })  # fmt: skip
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 200  # the form again, with "wrong name or password"


@pytest.mark.parametrize("options, counted_as", [
    ((), "127.0.0.1"),  # no proxy named: a guesser cannot pick a new address per try
    (("--trusted-proxy", "10.1.2.3"), "127.0.0.1"),  # the header came from someone else
    (("--trusted-proxy", "127.0.0.1"), "203.0.113.9"),  # from our nginx: the real client
])  # fmt: skip
def test_login_throttling_counts_the_address_a_trusted_proxy_forwards(serve, options, counted_as):
    served = serve(*options)
    _failed_login(served, "203.0.113.9")
    engine = make_engine(f"sqlite:///{served.env['PATROLI_DATA_DIR']}/patroli.db")
    with make_session_factory(engine)() as session:
        addresses = session.scalars(select(LoginAttempt.address)).all()
    engine.dispose()
    assert addresses == [counted_as]


# -- behind a TLS proxy, as production runs it ---------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade",
              "proxy-connection", "content-length"}  # fmt: skip


class _ProxyHandler(BaseHTTPRequestHandler):
    """nginx's part in a few lines: TLS outside, plain HTTP and X-Forwarded-* inside."""

    protocol_version = "HTTP/1.1"
    backend_port = 0

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection("127.0.0.1", self.backend_port, timeout=30)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                upstream.putheader(name, value)
        upstream.putheader("X-Forwarded-For", self.client_address[0])
        upstream.putheader("X-Forwarded-Proto", "https")
        upstream.putheader("X-Forwarded-Host", self.headers["Host"])
        upstream.putheader("Content-Length", str(len(body)))
        upstream.endheaders(body)
        answer = upstream.getresponse()
        content = answer.read()
        upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"server", "date"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args) -> None:
        pass


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "proxy.crt", folder / "proxy.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    pkcs8 = serialization.PrivateFormat.PKCS8
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_proxy(tmp_path) -> Iterator[Callable[[int], str]]:
    """`tls_proxy(backend_port) -> https URL` on a loopback port, until the test ends."""
    servers = []

    def start(backend_port: int) -> str:
        handler = type("Handler", (_ProxyHandler,), {"backend_port": backend_port})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*_self_signed(tmp_path))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"https://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_an_officer_logs_in_through_a_tls_proxy_in_a_real_browser(serve, tls_proxy, chromium):
    served = serve("--trusted-proxy", "127.0.0.1")
    engine = make_engine(f"sqlite:///{served.env['PATROLI_DATA_DIR']}/patroli.db")
    with make_session_factory(engine)() as session, session.begin():
        users.create_user(session, "analis", "rahasia-tls-1", "analyst", actor="test")
    engine.dispose()
    base = tls_proxy(served.port)
    context = chromium.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("input[name=username]", "analis")
        page.fill("input[name=password]", "rahasia-tls-1")
        with page.expect_navigation() as navigation:
            page.press("input[name=password]", "Enter")
        # A POST form under HTTPS: Flask-WTF wants a same-origin Referer, which the browser
        # sends only if the Referrer-Policy lets it (no-referrer made every form a 400).
        assert navigation.value.status == 200, page.content()[:500]
        assert urlsplit(page.url).path != "/login"
        assert page.url.startswith(base)  # redirects stay on https, through the proxy
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert cookies["session"]["secure"]  # behind the TLS proxy, never sent in clear text
    finally:
        context.close()


def test_serving_in_a_thread_as_tests_do_stops_on_shutdown(config, engine):
    from patroli.serving import make_web_server

    web = make_web_server(config, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    served = Served(None, web.server_address[1], "", {})
    assert served.get("/readyz")[0] == 200
    web.shutdown()
    web.server_close()  # a second close, as socketserver users write it, is harmless
    assert not thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        served.get("/healthz")
