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
