"""`patroli serve` as a supervisor runs it: a production server (not Werkzeug's development
server) that answers its probes and the login page, serves 20 requests at once, refuses a port
in use in one line, and stops cleanly on SIGTERM even with a browser's connection held open."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from casebook import schema
from casebook.db import make_engine

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
def served(tmp_path) -> Iterator[Served]:
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path), "PATROLI_SECRET_KEY": "e2e-secret"}
    env.pop("PATROLI_DATABASE_URL", None)
    engine = make_engine(f"sqlite:///{tmp_path / 'patroli.db'}")
    schema.upgrade(engine)
    engine.dispose()
    process = _start(env, "--host", "127.0.0.1", "--port", "0")
    try:
        banner = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
        assert found, banner + process.stderr.read()
        yield Served(process, int(found.group(1)), banner, env)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


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


def test_sigterm_stops_it_with_a_browser_connection_held_open(served):
    idle = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    idle.request("GET", "/login")  # HTTP/1.1 keep-alive: the connection stays open after this
    assert idle.getresponse().read()
    code, out, err = _stop(served)
    idle.close()
    assert code == 0, err
    assert out.rstrip().endswith("stopped")
    assert "Traceback" not in err
    with pytest.raises(ConnectionRefusedError):
        served.get("/healthz")


def test_a_port_in_use_is_refused_in_one_line(served):
    second = _start(served.env, "--port", str(served.port))
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{served.port} (Address already in use)" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert served.get("/healthz")[0] == 200  # the first server is untouched


@pytest.mark.parametrize("threads", ["0", "16", "many"])
def test_threads_outside_what_the_database_pool_holds_are_refused(served, threads):
    refused = _start(served.env, "--port", "0", "--threads", threads)
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2
    assert "Invalid value for '--threads'" in err


def test_threads_as_asked(served):
    code, _, _ = _stop(served)
    assert code == 0
    asked = _start(served.env, "--port", "0", "--threads", "15")
    try:
        banner = asked.stdout.readline()
    finally:
        asked.send_signal(signal.SIGTERM)
        _, err = asked.communicate(timeout=15)
    assert "(waitress, 15 threads;" in banner, err
    assert asked.returncode == 0
