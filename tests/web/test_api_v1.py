"""REST API v1 over a real SQLite casebook: bearer tokens, roles, DESIGN.md §3 shapes, cursors."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO

import pytest
from sqlalchemy import select

from casebook.models import Listing
from casebook.services import evidence, listings, users
from casebook.services.evidence import CaptureRecord
from casebook.services.listings import ListingRecord, SellerRecord, StatusCheck
from rules.model import Evidence, Hit, Verdict
from web import create_app

WIB = timezone(timedelta(hours=7))  # a capture in Jakarta time is answered in UTC
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LISTING_KEYS = {"id", "url", "platform", "title", "price", "currency", "status",
                "status_checked_at", "seller", "nies", "violations", "captures"}  # fmt: skip
ENTRY_KEYS = {"id", "listing_id", "decision", "reason", "decided_by", "decided_at"}
LINK_KEYS = {"entry_id", "listing_id", "url", "platform", "recipient", "link_status", "checked_at"}
ROWS = [  # (title, platform, codes)
    ("Krim Pemutih Merkuri", "pasarku", ["hazardous_ingredient", "no_nie"]),
    ("Tramadol 50 mg tanpa resep", "pasarku", ["prescription_drug"]),
    ("Madu Hutan Asli", "tokosehat", []),
    ("Jamu Kuat Instan", "tokosehat", ["misleading_claim"]),
    ("Pil Pelangsing", "sosmed", ["no_nie"]),
]


def _verdict(url: str, codes: list[str], title: str) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=title[:10], field="title", start=0, end=10), "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, ("NA18201234567",) if codes else (), "kosmetik", hits, "test-1")


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="test")
        entries = []
        for n, (title, platform, codes) in enumerate(ROWS):
            url = f"http://pasar.example/p/{n}"
            record = ListingRecord(
                url=url, platform=platform, title=title, description=f"Deskripsi {n}",
                price=10000.0 * (n + 1), currency="IDR",
                seller=SellerRecord(platform, f"Toko {n}", f"http://pasar.example/toko/{n}"),
            )  # fmt: skip
            entries.append((record, _verdict(url, codes, title)))
        listings.record_listings(session, entries)
        first = session.scalar(select(Listing).where(Listing.url.endswith("/p/0")))
        capture = CaptureRecord(first.url, "http", 200, datetime(2026, 3, 10, 9, 30, tzinfo=WIB),
                                "captures/1/manifest.json", "ab" * 32)  # fmt: skip
        evidence.record_captures(session, [(capture, first.id)])
    app = create_app(config, testing=True)
    app.config["PATROLI_PLATFORM_KINDS"] = {"pasarku": "marketplace", "sosmed": "social"}
    app.config["PATROLI_LETTER_PDF"] = False  # LibreOffice takes seconds; one test turns it on
    return app


@pytest.fixture
def tokens(sessions, app):
    with sessions() as session, session.begin():
        return {name: users.create_token(session, name, actor="test")[1]
                for name in ("analis", "tamu")}  # fmt: skip


@pytest.fixture
def api(app, tokens):
    client = app.test_client()

    def call(method, path, who="analis", **kwargs):
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        response = client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        response.get_data()  # buffered, so that a file's handle can be closed here
        response.close()
        return response

    return call


def _ids(api, **query):
    return {x["title"]: x["id"] for x in api("GET", "/listings", query_string=query).json["items"]}


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message"}
    assert response.json["error"]["message"]
    return response.json["error"]["code"]


@pytest.mark.parametrize("header", [None, "Bearer ptl_not-a-token", "Bearer ", "Basic abc",
                                    "ptl_raw-token-without-scheme"])  # fmt: skip
@pytest.mark.parametrize("path", ["/listings", "/listings/1", "/register", "/takedown-lists/1"])
def test_no_live_token_is_401(app, header, path):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get(f"/api/v1{path}", headers=headers)
    assert _error(response, 401) == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_session_cookie_is_not_a_token(app, api):
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1"  # logged in to the UI as the analyst
        cookie["_fresh"] = True
    assert client.get("/api/listings").status_code == 308  # the old /api moved to /api/v1
    assert _error(client.get("/api/v1/listings"), 401) == "unauthorized"


def test_a_revoked_token_is_401(app, api, sessions, tokens):
    assert api("GET", "/listings").status_code == 200
    with sessions() as session, session.begin():
        for record in users.list_tokens(session, "analis"):
            users.revoke_token(session, record.id, actor="test")
    assert _error(api("GET", "/listings"), 401) == "unauthorized"


@pytest.mark.parametrize(
    ("who", "status"),
    [("tamu", 403), ("analis", 201)],  # a viewer reads, an analyst decides
)
def test_deciding_needs_an_analyst(api, who, status):
    listing_id = _ids(api)["Tramadol 50 mg tanpa resep"]
    response = api("POST", "/register", who=who,
                   json={"listing_ids": [listing_id], "decision": "takedown"})  # fmt: skip
    assert response.status_code == status
    if status == 403:
        assert _error(response, 403) == "forbidden"
    assert api("GET", "/listings", who="tamu").status_code == 200


def test_post_without_csrf_token_is_accepted_with_a_bearer_token(api):
    listing_id = _ids(api)["Madu Hutan Asli"]
    body = {"listing_ids": [listing_id], "decision": "dismissed", "reason": "bersih"}
    assert api("POST", "/register", json=body).status_code == 201


def test_listing_shape(api):
    items = api("GET", "/listings").json["items"]
    assert len(items) == len(ROWS)
    for item in items:
        assert set(item) == LISTING_KEYS
        assert set(item["seller"]) == {"id", "name", "url"}
        assert item["status"] in ("active", "nonactive", "unknown")
        for violation in item["violations"]:
            assert set(violation) == {"type", "rule", "score", "evidence"}
    cream = next(x for x in items if x["title"] == "Krim Pemutih Merkuri")
    assert {v["type"] for v in cream["violations"]} == {"hazardous_ingredient", "no_nie"}
    assert cream["nies"] == ["NA18201234567"]
    assert cream["seller"]["name"] == "Toko 0" and isinstance(cream["seller"]["id"], int)
    assert cream["captures"] == [
        {
            "id": cream["captures"][0]["id"],
            "sha256": "ab" * 32,
            "captured_at": "2026-03-10T02:30:00Z",
        }
    ]
    honey = next(x for x in items if x["title"] == "Madu Hutan Asli")
    assert honey["violations"] == [] and honey["captures"] == [] and honey["nies"] == []


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"code": "no_nie"}, {"Krim Pemutih Merkuri", "Pil Pelangsing"}),
        ({"code": "expired_nie"}, set()),
        ({"platform": "tokosehat"}, {"Madu Hutan Asli", "Jamu Kuat Instan"}),
        ({"has_violations": "true", "platform": "tokosehat"}, {"Jamu Kuat Instan"}),
        ({"has_violations": "false"}, {"Madu Hutan Asli"}),
        ({"q": "tramadol"}, {"Tramadol 50 mg tanpa resep"}),
        ({"q": "tidak ada"}, set()),
        ({"status": "active", "code": "prescription_drug"}, {"Tramadol 50 mg tanpa resep"}),
        ({"status": "nonactive"}, set()),
    ],
)
def test_listing_filters(api, query, titles):
    assert set(_ids(api, **query)) == titles


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_cursor_pages_through_every_listing_once(api, limit):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = api("GET", "/listings", query_string=query).json
        assert len(page["items"]) <= limit
        seen += [x["id"] for x in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == len(ROWS)
    assert pages == -(-len(ROWS) // limit) + (len(ROWS) % limit == 0)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "lima"},
        {"cursor": "!!!"},
        {"cursor": "bm90LWFuLWlk"},
        {"has_violations": "ya"},
        {"limit": "²"},
        {"limit": "-1"},
        {"cursor": "wrI"},  # "²"
        {"cursor": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},  # past any 64-bit id
    ],
)
def test_bad_query_is_400(api, query):
    assert _error(api("GET", "/listings", query_string=query), 400) == "bad_request"


def test_limit_up_to_500_is_accepted(api):
    page = api("GET", "/listings", query_string={"limit": 500}).json
    assert len(page["items"]) == len(ROWS) and page["next_cursor"] is None


def test_one_listing_and_404(api):
    listing_id = _ids(api)["Krim Pemutih Merkuri"]
    one = api("GET", f"/listings/{listing_id}").json
    assert set(one) == LISTING_KEYS and one["id"] == listing_id
    assert len(one["captures"]) == 1
    assert _error(api("GET", "/listings/999999"), 404) == "not_found"


def test_register_decides_and_lists(api):
    ids = _ids(api)
    body = {"listing_ids": [ids["Krim Pemutih Merkuri"], ids["Pil Pelangsing"]],
            "decision": "takedown", "reason": "tanpa izin edar"}  # fmt: skip
    response = api("POST", "/register", json=body)
    assert response.status_code == 201
    entries = response.json["items"]
    assert [e["listing_id"] for e in entries] == body["listing_ids"]
    for entry in entries:
        assert set(entry) == ENTRY_KEYS
        assert entry["decision"] == "takedown" and entry["decided_by"] == "analis"
        assert UTC_Z.match(entry["decided_at"])
    again = {"listing_ids": [ids["Pil Pelangsing"]], "decision": "intelligence"}
    assert api("POST", "/register", json=again).json["items"][0]["id"] == entries[1]["id"]
    listed = api("GET", "/register").json
    assert [e["id"] for e in listed["items"]] == [e["id"] for e in entries]
    assert listed["next_cursor"] is None
    takedowns = api("GET", "/register", query_string={"decision": "takedown"}).json["items"]
    assert [e["listing_id"] for e in takedowns] == [ids["Krim Pemutih Merkuri"]]
    first = api("GET", "/register", query_string={"limit": 1}).json
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = api("GET", "/register", query_string={"cursor": first["next_cursor"]}).json
    assert [e["id"] for e in rest["items"]] == [entries[1]["id"]]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"listing_ids": [1], "decision": "hapus"}, 422),  # not a decision
        ({"listing_ids": [1], "decision": "dismissed"}, 422),  # a dismissal needs a reason
        ({"listing_ids": [999999], "decision": "takedown"}, 422),  # no such listing
        ({"listing_ids": [], "decision": "takedown"}, 422),
        ({"listing_ids": ["1"], "decision": "takedown"}, 422),
        ({"listing_ids": [1]}, 422),
        ({"listing_ids": [1], "decision": "takedown", "reason": 5}, 422),
        ([1, 2], 400),
        ("not json", 400),
    ],
)
def test_bad_decisions(api, body, status):
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    response = api("POST", "/register", **kwargs)
    _error(response, status)
    assert api("GET", "/register").json["items"] == []  # nothing written


def _decided(api, decision: str, *titles: str) -> list[int]:
    ids = _ids(api)
    body = {"listing_ids": [ids[t] for t in titles], "decision": decision, "reason": "uji"}
    return [e["id"] for e in api("POST", "/register", json=body).json["items"]]


def test_takedown_list_is_built_and_routed(api):
    entry_ids = _decided(
        api, "takedown", "Krim Pemutih Merkuri", "Pil Pelangsing", "Jamu Kuat Instan"
    )
    response = api("POST", "/takedown-lists", json={"entry_ids": entry_ids})
    assert response.status_code == 201
    built = response.json
    assert set(built) == {"id", "status", "created_at", "links"}
    assert built["status"] == "draft" and UTC_Z.match(built["created_at"])
    assert [link["entry_id"] for link in built["links"]] == entry_ids
    for link in built["links"]:
        assert set(link) == LINK_KEYS
        assert link["link_status"] in ("active", "nonactive", "unknown")
    recipients = {link["platform"]: link["recipient"] for link in built["links"]}
    # marketplace -> IdEA (website, the default kind, would be Komdigi); social -> Komdigi;
    # a product showing its NIE with an advertising finding only -> Dit. Was
    assert recipients == {"pasarku": "idea", "sosmed": "komdigi", "tokosehat": "dit_was"}
    assert api("GET", f"/takedown-lists/{built['id']}", who="tamu").json == built


@pytest.mark.parametrize("decision", ["dismissed", "intelligence"])
def test_listing_an_entry_not_decided_takedown_is_409(api, decision):
    entry_ids = _decided(api, decision, "Madu Hutan Asli")
    assert _error(api("POST", "/takedown-lists", json={"entry_ids": entry_ids}), 409) == "conflict"


def test_listing_an_entry_twice_is_409(api):
    entry_ids = _decided(api, "takedown", "Tramadol 50 mg tanpa resep")
    assert api("POST", "/takedown-lists", json={"entry_ids": entry_ids}).status_code == 201
    assert _error(api("POST", "/takedown-lists", json={"entry_ids": entry_ids}), 409) == "conflict"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/takedown-lists", {"entry_ids": [999999]}, 404),
        ("GET", "/takedown-lists/999999", None, 404),
        ("POST", "/takedown-lists", {"entry_ids": []}, 422),
        ("POST", "/takedown-lists", {}, 422),
    ],
)
def test_takedown_list_errors(api, method, path, body, status):
    _error(api(method, path, json=body) if body is not None else api(method, path), status)


def test_viewer_cannot_build_a_list(api):
    entry_ids = _decided(api, "takedown", "Tramadol 50 mg tanpa resep")
    response = api("POST", "/takedown-lists", who="tamu", json={"entry_ids": entry_ids})
    assert _error(response, 403) == "forbidden"


def test_patroli_serve_hands_the_app_the_platform_kinds(config, engine):
    from patroli.serving import make_web_server

    server = make_web_server(config, "127.0.0.1", 0)
    try:
        kinds = server.app.config["PATROLI_PLATFORM_KINDS"]
    finally:
        server.server_close()
    assert kinds["pasarku"] == "marketplace" and kinds["ceritaku"] == "social"
    assert kinds["tokosehat"] == "website"


LETTER_KEYS = {"id", "kind", "number", "recipient", "status", "link_count", "files"}
DETAIL_KEYS = LETTER_KEYS | {"sent_on", "due", "responses"}


def _list_of(api, *titles: str) -> int:
    entry_ids = _decided(api, "takedown", *titles)
    return api("POST", "/takedown-lists", json={"entry_ids": entry_ids}).json["id"]


def test_letters_made_one_per_recipient_and_fetched(api):
    list_id = _list_of(api, "Tramadol 50 mg tanpa resep", "Pil Pelangsing")
    response = api(
        "POST", f"/takedown-lists/{list_id}/letters", json={"kind": "rekomendasi_takedown"}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    made = response.json["items"]
    assert sorted(x["recipient"] for x in made) == ["idea", "komdigi"]
    for letter in made:
        assert set(letter) == LETTER_KEYS
        assert letter["kind"] == "rekomendasi_takedown" and letter["status"] == "draft"
        assert letter["link_count"] == 1 and letter["number"]
        assert set(letter["files"]) == {"docx", "xlsx"}  # PDF switched off in these tests
        assert letter["files"]["docx"].endswith(f"/api/v1/letters/{letter['id']}/docx")
    again = api("POST", f"/takedown-lists/{list_id}/letters", json={"kind": "rekomendasi_takedown"})
    assert [x["number"] for x in again.json["items"]] == [
        x["number"] for x in made
    ]  # not renumbered
    one = api("GET", f"/letters/{made[0]['id']}", who="tamu").json
    assert set(one) == DETAIL_KEYS and one["sent_on"] is None and one["responses"] == []
    docx = api("GET", f"/letters/{made[0]['id']}/docx", who="tamu")
    assert docx.status_code == 200 and zipfile.is_zipfile(BytesIO(docx.data))
    xlsx = api("GET", f"/letters/{made[0]['id']}/xlsx")
    assert xlsx.status_code == 200 and zipfile.is_zipfile(BytesIO(xlsx.data))
    assert _error(api("GET", f"/letters/{made[0]['id']}/pdf"), 404) == "not_found"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_letter_pdf_is_served(app, api):
    app.config["PATROLI_LETTER_PDF"] = True
    list_id = _list_of(api, "Tramadol 50 mg tanpa resep")
    [letter] = api("POST", f"/takedown-lists/{list_id}/letters", json={}).json["items"]
    assert set(letter["files"]) == {"docx", "pdf", "xlsx"}
    pdf = api("GET", f"/letters/{letter['id']}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.mimetype == "application/pdf"


def test_letter_sent(api):
    list_id = _list_of(api, "Tramadol 50 mg tanpa resep")
    [letter] = api("POST", f"/takedown-lists/{list_id}/letters", json={}).json["items"]
    path = f"/letters/{letter['id']}/sent"
    assert _error(api("POST", path, who="tamu", json={"sent_on": "2030-01-07"}), 403) == "forbidden"
    sent = api("POST", path, json={"sent_on": "2030-01-07"})
    assert sent.status_code == 200
    assert set(sent.json) == DETAIL_KEYS
    assert sent.json["status"] == "sent" and sent.json["sent_on"] == "2030-01-07"
    assert re.match(r"^\d{4}-\d\d-\d\d$", sent.json["due"]) and sent.json["due"] > "2030-01-07"
    assert api("POST", path, json={"sent_on": "2030-01-07"}).status_code == 200  # the same again
    assert _error(api("POST", path, json={"sent_on": "2030-01-08"}), 409) == "conflict"


def test_letter_sent_keeps_the_offices_mutu_baku(api, config):
    """The office's follow-up days (office.toml) set the due date, as in the UI and the CLI."""
    (config.data_dir / "office.toml").write_text("follow_up_days = 5\nplatform_hours = 4\n")
    list_id = _list_of(api, "Tramadol 50 mg tanpa resep")
    [letter] = api("POST", f"/takedown-lists/{list_id}/letters", json={}).json["items"]
    sent = api("POST", f"/letters/{letter['id']}/sent", json={"sent_on": "2030-01-07"})
    assert sent.json["due"] == "2030-01-14"  # Monday + 5 working days, not 20


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/letters/999999", None, 404),
        ("GET", "/letters/999999/docx", None, 404),
        ("POST", "/letters/999999/sent", {"sent_on": "2030-01-07"}, 404),
        ("POST", "/takedown-lists/999999/letters", {"kind": "rekomendasi_takedown"}, 404),
        ("POST", "/takedown-lists/LIST/letters", {"kind": "surat_cinta"}, 422),
        ("POST", "/takedown-lists/LIST/letters", {"kind": 7}, 422),
        ("POST", "/letters/LETTER/sent", {"sent_on": "07-01-2030"}, 422),
        ("POST", "/letters/LETTER/sent", {"sent_on": "2030-02-30"}, 422),
        ("POST", "/letters/LETTER/sent", {"sent_on": "2000-01-03"}, 422),  # before it was made
        ("POST", "/letters/LETTER/sent", {}, 422),
    ],
)
def test_letter_errors(api, method, path, body, status):
    list_id = _list_of(api, "Tramadol 50 mg tanpa resep")
    [letter] = api("POST", f"/takedown-lists/{list_id}/letters", json={}).json["items"]
    path = path.replace("LIST", str(list_id)).replace("LETTER", str(letter["id"]))
    _error(api(method, path, json=body) if body is not None else api(method, path), status)


