"""The triage queue, the listing page and the Register Informasi through the Flask test client:
filters and search, bulk decisions (CSRF, roles, refusals), hostile text escaped everywhere,
evidence shown with its hashes, entries decided again and tips taken in."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casebook.models import Capture, Listing, RegisteredProduct, RegisterEntry
from casebook.services import listings, register, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
NIE = "NA18201234567"
LISTINGS = [  # name, platform, title, seller, codes
    ("krim", "shopee", f"Krim Pemutih {HOSTILE}", f"Toko {HOSTILE}", ["hazardous_ingredient"]),
    ("tramadol", "tokopedia", "Tramadol 50 mg tanpa resep", "Apotek Jaya", ["prescription_drug"]),
    ("jamu", "shopee", "Jamu Kuat Pria", "Warung Sentosa", ["no_nie", "nie_mismatch"]),
    ("madu", "tokopedia", "Madu Hutan Asli", "Madu Nusantara", []),
]


def _verdict(url: str, title: str, codes: list[str]) -> Verdict:
    compared = {"nie": NIE, "product_name": "Krim Asli Terdaftar"}
    hits = tuple(
        Hit(code, f"T-{code.upper()}", 0.9,
            Evidence(text=title[:4], field="title", start=0, end=4, compared_with=compared), "v1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, (NIE,) if codes else (), "kosmetik", hits, "v1")


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="test")
        for name, platform, title, seller, codes in LISTINGS:
            url = f"http://{platform}.example/p/{name}"
            record = ListingRecord(
                url=url, platform=platform, title=title, description=f"Deskripsi {HOSTILE}",
                price=50_000.0, currency="IDR",
                seller=SellerRecord(platform, seller, f"http://{platform}.example/t/{name}",
                                    "Bandung"),
            )  # fmt: skip
            listings.record_listings(session, [(record, _verdict(url, title, codes))])
        session.add(RegisteredProduct(
            nie=NIE, product_name="Krim Asli Terdaftar", brand="Asli", category="kosmetik",
            registrant="PT Kosmetika Jaya", status="valid", issued_on=date(2024, 1, 1),
            expires_on=date(2029, 1, 1), imported_at=datetime(2026, 1, 1, tzinfo=UTC),
        ))  # fmt: skip
    return create_app(config, testing=True)


@pytest.fixture
def ids(app, sessions) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(select(Listing.url, Listing.id))
        return {url.rsplit("/", 1)[1]: listing_id for url, listing_id in rows}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _client(app, username="analis", password="rahasia-1"):
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return client


def _rows(html: str, ids) -> list[str]:
    by_id = {str(v): k for k, v in ids.items()}
    return [by_id[i] for i in re.findall(r'<tr class="listing" data-listing-id="(\d+)"', html)]


def _entries(sessions) -> dict[int, tuple[str, str, str]]:
    with sessions() as session:
        return {
            e.listing_id: (e.decision, e.reason, e.source)
            for e in session.scalars(select(RegisterEntry))
        }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["jamu", "tramadol", "krim"]),
        ("hits=0", ["madu"]),
        ("code=prescription_drug", ["tramadol"]),
        ("code=nie_mismatch&platform=shopee", ["jamu"]),
        ("platform=tokopedia", ["tramadol"]),
        ("q=pemutih", ["krim"]),
        ("q=sentosa", ["jamu"]),  # the seller's name
        ("q=madu", []),  # no findings: not in the queue
        ("q=%3Cscript%3E+pemutih", ["krim"]),  # the words of a payload, searched as words
        ("city=Bandung&category=kosmetik", ["jamu", "tramadol", "krim"]),
        ("decided=sudah", []),
        ("code=bukan_kode", ["jamu", "tramadol", "krim"]),  # an unknown value filters nothing
        ("since=kemarin&after=x", ["jamu", "tramadol", "krim"]),
    ],
)
def test_queue_filters(app, ids, query, expected):
    html = _client(app).get(f"/?{query}").get_data(as_text=True)
    assert _rows(html, ids) == expected


def test_queue_pages_by_cursor(app, ids):
    client = _client(app)
    first = client.get(f"/?after={ids['jamu']}").get_data(as_text=True)
    assert _rows(first, ids) == ["tramadol", "krim"]
    assert f"before={ids['tramadol']}" in first  # the way back
    back = client.get(f"/?before={ids['tramadol']}").get_data(as_text=True)
    assert _rows(back, ids) == ["jamu", "tramadol", "krim"]


def test_queue_shows_labels_register_decision_and_escapes_hostile_text(app, ids, sessions):
    with sessions() as session, session.begin():
        register.decide(session, [ids["krim"]], "takedown", actor="analis")
    html = _client(app).get("/").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # title and seller, as text
    assert html.count("&lt;script&gt;alert(1)") == 2
    assert "Mengandung BKO/bahan dilarang" in html and "Obat keras (resep dokter)" in html
    assert '<span class="decision-takedown">Takedown</span>' in html
    assert 'name="listing_id"' in html and 'class="select-all"' in html


def test_bulk_decision_decides_every_ticked_listing_and_returns_to_the_page(app, ids, sessions):
    client = _client(app)
    html = client.get("/?platform=shopee").get_data(as_text=True)
    answer = client.post("/decide", data={
        "csrf_token": _token(html), "listing_id": [ids["krim"], ids["jamu"]],
        "decision": "intelligence", "reason": "profil penjual", "back": "/?platform=shopee",
    })  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"] == "/?platform=shopee"
    assert _entries(sessions) == {
        ids["krim"]: ("intelligence", "profil penjual", "patroli"),
        ids["jamu"]: ("intelligence", "profil penjual", "patroli"),
    }
    page = client.get("/?platform=shopee").get_data(as_text=True)
    assert "2 tautan diputuskan: Intelijen" in page


@pytest.mark.parametrize(
    "form, message",
    [
        ({"decision": "dismissed", "reason": ""}, "a dismissal needs a reason"),
        ({"decision": "hapus", "reason": "x"}, "unknown decision"),
        ({"decision": "takedown", "listing_id": []}, "no listings to decide"),
        ({"decision": "takedown", "listing_id": [999_999]}, "no listing 999999"),
    ],
)
def test_a_refused_bulk_decision_says_why_and_stores_nothing(app, ids, sessions, form, message):
    client = _client(app)
    data = {"csrf_token": _token(client.get("/").get_data(as_text=True)),
            "listing_id": [ids["krim"]], **form}  # fmt: skip
    client.post("/decide", data=data)
    assert message in client.get("/").get_data(as_text=True)
    assert _entries(sessions) == {}


def test_bulk_decision_needs_the_csrf_token(app, ids, sessions):
    client = _client(app)
    answer = client.post("/decide", data={"listing_id": [ids["krim"]], "decision": "takedown"})
    assert answer.status_code == 400
    assert _entries(sessions) == {}


def test_a_viewer_sees_the_queue_but_may_not_decide(app, ids, sessions):
    client = _client(app, "tamu", "rahasia-2")
    html = client.get("/").get_data(as_text=True)
    assert _rows(html, ids) == ["jamu", "tramadol", "krim"]
    assert 'name="listing_id"' not in html and "bulk-decide" not in html
    form = {"csrf_token": _token(html), "listing_id": [ids["krim"]], "decision": "takedown"}
    answer = client.post("/decide", data=form)
    assert answer.status_code == 403 and _entries(sessions) == {}


def _capture(config, sessions, listing_id: int) -> dict[str, str]:
    folder = config.data_dir / "evidence" / "c1"
    folder.mkdir(parents=True)
    files, hashes = [], {}
    for role, name, body in (("warc", "page.warc.gz", b"WARC/1.1"),
                             ("rendered_html", "page.html", f"<p>{HOSTILE}</p>".encode()),
                             ("screenshot", "page.png", b"\x89PNG")):  # fmt: skip
        (folder / name).write_bytes(body)
        hashes[role] = hashlib.sha256(body).hexdigest()
        files.append({"role": role, "path": name, "sha256": hashes[role], "bytes": len(body)})
    (folder / "manifest.json").write_text("{}")
    with sessions() as session, session.begin():
        session.add(Capture(
            listing_id=listing_id, url="http://shopee.example/p/krim", kind="browser",
            status_code=200, captured_at=datetime(2026, 3, 2, tzinfo=UTC),
            manifest_path="evidence/c1/manifest.json", manifest_sha256="ab" * 32, files=files,
        ))  # fmt: skip
    return hashes


def test_listing_page_shows_evidence_registry_row_and_decides(app, config, ids, sessions):
    hashes = _capture(config, sessions, ids["krim"])
    client = _client(app)
    html = client.get(f"/listings/{ids['krim']}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    for digest in hashes.values():
        assert digest in html
    assert "ab" * 32 in html  # the manifest's hash
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert re.search(r"\bsandbox(?=[\s>])", frame) and "allow-scripts" not in frame
    assert "/rendered_html" in frame
    assert re.search(r'href="/captures/\d+/warc"', html)
    assert "PT Kosmetika Jaya" in html and "Krim Asli Terdaftar" in html  # the registry row
    with client.get(re.search(r'href="(/captures/\d+/warc)"', html).group(1)) as warc:
        assert warc.data == b"WARC/1.1" and "attachment" in warc.headers["Content-Disposition"]
    with client.get(frame.split('src="')[1].split('"')[0]) as page:  # served on its own
        assert page.headers["Content-Security-Policy"].startswith("sandbox")
    answer = client.post(f"/listings/{ids['krim']}/decide", data={
        "csrf_token": _token(html), "decision": "takedown", "reason": "merkuri"})  # fmt: skip
    assert answer.status_code == 303
    assert _entries(sessions) == {ids["krim"]: ("takedown", "merkuri", "patroli")}
    html = client.get(f"/listings/{ids['krim']}").get_data(as_text=True)
    assert 'class="decision decision-takedown">Takedown<' in html


def test_a_viewer_gets_no_captured_page_frame_nor_decide_form(app, config, ids, sessions):
    _capture(config, sessions, ids["krim"])
    html = _client(app, "tamu", "rahasia-2").get(f"/listings/{ids['krim']}").get_data(as_text=True)
    assert "<iframe" not in html and "Putuskan tautan ini" not in html
    assert "/screenshot" in html


def test_register_lists_filters_and_escapes(app, ids, sessions):
    with sessions() as session, session.begin():
        register.decide(session, [ids["krim"]], "takedown", reason=HOSTILE, actor="analis")
        register.decide(session, [ids["jamu"]], "intelligence", actor="analis", source="UPT Medan")
    client = _client(app)
    html = client.get("/register").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert html.count('<tr class="entry"') == 2
    only = client.get("/register?source=UPT+Medan").get_data(as_text=True)
    assert only.count('<tr class="entry"') == 1 and "Jamu Kuat Pria" in only
    assert client.get("/register?decision=dismissed").get_data(as_text=True).count(
        '<tr class="entry"') == 0  # fmt: skip


def test_an_entry_is_decided_again_unless_someone_was_first(app, ids, sessions):
    with sessions() as session, session.begin():
        (entry,) = register.decide(session, [ids["tramadol"]], "intelligence", actor="budi")
        entry_id = entry.id
    client = _client(app)
    html = client.get(f"/register/{entry_id}").get_data(as_text=True)
    assert "Obat keras (resep dokter)" in html  # the finding it was decided on
    token, version = _token(html), re.search(r'name="version" value="(\d+)"', html).group(1)
    with sessions() as session, session.begin():  # another analyst decides meanwhile
        register.decide(session, [ids["tramadol"]], "dismissed", reason="salah", actor="sari")
    client.post(f"/register/{entry_id}/decide",
                data={"csrf_token": token, "version": version, "decision": "takedown"})  # fmt: skip
    refused = client.get(f"/register/{entry_id}").get_data(as_text=True)
    assert "decided again by sari" in refused
    assert _entries(sessions)[ids["tramadol"]][0] == "dismissed"
    version = re.search(r'name="version" value="(\d+)"', refused).group(1)
    client.post(f"/register/{entry_id}/decide",
                data={"csrf_token": token, "version": version, "decision": "takedown"})  # fmt: skip
    assert _entries(sessions)[ids["tramadol"]][0] == "takedown"


def test_a_tip_from_another_unit_enters_known_urls_and_keeps_the_rest(app, config, ids, sessions):
    client = _client(app)
    token = _token(client.get("/register").get_data(as_text=True))
    urls = "http://shopee.example/p/krim\nhttp://baru.example/p/1\nbukan-url\n"
    form = {"csrf_token": token, "source": "UPT Surabaya", "urls": urls, "decision": "takedown"}
    answer = client.post("/register/intake", data=form)
    assert answer.status_code == 303
    assert _entries(sessions) == {ids["krim"]: ("takedown", "", "UPT Surabaya")}
    html = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "baris 3: bukan URL http(s): bukan-url" in html
    (kept,) = (config.data_dir / "tips").iterdir()
    assert kept.read_text() == "http://baru.example/p/1\n"
    assert f"patroli crawl urls {kept}" in html


def test_a_tip_needs_the_sending_unit_and_the_csrf_token(app, ids, sessions):
    client = _client(app)
    token = _token(client.get("/register").get_data(as_text=True))
    data = {"urls": "http://shopee.example/p/krim", "decision": "takedown"}
    assert client.post("/register/intake", data=data).status_code == 400
    client.post("/register/intake", data={**data, "csrf_token": token, "source": " "})
    assert _entries(sessions) == {}
