"""/api/v1/openapi.json: valid OpenAPI 3.1, generated from the routes, and true — every
documented route is called on a casebook that has walked the SOP, with a token of enough role,
and each answer (status and body) is checked against what the document says of it."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from web import create_app, openapi

ANALYST_CSV = "nie,product_name,brand,category,registrant,form,issued_on,expires_on,status\n"
REGISTRY_CSV = (
    ANALYST_CSV + "NA18201234567,Krim Siang,Cantik,kosmetik,PT Cantik,krim,2024-01-01,,valid\n"
    "XX1,Krim Malam,Cantik,kosmetik,PT Cantik,krim,,,valid\n"
)
WARNINGS_CSV = (
    "product_name,brand,nie,category,hazard,published_on\n"
    "Krim X,Merek X,,kosmetik,merkuri,2026-01-05\n"
)

# (method, path, who, request, status) in the order an integrator would walk the SOP; paths
# name seeded objects as {listing0}, {list}, {letter_idea} ...
# fmt: off
WALK = [
    ("GET", "/openapi.json", None, {}, 200),
    ("GET", "/listings", "tamu", {"query_string": {"limit": 2}}, 200),
    ("GET", "/listings/{listing0}", "tamu", {}, 200),
    ("GET", "/listings/{listing0}/findings", "tamu", {}, 200),
    ("GET", "/summary", "tamu", {}, 200),
    ("POST", "/register", "analis", {"json": {"listing_ids": ["{listing4}"],
                                              "decision": "takedown"}}, 201),
    ("GET", "/register", "tamu", {"query_string": {"decision": "takedown"}}, 200),
    ("POST", "/takedown-lists", "analis", {"json": {"entry_ids": ["{entry4}"]}}, 201),
    ("GET", "/takedown-lists/{list}", "tamu", {}, 200),
    ("POST", "/shares", "analis", {"json": {"kind": "list", "id": "{list}",
                                            "unit": "UPT BPOM Medan"}}, 201),
    ("POST", "/shares", "analis", {"json": {"kind": "list", "id": "{list}",
                                            "unit": "UPT BPOM Medan"}}, 200),  # already shared
    ("DELETE", "/shares", "analis", {"json": {"kind": "list", "id": "{list}",
                                              "unit": "UPT BPOM Medan"}}, 200),
    ("GET", "/takedown-lists", "tamu", {"query_string": {"status": "verified"}}, 200),
    ("GET", "/letters", "tamu", {"query_string": {"list_id": "{list}"}}, 200),
    ("POST", "/takedown-lists/{list}/verify", "analis", {}, 202),
    ("POST", "/recheck", "analis", {"json": {"listing_ids": ["{listing0}"]}}, 202),
    ("GET", "/jobs/1", "analis", {}, 200),
    ("POST", "/takedown-lists/{list}/letters", "analis",
     {"json": {"kind": "rekomendasi_takedown"}}, 201),
    ("GET", "/letters/{letter_idea}", "tamu", {}, 200),
    ("GET", "/letters/{letter_idea}/docx", "tamu", {}, 200),
    ("POST", "/letters/{letter_idea}/sent", "analis", {"json": {"sent_on": "2026-03-03"}}, 200),
    ("GET", "/letters/{letter_idea}/links", "tamu", {}, 200),
    ("POST", "/letters/{letter_idea}/responses", "analis",
     {"json": {"outcome": "done", "received_on": "2026-03-05", "note": "ok"}}, 201),
    ("GET", "/letters/{letter_idea}/responses", "tamu", {}, 200),
    ("POST", "/letters/{letter_komdigi}/escalations", "analis",
     {"json": {"stage": "st1", "reached_on": "2026-03-06"}}, 201),
    ("GET", "/letters/{letter_komdigi}/escalations", "tamu", {}, 200),
    ("GET", "/monitoring", "tamu", {"query_string": {"since": "2026-01-01"}}, 200),
    ("POST", "/monitoring/reproposals", "analis", {}, 201),
    ("POST", "/monitoring/reproposals", "analis", {}, 200),  # nothing left to propose again
    ("GET", "/plans", "tamu", {}, 200),
    ("GET", "/plans/{Patroli Lebaran}", "tamu", {}, 200),
    ("POST", "/plans", "analis", {"json": {"name": "Patroli Ramadan", "keywords": ["sibutramin"],
                                           "classification": "terbatas"}}, 201),
    ("POST", "/plans/{Patroli Lebaran}/approve", "analis", {}, 200),
    ("POST", "/plans/{Patroli Lebaran}/activate", "analis", {}, 200),
    ("POST", "/plans/{Patroli Lebaran}/run", "analis", {}, 202),
    ("GET", "/plans/{Patroli Lebaran}/runs", "tamu", {}, 200),
    ("GET", "/runs", "analis", {}, 200),
    ("GET", "/runs/{run}", "analis", {}, 200),
    ("POST", "/plans/{Patroli Lebaran}/close", "analis", {}, 200),
    ("GET", "/users", "admin", {}, 200),
    ("POST", "/users", "admin", {"json": {"username": "baru", "password": "sandi-baru-1",
                                          "role": "viewer"}}, 201),
    ("PATCH", "/users/baru", "admin", {"json": {"role": "analyst", "active": False}}, 200),
    ("GET", "/tokens", "tamu", {}, 200),
    ("POST", "/tokens", "tamu", {"json": {"name": "skrip harian"}}, 201),
    ("DELETE", "/tokens/{spare_token}", "tamu", {}, 200),
    ("GET", "/users/tamu/tokens", "admin", {}, 200),
    ("POST", "/users/tamu/tokens", "admin", {"json": {}}, 201),
    ("POST", "/registry/import", "analis",
     {"data": REGISTRY_CSV, "content_type": "text/csv"}, 200),
    ("POST", "/warnings/import", "analis", {"data": WARNINGS_CSV, "content_type": "text/csv"}, 200),
    ("GET", "/audit", "analis", {"query_string": {"action": "letter.", "limit": 3}}, 200),
    ("GET", "/audit/verify", "analis", {}, 200),
    ("GET", "/alerts", "tamu", {"query_string": {"open": "true", "kind": "blocking"}}, 200),
    ("POST", "/alerts/99999/acknowledge", "analis", {}, 404),  # alerts: tests/web/test_alerts_pages
    ("GET", "/schedule/runs", "tamu", {"query_string": {"status": "done", "plan_id": "1"}}, 200),
    ("GET", "/schedule/runs", "analis", {"query_string": {"status": "finished"}}, 400),
]

# Offender profiling, walked on a casebook whose accounts the linker joined into actors
# (conftest `profiled`: actors {sehat} and {murni}, pending suggestions in id order).
ACTOR_WALK = [
    ("GET", "/actors", "tamu", {"query_string": {"min_risk": 0, "limit": 3}}, 200),
    ("GET", "/actors/{sehat}", "tamu", {}, 200),
    ("GET", "/actors/99999", "tamu", {}, 404),
    ("GET", "/actor-suggestions", "tamu", {}, 200),
    ("GET", "/actor-suggestions", "tamu", {"query_string": {"status": "maybe"}}, 422),
    ("POST", "/actor-suggestions/{suggestion}/confirm", "analis",
     {"json": {"reason": "foto produk sama"}}, 200),
    ("POST", "/actor-suggestions/{suggestion}/reject", "analis", {}, 409),  # decided
    ("POST", "/actor-suggestions/{suggestion2}/reject", "analis", {}, 200),
    ("POST", "/actors/{sehat}/merge", "analis",
     {"json": {"actor_ids": ["{murni}"], "reason": "satu rekening"}}, 200),
    ("POST", "/actors/{murni}/merge", "analis", {"json": {"actor_ids": ["{sehat}"]}}, 409),
    ("POST", "/actors/{sehat}/split", "analis",
     {"json": {"seller_ids": ["{murni1}", "{murni2}"]}}, 201),
    ("POST", "/actors/{sehat}/split", "analis", {"json": {"seller_ids": ["{murni1}"]}}, 422),
    ("GET", "/identifier-stoplist", "analis", {}, 200),
    ("GET", "/identifier-stoplist", "tamu", {}, 403),
    ("POST", "/identifier-stoplist", "analis",
     {"json": {"kind": "phone", "value": "0813-9991-1122", "reason": "nomor kurir"}}, 201),
    ("POST", "/identifier-stoplist", "analis",
     {"json": {"kind": "phone", "value": "+62 813 9991 1122", "reason": "lagi"}}, 409),
    ("DELETE", "/identifier-stoplist/1", "analis", {}, 200),
    ("DELETE", "/identifier-stoplist/1", "analis", {}, 409),  # removed already
    ("POST", "/actors/relink", "analis", {}, 200),
    ("POST", "/actors/{sehat}/referrals", "analis", {"json": {"recipient": "dit_was"}}, 201),
    ("POST", "/actors/{sehat}/referrals", "analis", {"json": {"recipient": "idea"}}, 422),
    ("POST", "/actors/{sehat}/documents", "analis", {}, 201),
    ("GET", "/profiling-documents/actor-{sehat}/docx", "analis", {}, 200),
    ("GET", "/profiling-documents/actor-{sehat}/pdf", "analis", {}, 404),  # made without PDF
    ("POST", "/profiling-documents", "analis",
     {"json": {"since": "2026-03-01", "until": "2026-03-31"}}, 201),
]

# Error answers: (method, path, who, request, status) — each checked against the Error schema
# and against the statuses the document gives for that route.
ERRORS = [
    ("GET", "/listings", None, {}, 401),
    ("GET", "/listings", "tamu", {"query_string": {"limit": 0}}, 400),
    ("GET", "/listings", "tamu", {"query_string": {"cursor": "@@"}}, 400),
    ("POST", "/register", "tamu", {"json": {"listing_ids": [1], "decision": "takedown"}}, 403),
    ("POST", "/takedown-lists", "analis", {"json": {"entry_ids": [99999]}}, 404),
    ("POST", "/takedown-lists", "analis", {"json": {"entry_ids": ["{entry4}"]}}, 409),
    ("GET", "/takedown-lists/99999", "tamu", {}, 404),
    ("POST", "/shares", "tamu", {"json": {"kind": "list", "id": 1, "unit": "UPT X"}}, 403),
    ("POST", "/shares", "analis", {"json": {"kind": "list", "id": 99999, "unit": "UPT X"}}, 404),
    ("POST", "/shares", "analis", {"json": {"kind": "run", "id": 1, "unit": "UPT X"}}, 422),
    ("DELETE", "/shares", "analis", {"json": {"kind": "list", "id": "{list}",
                                              "unit": "UPT X"}}, 404),  # not shared with it
    ("GET", "/letters/{letter_idea}/pdf", "tamu", {}, 404),  # made without PDF
    ("POST", "/letters/{letter_idea}/responses", "analis",
     {"json": {"outcome": "done", "received_on": "2026-03-05"}}, 409),  # not sent yet
    ("POST", "/letters/{letter_komdigi}/responses", "analis",
     {"json": {"outcome": "maybe", "received_on": "2026-03-05"}}, 422),
    ("POST", "/letters/{letter_idea}/escalations", "analis",
     {"json": {"stage": "st1", "reached_on": "2026-03-06"}}, 422),  # only Komdigi escalates
    ("GET", "/letters/99999/links", "tamu", {}, 404),
    ("GET", "/plans/99999", "tamu", {}, 404),
    ("GET", "/plans/{Patroli Surabaya}", "was", {}, 404),  # another unit's
    ("POST", "/plans/{Patroli Lebaran}/approve", "upt", {}, 403),
    ("POST", "/plans/{Patroli Lebaran}/activate", "analis", {}, 422),  # a draft
    ("POST", "/plans", "analis", {"json": {"name": "Patroli Lebaran", "keywords": ["x"]}}, 409),
    ("POST", "/plans", "analis", {"json": {"name": "P", "keywords": [], "unit": "x"}}, 422),
    ("GET", "/runs/99999", "tamu", {}, 404),
    ("GET", "/users", "analis", {}, 403),
    ("POST", "/users", "admin", {"json": {"username": "tamu", "password": "sandi-baru-1",
                                          "role": "viewer"}}, 409),
    ("PATCH", "/users/nobody", "admin", {"json": {"role": "viewer"}}, 404),
    ("PATCH", "/users/admin", "admin", {"json": {"role": "viewer"}}, 409),  # the last admin
    ("DELETE", "/tokens/{admin_token}", "tamu", {}, 404),  # another's token: as missing
    ("GET", "/audit", "tamu", {}, 403),
    ("POST", "/registry/import", "analis", {"json": {"csv": "no"}}, 400),
    ("GET", "/jobs/99999", "tamu", {}, 404),
    ("GET", "/letters", "tamu", {"query_string": {"list_id": "x"}}, 400),
    ("POST", "/plans/99999/run", "analis", {}, 404),
    ("POST", "/plans/{Patroli Surabaya}/run", "tamu", {}, 403),
]
# fmt: on


@pytest.fixture
def bare_app(config):
    """The app alone: describing the routes reads no casebook."""
    return create_app(config, testing=True)


@pytest.fixture
def document(bare_app):
    return openapi.document(bare_app)


def _fill(sop, text):
    if isinstance(text, str) and text.startswith("{") and text.endswith("}") and "/" not in text:
        return sop.ids[text[1:-1]]
    if isinstance(text, str):
        for name, value in sop.ids.items():
            text = text.replace("{" + name + "}", str(value))
        return text
    if isinstance(text, list):
        return [_fill(sop, x) for x in text]
    if isinstance(text, dict):
        return {k: _fill(sop, v) for k, v in text.items()}
    return text


def _operation(sop, document, method: str, path: str) -> dict:
    """The document's description of the route that answers `method path`."""
    rule, _ = sop.app.url_map.bind("localhost").match(f"/api/v1{path}", method, return_rule=True)
    documented, _ = openapi.openapi_path(rule)
    return document["paths"][documented][method.lower()]