def _recheck(sessions, api, **statuses: str) -> None:
    """Re-check results as the crawler stores them: title -> active | nonactive."""
    ids = _ids(api)
    with sessions() as session, session.begin():
        listings.record_statuses(
            session, [StatusCheck(ids[t], s, "uji") for t, s in statuses.items()]
        )


def test_a_list_whose_links_are_all_down_gets_no_letter(api, sessions):
    _recheck(sessions, api, **{"Pil Pelangsing": "nonactive"})
    list_id = _list_of(api, "Pil Pelangsing")
    assert api("GET", f"/takedown-lists/{list_id}").json["links"][0]["link_status"] == "nonactive"
    response = api("POST", f"/takedown-lists/{list_id}/letters", json={})
    assert _error(response, 409) == "conflict"


def test_monitoring_counts_per_platform_and_recipient(api, sessions):
    _list_of(api, "Tramadol 50 mg tanpa resep", "Pil Pelangsing")
    _recheck(
        sessions, api, **{"Tramadol 50 mg tanpa resep": "active", "Pil Pelangsing": "nonactive"}
    )
    report = api("GET", "/monitoring", who="tamu").json
    assert set(report) == {"by_platform", "by_recipient", "overdue"}
    zero = {"listed": 0, "taken_down": 0, "still_up": 0, "unknown": 0, "reproposed": 0}
    assert report["by_platform"] == [
        {"platform": "pasarku"} | zero | {"listed": 1, "still_up": 1},
        {"platform": "sosmed"} | zero | {"listed": 1, "taken_down": 1},
    ]
    assert report["by_recipient"] == [
        {"recipient": "idea"} | zero | {"listed": 1, "still_up": 1},
        {"recipient": "komdigi"} | zero | {"listed": 1, "taken_down": 1},
    ]
    assert report["overdue"] == 0


