"""The casebook UI over a real SQLite casebook: login, roles, escaping, filters, API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casebook.models import Listing
from casebook.services import listings, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _verdict(url: str, codes: list[str], title: str) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=title[:10], field="title", start=0, end=10,
                     compared_with={"nie": "NA18201234567", "product_name": HOSTILE}),
            "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, ("NA18201234567",) if codes else (), "kosmetik", hits, "test-1")


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="test")
        entries = []
        for n, (title, codes) in enumerate(
            [
                (HOSTILE + " Krim Pemutih", ["hazardous_ingredient", "no_nie"]),
                ("Tramadol 50 mg tanpa resep", ["prescription_drug"]),
                ("Madu Hutan Asli", []),
            ]
        ):
            url = f"http://pasar.example/p/{n}"
            record = ListingRecord(
                url=url, platform="pasarku" if n < 2 else "tokosehat", title=title,
                description=f"Deskripsi {n}\n{HOSTILE}", price=10000.0 * (n + 1),
                currency="IDR", seller=SellerRecord("pasarku", f"Toko {n}", f"http://pasar.example/toko/{n}"),
            )  # fmt: skip
            entries.append((record, _verdict(url, codes, title)))
        listings.record_listings(session, entries)
    return create_app(config, testing=True)


def _login(client, username="analis", password="rahasia-1"):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.decode()},
    )


def _v1(app, path: str, username: str = "analis") -> dict:
    """GET an /api/v1 path with a new token of `username`."""
    sessions = app.extensions["patroli.sessions"]
    with sessions() as session, session.begin():
        token = users.create_token(session, username, actor="test")[1]
    response = app.test_client().get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_pages_need_a_login(app):
    client = app.test_client()
    assert client.get("/").status_code == 302
    moved = client.get("/api/listings?code=no_nie")  # /api moved under /api/v1 (bearer token)
    assert (moved.status_code, moved.location) == (308, "/api/v1/listings?code=no_nie")
    assert client.get(moved.location).status_code == 401


def test_wrong_password_is_refused(app):
    client = app.test_client()
    response = _login(client, password="salah")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


@pytest.mark.parametrize("with_token", [False, True])
def test_login_needs_the_csrf_token_even_with_the_right_password(app, with_token):
    client = app.test_client()
    data = {"username": "analis", "password": "rahasia-1"}  # correct credentials
    if with_token:
        page = client.get("/login").get_data(as_text=True)
        data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                       page).group(1)  # fmt: skip
    response = client.post("/login", data=data)
    assert response.status_code == (302 if with_token else 400)
    assert client.get("/").status_code == (200 if with_token else 302)  # logged in, or not


def test_findings_list_escapes_crawled_text_and_shows_labels(app):
    client = app.test_client()
    _login(client)
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "Mengandung BKO/bahan dilarang" in html
    assert "Obat keras (resep dokter)" in html
    assert html.count('class="listing"') == 2  # the triage queue: listings with findings
    assert client.get("/?hits=semua").get_data(as_text=True).count('class="listing"') == 3


def test_filter_by_violation_code(app):
    client = app.test_client()
    _login(client)
    html = client.get("/?code=prescription_drug").get_data(as_text=True)
    assert "Tramadol" in html and "Madu Hutan" not in html
    html = client.get("/?hits=0").get_data(as_text=True)
    assert "Madu Hutan" in html and "Tramadol" not in html


def test_listing_page_explains_each_hit(app):
    client = app.test_client()
    _login(client)
    first = _v1(app, "/listings?code=no_nie")["items"][0]
    html = client.get(f"/listings/{first['id']}").get_data(as_text=True)
    assert "TEST-NO_NIE" in html and "NA18201234567" in html
    assert "<mark>" in html  # the evidence span is highlighted
    assert "<script>alert" not in html and "onerror=alert(1)>" not in html


def test_english_is_available(app):
    client = app.test_client()
    _login(client)
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/lang/en", data={"csrf_token": token})
    html = client.get("/").get_data(as_text=True)
    assert "Patrol findings" in html and "Prescription-only drug" in html


def test_api_lists_violations_in_the_contract_shape(app):
    data = _v1(app, "/listings?platform=pasarku", "tamu")  # viewers may read
    assert len(data["items"]) == 2
    violation = data["items"][0]["violations"][0]
    assert set(violation) == {"type", "rule", "score", "evidence"}


def test_security_headers(app):
    response = app.test_client().get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_evidence_files_are_served_safely(app, config, sessions):
    from casebook.services import evidence
    from crawler.evidence import EvidenceStore, Exchange

    hostile = b"<html><body><script>alert(1)</script><h1>Krim</h1></body></html>"
    record = EvidenceStore(config.data_dir).capture(
        url="http://pasar.example/p/0", kind="browser",
        exchanges=[Exchange("http://pasar.example/p/0", "GET", [], 200, "OK", [], hostile)],
        rendered_html=hostile, screenshot=b"\x89PNG\r\n\x1a\n fake",
    )  # fmt: skip
    with sessions() as session, session.begin():
        listing_id = session.scalars(select(Listing.id).where(Listing.url == record.url)).one()
        capture = evidence.record_captures(session, [(record, listing_id)])[0]
        session.flush()
        capture_id = capture.id
    client = app.test_client()
    _login(client)
    page = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert f"/captures/{capture_id}/screenshot" in page and "<iframe" in page and "sandbox" in page
    with client.get(f"/captures/{capture_id}/screenshot") as shot:
        assert shot.status_code == 200 and shot.mimetype == "image/png"
    with client.get(f"/captures/{capture_id}/rendered_html") as rendered:
        assert rendered.headers["Content-Security-Policy"].startswith("sandbox")
    with client.get(f"/captures/{capture_id}/warc") as warc:
        assert "attachment" in warc.headers["Content-Disposition"]
    assert client.get(f"/captures/{capture_id}/manifest").status_code == 404
    assert client.get(f"/captures/{capture_id}/..%2Fsecret_key").status_code == 404


def test_listing_page_shows_what_changed(app, sessions):
    from datetime import UTC, datetime

    from casebook.services.listings import StatusCheck, record_statuses

    with sessions() as session, session.begin():
        listing_id = session.scalars(select(Listing.id).order_by(Listing.id)).first()
        record_statuses(session, [StatusCheck(listing_id, "nonactive", "HTTP 404")],
                        now=datetime(2026, 11, 20, tzinfo=UTC))  # fmt: skip
    client = app.test_client()
    _login(client)
    html = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "Riwayat perubahan" in html and "<del>active</del>" in html
    assert "<ins>nonactive</ins>" in html and "HTTP 404" in html