def _check(sop, document, method, path, who, request, status) -> str | None:
    """Call the route; None when the answer is as documented, else what differs."""
    path, request = _fill(sop, path), _fill(sop, request)
    operation = _operation(sop, document, method, path)
    answer = sop.call(method, path, who, **request)
    said = f"{method} {path} as {who}: {answer.status_code} {answer.get_data()[:300]!r}"
    if answer.status_code != status:
        return f"expected {status}; {said}"
    documented = operation["responses"].get(str(status))
    if documented is None:
        return f"status {status} is not documented; {said}"
    (kind, content), *_ = documented["content"].items()
    if kind != "application/json":
        return None if answer.mimetype in documented["content"] else f"type {answer.mimetype}"
    schema = {**content["schema"], "components": document["components"]}
    problems = [e.message for e in Draft202012Validator(schema).iter_errors(answer.get_json())]
    return f"{problems[:3]}; {said}" if problems else None


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_api_route_is_documented(bare_app):
    assert openapi.undocumented(bare_app) == []


def test_the_document_is_served_without_a_token(sop, document):
    answer = sop.call("GET", "/openapi.json", who=None)
    assert answer.status_code == 200 and answer.json == document


def test_an_undocumented_route_is_named(bare_app):
    @bare_app.get("/api/v1/not-described")
    def not_described():
        return {}

    assert openapi.undocumented(bare_app) == ["GET /api/v1/not-described (not_described)"]
    assert "/not-described" not in openapi.document(bare_app)["paths"]