@pytest.mark.parametrize(
    ("days_since", "days_until", "listed"),
    [(None, None, 1), (0, 1, 1), (-1, None, 1), (1, None, 0), (None, 0, 0), (-5, -1, 0)],
)
def test_monitoring_period(api, days_since, days_until, listed):
    _list_of(api, "Tramadol 50 mg tanpa resep")
    today = datetime.now(UTC).date()
    query = {name: (today + timedelta(days=days)).isoformat()
             for name, days in (("since", days_since), ("until", days_until))
             if days is not None}  # fmt: skip
    report = api("GET", "/monitoring", query_string=query).json
    assert sum(row["listed"] for row in report["by_platform"]) == listed


@pytest.mark.parametrize(
    "query", [{"since": "kemarin"}, {"until": "2026-13-01"}, {"since": "2026-3-1"}]
)
def test_monitoring_bad_dates_are_400(api, query):
    assert _error(api("GET", "/monitoring", query_string=query), 400) == "bad_request"


@pytest.mark.parametrize(
    ("role", "may_decide"),
    [
        ("viewer", False),
        ("reviewer", False),
        ("upt_officer", False),
        ("analyst", True),
        ("admin", True),
    ],
)
def test_every_role_reads_and_only_analysts_up_decide(app, sessions, role, may_decide):
    with sessions() as session, session.begin():
        users.create_user(session, f"u-{role}", "rahasia-9", role, actor="test")
        _, token = users.create_token(session, f"u-{role}", actor="test")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/api/v1/listings", headers=headers)
    assert page.status_code == 200
    for path in ("/register", "/monitoring"):
        assert client.get(f"/api/v1{path}", headers=headers).status_code == 200
    body = {"listing_ids": [page.json["items"][0]["id"]], "decision": "takedown"}
    response = client.post("/api/v1/register", headers=headers, json=body)
    assert response.status_code == (201 if may_decide else 403)
    response = client.post("/api/v1/takedown-lists", headers=headers, json={"entry_ids": [1]})
    assert response.status_code == (201 if may_decide else 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nothing-here"),
        ("GET", "/listings/abc"),
        ("DELETE", "/listings/1"),
        ("POST", "/listings"),
        ("GET", "/takedown-lists/1/letters/x"),
    ],
)
def test_unknown_endpoints_answer_the_json_error(api, method, path):
    assert _error(api(method, path), 404) == "not_found"
