"""/healthz and /readyz as a supervisor or load balancer calls them: no login, no cookie, no
cache, nothing about cases; ready only when the database answers at the code's schema."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from casebook import schema
from casebook.db import make_engine
from casebook.services import users
from web import create_app


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
    return create_app(config, testing=True)


def _app_on(config, database_url: str):
    return create_app(dataclasses.replace(config, database_url=database_url), testing=True)


@pytest.mark.parametrize("path, body", [
    ("/healthz", {"status": "ok"}),
    ("/readyz", {"status": "ready", "schema": schema.head_revision()}),
])  # fmt: skip
def test_a_stranger_learns_the_server_is_up_and_nothing_else(app, path, body):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.json == body
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session started for a probe


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_get_only(app, path):
    assert app.test_client().post(path).status_code == 405


def test_the_case_pages_beside_them_still_want_a_login(app):
    response = app.test_client().get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _set_revision(config, revision: str) -> None:
    with make_engine(config.database_url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


@pytest.mark.parametrize("revision, reason", [
    ("0001", "database schema is 0001, expected "),  # an upgrade not yet run
    ("9999", "database schema is 9999, expected "),  # a newer Patroli's database
])  # fmt: skip
def test_not_ready_at_another_schema(app, config, revision, reason):
    _set_revision(config, revision)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["reason"].startswith(reason)
    assert response.headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same


def test_not_ready_on_an_empty_database(config, tmp_path):
    app = _app_on(config, f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"].startswith("database schema is empty, expected ")


@pytest.mark.parametrize("url", [
    "sqlite:///{tmp}",  # a folder, not a database file
    "postgresql+psycopg://patroli:secret@127.0.0.1:1/patroli",  # nothing listens on port 1
])  # fmt: skip
def test_not_ready_when_the_database_does_not_answer(config, tmp_path, url):
    app = _app_on(config, url.format(tmp=tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "database unreachable (OperationalError)"
    assert "secret" not in response.get_data(as_text=True)  # no URL, no password
    assert app.test_client().get("/healthz").status_code == 200


def test_not_ready_in_seconds_when_the_database_server_hangs(config, tmp_path):
    """A server that takes the connection and never answers (a hung host, a dead NAT) makes
    /readyz answer 503 after the engine's connect timeout, not hang the probe for minutes
    (pytest-timeout would fail this test long before the kernel gives up)."""
    import socket

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(1)  # the kernel completes the handshake; nobody ever speaks
        app = _app_on(config, f"postgresql+psycopg://patroli@127.0.0.1:{hung.getsockname()[1]}/p")
        response = app.test_client().get("/readyz")
        app.extensions["patroli.engine"].dispose()
    assert response.status_code == 503
    assert response.json["reason"] == "database unreachable (OperationalError)"
