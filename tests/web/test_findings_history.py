"""Current and past findings on the listing page and in the API, over a real SQLite casebook."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from casebook.models import Listing
from casebook.services import listings, users
from casebook.services.listings import ListingRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app
from web.findings import evidence_context

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"
MERKURI = ("hazardous_ingredient", "HAZ-MERKURI", "merkuri " + HOSTILE)
CLAIM = ("misleading_claim", "CLAIM-INSTANT", "putih dalam 3 hari")


def verdict(url: str, title: str, found, version: str) -> Verdict:
    hits = []
    for code, rule, text in found:
        start = title.find(text)
        hits.append(
            Hit(code, rule, 0.9, Evidence(text, "title", start, start + len(text)), version)
        )
    return Verdict(url, (), "kosmetik", tuple(hits), version)


# (listing, [(title, found, catalogue version, read_by)]), one crawl an hour apart
CRAWLS = {
    "edited": [
        (
            f"Krim putih dalam 3 hari, mengandung merkuri {HOSTILE}",
            [MERKURI, CLAIM],
            "v1",
            "json-ld",
        ),
        ("Krim putih dalam 3 hari", [CLAIM], "v2", None),
    ],
    "current": [(f"Krim mengandung merkuri {HOSTILE}", [MERKURI], "v1", "generic")],
    "clean": [("Madu hutan", [], "v1", "opengraph")],
}


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
    for name, crawls in CRAWLS.items():
        url = f"http://pasar.example/p/{name}"
        for n, (title, found, version, read_by) in enumerate(crawls):
            record = ListingRecord(url=url, platform="pasarku", title=title, read_by=read_by)
            with sessions() as session, session.begin():
                listings.record_listings(
                    session, [(record, verdict(url, title, found, version))], now=T0 + n * H
                )
    return create_app(config, testing=True)


H = timedelta(hours=1)


@pytest.fixture
def client(app):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    client.post(
        "/login", data={"username": "analis", "password": "rahasia-1", "csrf_token": token.decode()}
    )
    return client


@pytest.fixture
def ids(app, sessions):
    with sessions() as session:
        return {
            url.rsplit("/", 1)[1]: id_
            for id_, url in session.execute(select(Listing.id, Listing.url))
        }


def sections(html: str) -> tuple[str, str]:
    """The current findings list and the past findings list of a listing page."""
    current = re.search(r'<ol class="hits">(.*?)</ol>', html, re.S)
    past = re.search(r'<ol class="past-hits">(.*?)</ol>', html, re.S)
    return (current.group(1) if current else ""), (past.group(1) if past else "")


@pytest.mark.parametrize(
    "name, current_codes, past_codes",
    [
        ("edited", ["misleading_claim"], ["hazardous_ingredient"]),
        ("current", ["hazardous_ingredient"], []),
        ("clean", [], []),
    ],
)
def test_the_listing_page_shows_current_and_past_findings(
    client, ids, name, current_codes, past_codes
):
    html = client.get(f"/listings/{ids[name]}").get_data(as_text=True)
    current, past = sections(html)
    assert re.findall(r'data-code="(\w+)"', current) == current_codes
    assert re.findall(r'data-code="(\w+)"', past) == past_codes
    assert ("Temuan terdahulu" in html) == bool(past_codes)
    assert HOSTILE not in html


def test_a_past_finding_says_when_and_by_which_catalogue(client, ids):
    html = client.get(f"/listings/{ids['edited']}").get_data(as_text=True)
    current, past = sections(html)
    assert re.findall(r'class="found-at">([^<]+)<', past) == ["2026-11-01 08:00 UTC"]
    assert re.findall(r'class="superseded-at">([^<]+)<', past) == ["2026-11-01 09:00 UTC"]
    assert re.findall(r'class="version">([^<]+)<', past) == ["v1"]
    assert re.findall(r'class="superseded-version">([^<]+)<', past) == ["v2"]
    assert "Mengandung BKO/bahan dilarang" in past and "merkuri &lt;script&gt;" in past
    assert re.findall(r'class="found-at">([^<]+)<', current) == ["2026-11-01 08:00 UTC"]
    assert "<mark>putih dalam 3 hari</mark>" in current  # highlighted in the text as it is now


def test_past_findings_in_english(client, ids):
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/lang/en", data={"csrf_token": token})
    html = client.get(f"/listings/{ids['edited']}").get_data(as_text=True)
    assert "Past findings" in html and "No longer found" in html and "Read from" in html
    assert "Drug substance or banned ingredient" in html


@pytest.mark.parametrize(
    "name, read_by", [("edited", "json-ld"), ("current", "generic"), ("clean", "opengraph")]
)
def test_the_listing_page_says_how_the_page_was_read(client, ids, name, read_by):
    html = client.get(f"/listings/{ids[name]}").get_data(as_text=True)
    assert f'<dd class="read-by">{read_by}</dd>' in html


@pytest.mark.parametrize(
    "status, shown",
    [("active", "aktif"), ("nonactive", "nonaktif"), ("unknown", "tidak diketahui")],
)
def test_statuses_read_their_labels_from_the_casebook(client, ids, sessions, status, shown):
    with sessions() as session, session.begin():
        session.get(Listing, ids["clean"]).status = status
    html = client.get(f"/listings/{ids['clean']}").get_data(as_text=True)
    assert f'<dd class="status">{shown}</dd>' in html
    listed = client.get(f"/?hits=semua&status={status}").get_data(as_text=True)  # clean too
    assert f'<td class="status">{shown}</td>' in listed


@pytest.fixture
def v1(app, sessions):
    """GET an /api/v1 path with the analyst's bearer token (the old /api moved there)."""
    with sessions() as session, session.begin():
        token = users.create_token(session, "analis", actor="test")[1]

    def get(path: str) -> dict:
        answer = app.test_client().get(
            "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()

    return get


def test_the_api_gives_current_violations_and_past_violations(v1, ids):
    body = v1(f"/listings/{ids['edited']}/findings")
    assert [(v["type"], v["rule"], v["score"], v["catalogue_version"], v["found_at"])
            for v in body["current"]] == [
        ("misleading_claim", "CLAIM-INSTANT", 0.9, "v1", "2026-11-01T08:00:00Z")
    ]  # fmt: skip
    assert {"type", "rule", "score", "evidence"} <= set(body["current"][0])
    (past,) = body["past"]
    assert (past["type"], past["rule"], past["evidence"]["text"]) == (
        "hazardous_ingredient", "HAZ-MERKURI", "merkuri " + HOSTILE,
    )  # fmt: skip
    assert (past["found_at"], past["catalogue_version"]) == ("2026-11-01T08:00:00Z", "v1")
    assert (past["superseded_at"], past["superseded_version"]) == ("2026-11-01T09:00:00Z", "v2")
    assert (body["read_by"], body["catalogue_version"]) == ("json-ld", "v2")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("code=hazardous_ingredient", ["current"]),
        ("code=misleading_claim", ["edited"]),
        ("has_violations=true", ["current", "edited"]),
        ("has_violations=false", ["clean"]),
        ("", ["clean", "current", "edited"]),
    ],
)
def test_api_filters_count_current_findings_only(v1, ids, query, expected):
    body = v1(f"/listings?{query}")
    names = {v: k for k, v in ids.items()}
    assert sorted(names[item["id"]] for item in body["items"]) == expected


