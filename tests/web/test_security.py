"""The holes issue 7 found, each closed: open redirect after login, login throttling and its
audit, CSRF with correct credentials, roles on hostile evidence."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casebook.models import Listing
from casebook.services import users
from web import create_app

PASSWORD = "rahasia-1"


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", PASSWORD, "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="test")
    return create_app(config, testing=True)


def _token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _login(client, username="analis", password=PASSWORD, *, query="", address="192.0.2.10"):
    data = {"username": username, "password": password, "csrf_token": _token(client)}
    return client.post(f"/login{query}", data=data, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize(
    "raw_next, followed",
    [
        # same-site paths are followed
        ("/listings/3", "/listings/3"),
        ("/listings/3?tab=bukti", "/listings/3?tab=bukti"),
        ("%2Flistings%2F3%3Fcode%3Dno_nie%26platform%3Dpasarku",
         "/listings/3?code=no_nie&platform=pasarku"),
        ("/?q=krim%2520pemutih", "/?q=krim%20pemutih"),
        # everything that leaves the site, however written, is not
        ("/%5Cevil.com", None),
        ("/\\evil.com", None),
        ("/%5C%5Cevil", None),
        ("%2F%5Cevil.com", None),
        ("/%255Cevil.com", None),
        ("//evil.com", None),
        ("%2F%2Fevil.com", None),
        ("///evil.com", None),
        ("/%2F/evil.com", None),
        ("/%252F/evil.com", None),
        ("https://evil.com", None),
        ("https%3A%2F%2Fevil.com", None),
        ("http:/evil.com", None),
        ("evil.com", None),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt%3Aalert(1)", None),
        ("/%09/evil.com", None),
        ("/%0D%0ALocation:%20http://evil.com", None),
        ("", None),
    ],
)  # fmt: skip
def test_login_follows_only_same_site_paths(app, raw_next, followed):
    response = _login(app.test_client(), query=f"?next={raw_next}")
    assert response.status_code == 302
    assert response.headers["Location"] == (followed or "/")


@pytest.fixture
def capture_id(config, sessions):
    from casebook.services import evidence, listings
    from casebook.services.listings import ListingRecord, SellerRecord
    from crawler.evidence import EvidenceStore, Exchange
    from rules.model import Verdict

    url = "http://pasar.example/p/hostile"
    hostile = b"<html><body><script>alert(1)</script><h1>Krim</h1></body></html>"
    record = EvidenceStore(config.data_dir).capture(
        url=url, kind="browser",
        exchanges=[Exchange(url, "GET", [], 200, "OK", [], hostile)],
        rendered_html=hostile, screenshot=b"\x89PNG\r\n\x1a\n fake",
    )  # fmt: skip
    seller = SellerRecord("pasarku", "Toko", "http://pasar.example/t")
    listing = ListingRecord(url=url, platform="pasarku", title="Krim", seller=seller)
    with sessions() as session, session.begin():
        listings.record_listings(session, [(listing, Verdict(url, (), "", (), "v1"))])
        listing_id = session.scalars(select(Listing.id).where(Listing.url == url)).one()
        capture = evidence.record_captures(session, [(record, listing_id)])[0]
        session.flush()
        return capture.id


@pytest.mark.parametrize(
    "who, kind, status",
    [
        (None, "screenshot", 302), (None, "rendered_html", 302), (None, "warc", 302),
        ("tamu", "screenshot", 200), ("tamu", "rendered_html", 403), ("tamu", "warc", 403),
        ("analis", "screenshot", 200), ("analis", "rendered_html", 200), ("analis", "warc", 200),
    ],
)  # fmt: skip
def test_the_page_as_captured_is_for_analysts(app, capture_id, who, kind, status):
    client = app.test_client()
    if who:
        password = {"analis": PASSWORD, "tamu": "rahasia-2"}[who]
        assert _login(client, who, password).status_code == 302
    with client.get(f"/captures/{capture_id}/{kind}") as response:
        assert response.status_code == status


def test_guessing_is_throttled_even_for_the_right_password(app, config):
    from casebook.services.logins import FAILURES_PER_NAME

    # Two web workers over one casebook: the count is shared through the database.
    workers = [app.test_client(), create_app(config, testing=True).test_client()]
    for n in range(FAILURES_PER_NAME):
        response = _login(workers[n % 2], password=f"tebakan-{n}", address=f"192.0.2.{n}")
        assert response.status_code == 200 and "salah" in response.get_data(as_text=True)
    refused = _login(workers[1], address="192.0.2.99")  # the right password
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan masuk yang gagal" in refused.get_data(as_text=True)
    assert workers[1].get("/").status_code == 302  # not logged in
    assert _login(workers[0], "tamu", "rahasia-2", address="192.0.2.50").status_code == 302
