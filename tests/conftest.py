"""Shared fixtures: a real SQLite casebook in a temporary data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def config(tmp_path: Path) -> config_module.Config:
    return config_module.load(
        {
            "PATROLI_DATA_DIR": str(tmp_path / "var"),
            "PATROLI_ALLOW_PRIVATE": "1",
            "PATROLI_SECRET_KEY": "test-secret",
            "PATH": "/usr/bin:/bin",
        }
    )


@pytest.fixture
def engine(config):
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


def chromium_path() -> str | None:
    return shutil.which("chromium")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium through Playwright, one per test module (Playwright's sync API
    cannot run two at once, and module scope ends one before the next module starts)."""
    path = chromium_path()
    if path is None:
        pytest.skip("needs the system Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def serve_app():
    """`serve_app(app) -> base URL`: the Flask app on a loopback port in a thread, for a browser."""
    import threading

    from werkzeug.serving import make_server

    servers = []

    def serve(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class RedisServer:
    """A throwaway `redis-server` (Debian package) on a loopback port, nothing saved to disk."""

    def __init__(self) -> None:
        import socket
        import tempfile

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.folder = tempfile.mkdtemp(prefix="patroli-redis-")
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, binary: str) -> RedisServer:
        import subprocess
        import time

        import redis

        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        with redis.Redis.from_url(self.url) as client:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server():
    """One Redis per test process; CI sets PATROLI_REQUIRE_REDIS=1 so a missing server fails
    the run instead of skipping quietly. PATROLI_TEST_REDIS_URL uses a server run elsewhere."""
    import os

    if os.environ.get("PATROLI_TEST_REDIS_URL"):
        yield os.environ["PATROLI_TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        if os.environ.get("PATROLI_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required (install Debian redis-server)")
        pytest.skip("no redis-server here (install Debian redis-server)")
    server = RedisServer().start(binary)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The test's Redis, emptied before it runs."""
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server