def test_the_summary_counts_current_findings_only(v1):
    body = v1("/summary")
    assert body["with_hits"] == 2
    assert body["by_code"] == {"hazardous_ingredient": 1, "misleading_claim": 1}


TEXT = "Krim pemutih mengandung Merkuri dosis tinggi"


@pytest.mark.parametrize(
    "evidence, expected",
    [
        ({"text": "Merkuri", "field": "title", "start": 24, "end": 31}, "Merkuri"),
        # recorded against an older text: the words are looked up again, case aside
        ({"text": "merkuri", "field": "title", "start": 0, "end": 7}, "Merkuri"),
        ({"text": "hidrokinon", "field": "title", "start": 0, "end": 10}, None),
        ({"text": "Merkuri", "field": "title", "start": 40, "end": 90}, None),
        ({"text": "Merkuri", "field": "description", "start": 24, "end": 31}, None),
        ({"text": "Merkuri", "field": ""}, None),
    ],
)
def test_evidence_is_highlighted_only_where_its_words_are(evidence, expected):
    listing = SimpleNamespace(title=TEXT, description="")
    around = evidence_context(listing, evidence)
    assert (around[1] if around else None) == expected


WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.mark.parametrize("module", sorted(WEB.glob("*.py")), ids=lambda p: p.name)
def test_web_reads_codes_and_labels_from_the_casebook_only(module):
    tree = ast.parse(module.read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.split(".")[0] == "rules"]
