"""The role-and-unit matrix, through the UI and the API alike (tests/access_world.py says who
must see what). Routes come from app.url_map, so a new route is covered the day it is added:
an /api/v1 route or a page with an object id the matrix does not know fails here until it is
entered in API_ROUTES / PAGE_OBJECTS below.

Answers: no token -> 401; a role too low -> 403; an object of another unit or above the
caller's clearance -> 404, the same as a missing one (so ids cannot be probed); anonymous
pages -> the login page; every UI POST without its CSRF token -> 400, even when logged in.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import ROLES
from casebook.services import evidence, users
from casebook.services.evidence import CaptureRecord
from web import create_app

_spec = importlib.util.spec_from_file_location(
    "access_world", Path(__file__).parents[1] / "access_world.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)


@dataclass(frozen=True)
class Route:
    """What the matrix knows of one API route: the kind of object its path id names (None: the
    route reads no unit's object, or one outside the matrix), a body for a POST, whether a GET
    answers a collection of that kind, and the status a visible object answers."""

    kind: str | None = None
    body: dict = field(default_factory=dict)
    collection: str | None = None
    found: int = 200


API_ROUTES = {
    "api_v1.listings": Route(collection="listing"),
    "api_v1.listing": Route("listing"),
    "api_v1.listing_findings": Route("listing"),
    "api_v1.decide": Route(body={"listing_ids": [1], "decision": "takedown"}),
    "api_v1.register_entries": Route(collection="entry"),
    "api_v1.build_list": Route(body={"entry_ids": [1]}),
    "api_v1.list_collection": Route(collection="list"),
    "api_v1.show_list": Route("list"),
    "api_v1.verify_list": Route("list"),
    "api_v1.make_letters": Route("list", body={"kind": "rekomendasi_takedown"}),
    "api_v1.letter_collection": Route(collection="letter"),
    "api_v1.show_letter": Route("letter"),
    "api_v1.letter_file": Route("letter", found=404),  # the world's letters have no files
    "api_v1.letter_links": Route("letter"),
    "api_v1.letter_responses": Route("letter"),
    "api_v1.letter_respond": Route("letter", body={"outcome": "done", "received_on": "2026-11-03"}),
    "api_v1.letter_escalations": Route("letter"),
    "api_v1.letter_escalate": Route("letter", body={"stage": "st1", "reached_on": "2026-11-03"}),
    "api_v1.letter_sent": Route("letter", body={"sent_on": "2026-11-03"}),
    "api_v1.monitoring_report": Route(),  # figures: counted per caller in test_access_gaps.py
    "api_v1.repropose": Route(body={"list_ids": [1]}),
    "api_v1.plan_list": Route(collection="plan"),
    "api_v1.plan_create": Route(body={"name": "x"}),
    "api_v1.plan_show": Route("plan"),
    "api_v1.plan_move": Route("plan"),
    "api_v1.plan_run_list": Route("plan"),
    "api_v1.plan_run_now": Route("plan"),
    "api_v1.recheck": Route(body={"listing_ids": [1]}),
    "api_v1.registry_import": Route(),
    "api_v1.warnings_import": Route(),
    "api_v1.run_list": Route(collection="run"),
    "api_v1.run_show": Route("run"),
    "api_v1.share_create": Route(body={"kind": "entry", "id": 1, "unit": "UPT BPOM Makassar"}),
    "api_v1.share_delete": Route(body={"kind": "entry", "id": 1, "unit": "UPT BPOM Makassar"}),
    "api_v1.summary": Route(),  # figures: counted per caller in test_access_gaps.py
    "api_v1.job": Route(),
    "api_v1.token_list": Route(),  # one's own tokens
    "api_v1.token_create": Route(),
    "api_v1.token_revoke": Route(),
    "api_v1.user_list": Route(),
    "api_v1.user_create": Route(),
    "api_v1.user_update": Route(),
    "api_v1.user_token_list": Route(),
    "api_v1.user_token_create": Route(),
    "api_v1.audit_events": Route(),
    "api_v1.audit_verify": Route(),
    # Actors are outside the world's kinds: who sees which actor is tested in
    # tests/web/test_api_v1_actors.py (an UPT through a listing it reads).
    "api_v1.actor_list": Route(),
    "api_v1.actor_show": Route(),
    "api_v1.actor_merge": Route(body={"actor_ids": [2]}),
    "api_v1.actor_split": Route(body={"seller_ids": [1]}),
    "api_v1.actors_relink": Route(),
    "api_v1.suggestion_list": Route(),
    "api_v1.suggestion_decide": Route(),
    "api_v1.stop_list": Route(),
    "api_v1.stop_add": Route(body={"kind": "phone", "value": "0813", "reason": "x"}),
    "api_v1.stop_remove": Route(),
    "api_v1.actor_refer": Route(body={"recipient": "dit_was"}),
    "api_v1.actor_document": Route(),
    "api_v1.period_document": Route(body={"since": "2026-11-01", "until": "2026-11-30"}),
    "api_v1.profiling_document_file": Route(),
    # Alerts and scheduler firings name plans (or none, for ad-hoc runs): who sees which is
    # tested in tests/web/test_alerts_pages.py and tests/web/test_schedule_pages.py.
    "api_v1.alert_list": Route(),
    "api_v1.alert_acknowledge": Route(),
    "api_v1.schedule_runs": Route(),
}
API_PUBLIC = {"api_v1.openapi_document", "api_v1.no_such_endpoint"}

# Pages with an object id in their path: the kind it names (None: outside the matrix).
PAGE_OBJECTS = {
    "findings.show": "listing",
    "findings.decide_one": "listing",
    "findings.recheck": "listing",
    "evidence.file": "capture",
    "register.show": "entry",
    "register.decide": "entry",
    "register.share": "entry",
    "takedown.show": "list",
    "takedown.export": "list",
    "takedown.make_letters": "list",
    "takedown.verify": "list",
    "takedown.share": "list",
    "letters.show": "letter",
    "letters.download": "letter",
    "letters.escalate": "letter",
    "letters.record_response": "letter",
    "letters.mark_sent": "letter",
    "letters.recheck": "letter",
    "plans.show": "plan",
    "plans.edit": "plan",
    "plans.run_now": "plan",
    "plans.change_status": "plan",
    "plans.run": "run",
    "jobs.show": None,
    "jobs.status_json": None,
    "admin.token_revoke": None,  # one's own token
    # Actors are outside the world's kinds: tests/web/test_actors_pages.py tests who sees which.
    "actors.show": None,
    "actors.merge": None,
    "actors.split": None,
    "actors.refer": None,
    "actors.document": None,
    "actors.confirm": None,
    "actors.reject": None,
    "actors.remove_stop": None,
    "alerts.acknowledge": None,  # tests/web/test_alerts_pages.py
}
# Reached without logging in: the login form, health checks, the language switch, static
# files, and the old /api paths that only point to /api/v1. /metrics has rules of its own (a
# bearer token, else loopback callers only: tests/web/test_metrics.py).
PAGES_PUBLIC = {"auth.login", "health.healthz", "health.readyz", "i18n.switch", "static",
                "metrics.index"}  # fmt: skip
PAGE_LISTS = ("findings.index", "register.index", "takedown.index", "letters.index",
              "plans.index", "dashboard.index", "monitoring.index", "alerts.index",
              "schedule.index")  # fmt: skip
# Values for the path's words that are not ids (an <any(...)> takes its first choice).
WORDS = {"lang": "id", "username": "tamu", "role": "screenshot", "filename": "base.css",
         "kind": "rekomendasi_takedown"}  # fmt: skip
# Pages that show one object: a visible one answers 200 (others change it, or serve files).
SHOW_PAGES = {"findings.show", "evidence.file", "register.show", "takedown.show",
              "takedown.export", "letters.show", "plans.show", "plans.run"}  # fmt: skip


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    config = config_module.load({"PATROLI_DATA_DIR": str(tmp / "var"), "PATH": "/usr/bin:/bin",
                                 "PATROLI_SECRET_KEY": "test-secret"})  # fmt: skip
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        ids = world.build(session, people=True)
        tokens = {p: users.create_token(session, p, actor="test")[1] for p in world.PEOPLE}
        for name in ("l_e_sby", "l_e_mdn"):  # evidence of one listing per UPT
            ids[f"c_{name}"] = _capture(config, session, ids[name])
    app = create_app(config, testing=True)
    app.config["PATROLI_LETTER_PDF"] = False
    yield app, ids, tokens
    engine.dispose()


def _capture(config, session, listing_id: int) -> int:
    folder = config.data_dir / "captures" / str(listing_id)
    folder.mkdir(parents=True)
    (folder / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n bukti")
    (folder / "manifest.json").write_text("{}")
    record = CaptureRecord(f"http://pasar.example/{listing_id}", "browser", 200,
                           datetime(2026, 11, 2, tzinfo=UTC),
                           f"captures/{listing_id}/manifest.json", "ab" * 32,
                           files=[{"role": "screenshot", "path": "shot.png",
                                   "sha256": "cd" * 32, "bytes": 12}])  # fmt: skip
    (capture,) = evidence.record_captures(session, [(record, listing_id)])
    session.flush()
    return capture.id


def _objects(ids: dict[str, int], kind: str) -> list[tuple[str, int]]:
    if kind == "capture":
        return [(n, i) for n, i in ids.items() if n.startswith("c_")]
    return [(n, ids[n]) for n in sorted(world.EVERYTHING) if world.kind(n) == kind]


def _sees(person: str, name: str) -> bool:
    if name.startswith("c_"):  # a capture: as the listing it is evidence of
        name = name[2:]
    return name in world.EXPECTED[person]


def _path(rule, object_id: int = 1) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if isinstance(converter, IntegerConverter):
            values[argument] = object_id
        elif type(converter).__name__ == "AnyConverter":
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = WORDS.get(argument, "x")
    return rule.build(values, append_unknown=False)[1]


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1.") and rule.endpoint not in API_PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _page_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("api_v1", "api") or rule.endpoint in PAGES_PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _least(app, endpoint: str) -> str:
    return getattr(app.view_functions[endpoint], "least_role", "viewer")


def _below(role: str) -> list[str]:
    """The people whose role is lower than `role` (one per role, in any unit)."""
    return [p for p, (r, _) in world.PEOPLE.items() if ROLES.index(r) < ROLES.index(role)]


def _at_least(role: str) -> list[str]:
    return [p for p, (r, _) in world.PEOPLE.items() if ROLES.index(r) >= ROLES.index(role)]


# -- the API ----------------------------------------------------------------------------------


def test_every_api_route_is_in_the_matrix(matrix):
    app, _, _ = matrix
    unknown = sorted({r.endpoint for r, _ in _api_rules(app)} - set(API_ROUTES))
    assert unknown == [], f"add these routes to API_ROUTES in {Path(__file__).name}"
    views = app.view_functions
    missing_roles = sorted(r.endpoint for r, _ in _api_rules(app)
                           if not hasattr(views[r.endpoint], "least_role"))  # fmt: skip
    assert missing_roles == [], "every /api/v1 route takes a bearer token (require_token)"


def test_api_without_a_token_is_401(matrix):
    app, _, _ = matrix
    client = app.test_client()
    answers = {}
    for rule, method in _api_rules(app):
        response = client.open(_path(rule), method=method, json={})
        answers[f"{method} {rule.rule}"] = response.status_code
        assert response.headers.get("WWW-Authenticate") == "Bearer", rule.rule
    assert {k: v for k, v in answers.items() if v != 401} == {}


def test_api_with_too_low_a_role_is_403(matrix):
    app, _, tokens = matrix
    client = app.test_client()
    wrong = {}
    for rule, method in _api_rules(app):
        route = API_ROUTES.get(rule.endpoint, Route())
        for person in _below(_least(app, rule.endpoint)):
            headers = {"Authorization": f"Bearer {tokens[person]}"}
            response = client.open(_path(rule), method=method, json=route.body, headers=headers)
            if response.status_code != 403:
                wrong[f"{person} {method} {rule.rule}"] = response.status_code
    assert wrong == {}


def test_api_objects_of_another_unit_answer_404_as_missing_ones(matrix):
    app, ids, tokens = matrix
    client = app.test_client()
    wrong = {}
    for rule, method in _api_rules(app):
        route = API_ROUTES.get(rule.endpoint, Route())
        if route.kind is None:
            continue
        for person in _at_least(_least(app, rule.endpoint)):
            headers = {"Authorization": f"Bearer {tokens[person]}"}
            for name, object_id in _objects(ids, route.kind):
                visible = _sees(person, name)
                if visible and method != "GET":
                    continue  # changing what one may see is each area's own test
                response = client.open(_path(rule, object_id), method=method, json=route.body,
                                       headers=headers)  # fmt: skip
                response.close()
                expected = route.found if visible else 404
                if response.status_code != expected:
                    wrong[f"{person} {method} {rule.rule} {name}"] = response.status_code
    assert wrong == {}


def test_api_collections_list_only_what_the_caller_sees(matrix):
    app, ids, tokens = matrix
    client = app.test_client()
    collections = [(r, API_ROUTES.get(r.endpoint, Route()).collection) for r, m in _api_rules(app)
                   if m == "GET" and API_ROUTES.get(r.endpoint, Route()).collection]  # fmt: skip
    assert {kind for _, kind in collections} >= {"listing", "entry"}
    for rule, kind in collections:
        for person in _at_least(_least(app, rule.endpoint)):
            headers = {"Authorization": f"Bearer {tokens[person]}"}
            response = client.get(_path(rule), query_string={"limit": 500}, headers=headers)
            assert response.status_code == 200, (person, rule.rule)
            listed = {item["id"] for item in response.json["items"]}
            expected = {i for n, i in _objects(ids, kind) if _sees(person, n)}
            assert listed == expected, (person, rule.rule)


def test_an_unknown_token_is_401_and_a_viewer_decides_nothing(matrix):
    app, ids, tokens = matrix
    client = app.test_client()
    bad = client.get("/api/v1/listings", headers={"Authorization": "Bearer bukan-token"})
    assert bad.status_code == 401
    body = {"listing_ids": [ids["l_free"]], "decision": "takedown"}
    refused = client.post("/api/v1/register", json=body,
                          headers={"Authorization": f"Bearer {tokens['tamu_sby']}"})  # fmt: skip
    assert refused.status_code == 403


# -- the UI -----------------------------------------------------------------------------------


def _csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _logged_in(app, person: str):
    client = app.test_client()
    response = client.post("/login", data={"username": person, "password": world.PASSWORD,
                                           "csrf_token": _csrf(client)})  # fmt: skip
    assert response.status_code == 302, person
    return client


@pytest.fixture(scope="module")
def clients(matrix):
    app, _, _ = matrix
    return {person: _logged_in(app, person) for person in world.PEOPLE}


def test_every_page_with_an_object_id_is_in_the_matrix(matrix):
    app, _, _ = matrix
    with_ids = {r.endpoint for r, _ in _page_rules(app)
                if any(isinstance(r._converters[a], IntegerConverter)
                       for a in r.arguments)}  # fmt: skip
    assert sorted(with_ids - set(PAGE_OBJECTS)) == [], f"add to PAGE_OBJECTS in {__file__}"


def test_anonymous_pages_go_to_the_login_page(matrix):
    app, _, _ = matrix
    client = app.test_client()
    token = _csrf(client)
    wrong = {}
    for rule, method in _page_rules(app):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(_path(rule), method=method, data=data)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login"):
            wrong[f"{method} {rule.rule}"] = (response.status_code, location)
    assert wrong == {}


def test_pages_refuse_too_low_a_role_with_403(matrix, clients):
    app, _, _ = matrix
    wrong = {}
    for rule, method in _page_rules(app):
        for person in _below(_least(app, rule.endpoint)):
            client = clients[person]
            data = {"csrf_token": _csrf(client)} if method == "POST" else None
            response = client.open(_path(rule), method=method, data=data)
            if response.status_code != 403:
                wrong[f"{person} {method} {rule.rule}"] = response.status_code
    assert wrong == {}


def test_pages_of_another_units_object_answer_404(matrix, clients):
    app, ids, _ = matrix
    wrong = {}
    for rule, method in _page_rules(app):
        kind = PAGE_OBJECTS.get(rule.endpoint)
        if kind is None:
            continue
        for person in _at_least(_least(app, rule.endpoint)):
            client = clients[person]
            for name, object_id in _objects(ids, kind):
                visible = _sees(person, name)
                if visible and rule.endpoint not in SHOW_PAGES:
                    continue  # changing what one may see is each area's own test
                data = {"csrf_token": _csrf(client)} if method == "POST" else None
                response = client.open(_path(rule, object_id), method=method, data=data)
                page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                response.close()  # a file sent is a file opened
                expected = 200 if visible else 404
                if response.status_code != expected:
                    wrong[f"{person} {method} {rule.rule} {name}"] = response.status_code
                leaked = sorted(m for m in _hidden_from(person) if m in page)
                if leaked:  # the page of a visible object shows nothing the person may not see
                    wrong[f"{person} {method} {rule.rule} {name} shows"] = leaked
    assert wrong == {}


def _hidden_from(person: str) -> set[str]:
    allowed = world.shown_with(world.EXPECTED[person])
    return {world.marker(n) for n in world.EVERYTHING - allowed}


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_lists_never_show_another_units_objects(matrix, clients, person):
    app, _, _ = matrix
    hidden = _hidden_from(person)
    shown = {}
    for endpoint in PAGE_LISTS:
        if endpoint not in app.view_functions or ROLES.index(world.PEOPLE[person][0]) < (
            ROLES.index(_least(app, endpoint))
        ):
            continue
        page = clients[person].get(_path(_rule(app, endpoint))).get_data(as_text=True)
        leaked = sorted(m for m in hidden if m in page)
        if leaked:
            shown[endpoint] = leaked
    assert shown == {}


def test_an_upt_officer_finds_its_own_listings_in_the_queue(matrix, clients):
    page = clients["petugas_sby"].get("/").get_data(as_text=True)
    assert world.marker("l_run_sby") in page
    assert world.marker("l_run_mdn") not in page


def _rule(app, endpoint: str):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


# -- CSRF -------------------------------------------------------------------------------------


def test_every_ui_post_without_its_csrf_token_is_refused(matrix, clients):
    app, ids, _ = matrix
    client = clients["admin"]  # the right credentials: only the token is missing
    posts = [r for r, m in _page_rules(app) if m == "POST"] + [_rule(app, "i18n.switch")]
    assert len(posts) > 5
    wrong = {}
    for rule in posts:
        kind = PAGE_OBJECTS.get(rule.endpoint)
        object_id = _objects(ids, kind)[0][1] if kind else 1
        response = client.post(_path(rule, object_id), data={"decision": "takedown"})
        if response.status_code != 400 or "CSRF" not in response.get_data(as_text=True):
            wrong[rule.rule] = response.status_code
    assert wrong == {}


def test_login_without_a_csrf_token_logs_nobody_in(matrix):
    app, _, _ = matrix
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": world.PASSWORD})
    assert client.get("/").status_code == 302


def test_nobody_revokes_another_persons_token(matrix, clients):
    app, _, tokens = matrix
    client = app.test_client()
    mine = {"Authorization": f"Bearer {tokens['petugas_mdn']}"}
    theirs = {"Authorization": f"Bearer {tokens['petugas_sby']}"}
    (token,) = client.get("/api/v1/tokens", headers=mine).json["items"]
    missing = client.delete("/api/v1/tokens/999999", headers=theirs)
    refused = client.delete(f"/api/v1/tokens/{token['id']}", headers=theirs)
    # another person's token answers as a missing one, word for word but the id
    assert (refused.status_code, missing.status_code) == (404, 404)
    assert refused.json["error"]["message"] == f"no API token {token['id']}"
    assert missing.json["error"]["message"] == "no API token 999999"
    page = clients["petugas_sby"]
    answer = page.post(f"/tokens/{token['id']}/revoke", data={"csrf_token": _csrf(page)})
    assert answer.status_code == 404
    assert client.get("/api/v1/listings", headers=mine).status_code == 200
