"""Casebook tests run twice: on SQLite and on a real PostgreSQL server.

The server is a throwaway cluster in a temporary folder on a loopback port, started from the
Debian `postgresql` binaries when they are installed (`.ci/run` installs them).
`PATROLI_TEST_POSTGRES_URL` points the tests at a server someone else runs instead. CI sets
`PATROLI_REQUIRE_POSTGRES=1`, so a missing server fails the run instead of skipping quietly.
Each test gets its own database, copied from one migrated once (CREATE DATABASE ... TEMPLATE).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """initdb + postgres as the `postgres` system user (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="patroli-pg-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, bindir: Path) -> PostgresServer:
        data = self.folder / "data"
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if as_user:
            shutil.chown(self.folder, "postgres")
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                        "-U", "postgres", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True)  # fmt: skip
        self.process = subprocess.Popen(
            [*as_user, str(bindir / "postgres"), "-D", str(data), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.folder), "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        engine = create_engine(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                break
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the test PostgreSQL server did not start") from None
                time.sleep(0.2)
            finally:
                engine.dispose()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def server_url() -> tuple[str | None, PostgresServer | None]:
    """(url, server we started) — or (None, None) when no PostgreSQL can be had here."""
    given = os.environ.get("PATROLI_TEST_POSTGRES_URL")
    if given:
        return given, None
    bindir = _bindir()
    if bindir is None:
        return None, None
    server = PostgresServer().start(bindir)
    return server.url, server


def fresh_database(admin_url: str, name: str) -> str:
    """An empty database `name` on the server, dropped first if a previous run left it."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


_counter = iter(range(1_000_000))


@pytest.fixture(scope="session")
def postgres_template():
    """The admin URL of a PostgreSQL server with a migrated template database, or a skip."""
    url, server = server_url()
    if url is None:
        if os.environ.get("PATROLI_REQUIRE_POSTGRES") == "1":
            pytest.fail("PATROLI_REQUIRE_POSTGRES=1 but no PostgreSQL server could be started")
        pytest.skip("no PostgreSQL here (install Debian postgresql)")
    template = fresh_database(url, "patroli_template")
    engine = make_engine(template)
    schema.upgrade(engine)
    engine.dispose()
    yield url
    if server is not None:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def config(request, backend, tmp_path, monkeypatch):
    """The test's configuration; on PostgreSQL, a database of its own, also for the commands
    a test runs in-process (they read PATROLI_DATABASE_URL)."""
    env = {"PATROLI_DATA_DIR": str(tmp_path / "var"), "PATROLI_ALLOW_PRIVATE": "1",
           "PATROLI_SECRET_KEY": "test-secret", "PATH": "/usr/bin:/bin"}  # fmt: skip
    monkeypatch.delenv("PATROLI_DATABASE_URL", raising=False)
    if backend == "postgresql":
        admin_url = request.getfixturevalue("postgres_template")
        name = f"patroli_test_{os.getpid()}_{next(_counter)}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE patroli_template'))
        admin.dispose()
        env["PATROLI_DATABASE_URL"] = (
            make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        )
        monkeypatch.setenv("PATROLI_DATABASE_URL", env["PATROLI_DATABASE_URL"])
    (tmp_path / "var").mkdir(parents=True, exist_ok=True)
    return config_module.load(env)


@pytest.fixture
def engine(config):
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    yield engine
    engine.dispose()