def test_every_documented_route_answers_as_documented(sop, document):
    walked = {(_operation(sop, document, m, _fill(sop, p))["operationId"], m) for m, p, *_ in WALK}
    walked |= {
        (_operation(sop, document, m, re.sub(r"\{\w+\}", "1", p))["operationId"], m)
        for m, p, *_ in ACTOR_WALK
    }  # walked on their own casebook below
    documented = {
        (op["operationId"], method.upper())
        for item in document["paths"].values()
        for method, op in item.items()
    }
    assert documented - walked == set(), "documented routes the walk does not call"
    problems = [p for case in WALK if (p := _check(sop, document, *case))]
    assert problems == []


def test_every_profiling_route_answers_as_documented(profiled, document):
    assert [p for case in ACTOR_WALK if (p := _check(profiled, document, *case))] == []


def test_error_answers_are_documented_and_in_the_error_shape(sop, document):
    """None of these changes anything, so they share one casebook (seeding it takes seconds)."""
    assert [p for case in ERRORS if (p := _check(sop, document, *case))] == []


def test_every_route_with_a_token_documents_401_and_answers_it(sop, document):
    """No token: every secured route answers 401 in the error shape, as its document says."""
    problems = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not operation["security"]:
                continue
            concrete = path.replace("{kind}", "docx").replace("{move}", "close")
            concrete = concrete.replace("{username}", "tamu")
            concrete = concrete.replace("{decision}", "confirm").replace("{name}", "actor-1")
            for name in (
                "list_id",
                "letter_id",
                "plan_id",
                "run_id",
                "job_id",
                "token_id",
                "listing_id",
                "actor_id",
                "suggestion_id",
                "stop_id",
                "alert_id",
            ):
                concrete = concrete.replace("{" + name + "}", "1")
            problem = _check(sop, document, method.upper(), concrete, None, {}, 401)
            if problem:
                problems.append(problem)
    assert problems == []


@pytest.mark.parametrize(
    "schema, good, bad",
    [
        ("Error", {"error": {"code": "x", "message": "y"}}, {"error": {"code": "x"}}),
        (
            "Entry",
            {
                "id": 1,
                "listing_id": 2,
                "decision": "takedown",
                "reason": "",
                "decided_by": "a",
                "decided_at": "2026-03-02T03:00:00Z",
            },
            {
                "id": 1,
                "listing_id": 2,
                "decision": "takedown",
                "reason": "",
                "decided_by": "a",
                "decided_at": "2026-03-02T10:00:00+07:00",
            },
        ),  # a time must be UTC with a Z
        (
            "ImportReport",
            {"new": 1, "updated": 0, "unchanged": 0, "errors": []},
            {"new": 1, "updated": 0, "unchanged": 0, "errors": [], "extra": 1},
        ),
    ],
)
def test_the_schemas_are_strict(document, schema, good, bad):
    """The shapes refuse what DESIGN.md §3 does not say, so the walk above can fail."""
    checker = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    )
    assert checker.is_valid(good) and not checker.is_valid(bad)
