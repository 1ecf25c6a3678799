"""The import page over a real SQLite casebook: registry and public-warning CSVs with broken
lines (tests/fixtures/imports), a per-line error report, counts, history, the size cap."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casebook.models import PublicWarningEntry, RegisteredProduct
from casebook.services import users
from web import create_app

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "upt_officer", actor="test")
    return create_app(config, testing=True)


def _login(client, username="analis", password="rahasia-1"):
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client


def _upload(client, kind: str, name: str, body: bytes | None = None):
    token = CSRF.search(client.get("/imports").get_data(as_text=True)).group(1)
    body = (FIXTURES / name).read_bytes() if body is None else body
    data = {"kind": kind, "csrf_token": token, "file": (io.BytesIO(body), name)}
    return client.post("/imports", data=data, content_type="multipart/form-data")


def _figure(page: str, name: str) -> int:
    return int(re.search(rf'id="count-{name}">(\d+)<', page).group(1))


def _rejected_lines(page: str) -> dict[int, str]:
    rows = re.findall(r'data-line="(\d+)"><td class="num">\d+</td><td>([^<]*)</td>', page)
    return {int(line): reason for line, reason in rows}


@pytest.mark.parametrize(
    "kind, name, model, stored, lines",
    [
        ("registry", "registry_mixed.csv", RegisteredProduct, 5,
         {4: "brand is empty", 6: "'12345' is not a well-formed NIE",
          7: "issued_on '2024-13-40' is not a YYYY-MM-DD date", 8: "expected 9 fields, found 10",
          10: "status 'dicabut'", 12: "is not a well-formed NIE"}),
        ("warnings", "warnings_mixed.csv", PublicWarningEntry, 3,
         {4: "product_name is empty", 5: "published_on 'kemarin'"}),
    ],
)  # fmt: skip
def test_broken_lines_are_named_and_the_good_lines_imported(
    app, sessions, kind, name, model, stored, lines
):
    client = _login(app.test_client())
    response = _upload(client, kind, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rejected = _rejected_lines(page)
    assert set(rejected) == set(lines)  # exactly the broken lines, no good one among them
    for line, words in lines.items():
        assert words in rejected[line].replace("&#39;", "'")
    assert (_figure(page, "new"), _figure(page, "rejected")) == (stored, len(lines))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(model)) == stored


def test_a_second_file_counts_new_updated_and_unchanged(app, sessions):
    client = _login(app.test_client())
    _upload(client, "registry", "registry_mixed.csv")
    page = _upload(client, "registry", "registry_update.csv").get_data(as_text=True)
    counts = {name: _figure(page, name) for name in ("read", "new", "updated", "unchanged")}
    assert counts == {"read": 3, "new": 1, "updated": 1, "unchanged": 1}
    assert _rejected_lines(page) == {}
    with sessions() as session:
        status = session.scalar(
            select(RegisteredProduct.status).where(RegisteredProduct.nie == "NA18201234567")
        )
    assert status == "revoked"


def test_the_same_file_again_changes_nothing_and_both_show_in_the_history(app):
    client = _login(app.test_client())
    _upload(client, "warnings", "warnings_mixed.csv")
    page = _upload(client, "warnings", "warnings_mixed.csv").get_data(as_text=True)
    assert (_figure(page, "new"), _figure(page, "updated"), _figure(page, "unchanged")) == (0, 0, 3)
    history = client.get("/imports").get_data(as_text=True)
    assert history.count('class="past-import"') == 2
    assert "warnings_mixed.csv" in history


def test_hostile_lines_are_reported_as_text(app):
    client = _login(app.test_client())
    page = _upload(client, "registry", "registry_mixed.csv").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_file_over_the_cap_is_refused_with_a_clear_error_and_nothing_stored(app, sessions):
    app.config["PATROLI_IMPORT_MAX_BYTES"] = 1024
    client = _login(app.test_client())
    big = (FIXTURES / "registry_mixed.csv").read_bytes() * 4
    response = _upload(client, "registry", "big.csv", big)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RegisteredProduct)) == 0
    small = _upload(client, "registry", "registry_update.csv")
    assert small.status_code == 200  # the cap is a size, not a lock-out


@pytest.mark.parametrize(
    "kind, name, body, status",
    [
        ("registry", "", b"", 400),  # no file chosen
        ("katalog", "x.csv", b"nie\n", 400),  # no such import
        ("registry", "header.csv", b"nama,merek\nA,B\n", 200),  # wrong header: line 1 named
    ],
)
def test_bad_requests_say_why(app, kind, name, body, status):
    client = _login(app.test_client())
    response = _upload(client, kind, name, body)
    assert response.status_code == status
    if status == 200:
        assert set(_rejected_lines(response.get_data(as_text=True))) == {1}


@pytest.mark.parametrize("who, status", [("tamu", 403), (None, 302), ("analis", 200)])
def test_only_analysts_import(app, who, status):
    client = app.test_client()
    if who:
        _login(client, who, "rahasia-2" if who == "tamu" else "rahasia-1")
    assert client.get("/imports").status_code == status
