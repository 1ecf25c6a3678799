"""What the access matrix does not reach: figures (monitoring, the findings summary) counted
under the caller's access, jobs of another unit's work, sharing from the UI and the API, and
ids too big for a database integer. The casebook is tests/access_world.py's: three units, three
classifications, and who must see what."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import Job
from casebook.services import access, users
from web import create_app

_spec = importlib.util.spec_from_file_location(
    "access_world", Path(__file__).parents[1] / "access_world.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

MAX_ID = 2**63 - 1


@pytest.fixture(scope="module")
def gaps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gaps")
    config = config_module.load({"PATROLI_DATA_DIR": str(tmp / "var"), "PATH": "/usr/bin:/bin",
                                 "PATROLI_SECRET_KEY": "test-secret"})  # fmt: skip
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        ids = world.build(session, people=True)
        tokens = {p: users.create_token(session, p, actor="test")[1] for p in world.PEOPLE}
    app = create_app(config, testing=True)
    app.config["PATROLI_LETTER_PDF"] = False
    yield app, ids, tokens, sessions
    engine.dispose()


def _csrf(client, page: str = "/login") -> str:
    text = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text).group(1)


def _logged_in(app, person: str):
    client = app.test_client()
    answer = client.post("/login", data={"username": person, "password": world.PASSWORD,
                                         "csrf_token": _csrf(client)})  # fmt: skip
    assert answer.status_code == 302, person
    return client


def _api(app, tokens, person: str, method: str, path: str, **kwargs):
    headers = {"Authorization": f"Bearer {tokens[person]}"}
    return app.test_client().open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


# -- ids beyond a database integer ------------------------------------------------------------


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)]
        if ints:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, ints


def _built(rule, ints, value: int) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if argument in ints:
            values[argument] = 1
        elif hasattr(converter, "items"):  # <any(...)>: its first choice
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = "x"
    path = rule.build(values, append_unknown=False)[1]
    # build() refuses a huge value itself, so the id is put in by hand: each int argument once
    return re.sub(r"/1(?=/|\.|$)", f"/{value}", path, count=len(ints))


@pytest.mark.parametrize("value", [MAX_ID + 1, 2**64, 10**30])
def test_an_id_beyond_a_database_integer_is_404_on_every_route(gaps, value):
    app, _, tokens, _ = gaps
    page = _logged_in(app, "admin")
    token = _csrf(page, "/")
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    rules = list(_int_rules(app))
    assert len(rules) > 20
    wrong = {}
    for rule, method, ints in rules:
        path = _built(rule, ints, value)
        assert str(value) in path, rule.rule
        api = rule.rule.startswith("/api/v1/")
        data = None if api or method == "GET" else {"csrf_token": token}
        answer = (app.test_client() if api else page).open(
            path, method=method, headers=headers if api else {}, data=data,
            json={} if api and method != "GET" else None,
        )  # fmt: skip
        body = answer.get_json(silent=True) or {}
        answer.close()
        if answer.status_code != 404 or (api and body.get("error", {}).get("code") != "not_found"):
            wrong[f"{method} {path}"] = (answer.status_code, body)
    assert wrong == {}


def test_the_largest_database_integer_is_an_id_like_any_other(gaps):
    """The hard negative: 2^63-1 still reaches the view, which answers it as a missing object."""
    app, _, tokens, _ = gaps
    page = _logged_in(app, "admin")
    wrong = {}
    for rule, method, ints in _int_rules(app):
        if method != "GET":
            continue
        path = _built(rule, ints, MAX_ID)
        api = rule.rule.startswith("/api/v1/")
        headers = {"Authorization": f"Bearer {tokens['admin']}"} if api else {}
        answer = (app.test_client() if api else page).get(path, headers=headers)
        text = answer.get_data(as_text=True) if answer.mimetype != "application/pdf" else ""
        answer.close()
        moved = rule.endpoint.startswith("api.")  # the old /api: a redirect to /api/v1
        if answer.status_code != (308 if moved else 404) or (api and "no endpoint" in text):
            wrong[path] = (answer.status_code, text[:100] if api else "")
    assert wrong == {}


# -- jobs -------------------------------------------------------------------------------------

# name -> (kind, the names of its work, who asked for it)
JOBS = {
    "j_t_sby": ("verify_list", ["t_sby"], "petugas_sby"),
    "j_t_siber": ("verify_list", ["t_siber"], "analis"),
    "j_p_mdn": ("crawl_plan", ["p_mdn"], "petugas_mdn"),
    "j_sby_listings": ("recheck", ["l_e_sby", "l_run_sby"], "analis"),
    "j_two_units": ("recheck", ["l_e_sby", "l_e_mdn"], "admin"),  # nobody's unit sees both
}
ARG = {"verify_list": "list_id", "crawl_plan": "plan_id", "recheck": "listing_ids"}


@pytest.fixture(scope="module")
def job_ids(gaps):
    _, ids, _, sessions = gaps
    made = {}
    with sessions() as session, session.begin():
        for name, (kind, work, who) in JOBS.items():
            value = [ids[w] for w in work] if kind == "recheck" else ids[work[0]]
            job = Job(kind=kind, args={ARG[kind]: value}, status="queued", requested_by=who,
                      requested_at=world.NOW)  # fmt: skip
            session.add(job)
            session.flush()
            made[name] = job.id
    return made


def _sees_job(person: str, name: str) -> bool:
    _, work, who = JOBS[name]
    national = world.PEOPLE[person][0] in ("analyst", "admin")
    return national or who == person or set(work) <= world.EXPECTED[person]


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_a_job_is_seen_with_its_work_and_else_answers_404(gaps, job_ids, person):
    app, _, tokens, _ = gaps
    page = _logged_in(app, person)
    wrong = {}
    for name, job_id in job_ids.items():
        expected = 200 if _sees_job(person, name) else 404
        answers = {
            "api": _api(app, tokens, person, "GET", f"/jobs/{job_id}").status_code,
            "json": page.get(f"/jobs/{job_id}.json").status_code,
            "page": page.get(f"/jobs/{job_id}").status_code,
        }
        wrong.update({f"{name} {k}": v for k, v in answers.items() if v != expected})
    assert wrong == {}
    missing = _api(app, tokens, person, "GET", "/jobs/999999")
    hidden = [job_ids[n] for n in JOBS if not _sees_job(person, n)]
    for job_id in hidden[:1]:  # word for word as a missing job
        refused = _api(app, tokens, person, "GET", f"/jobs/{job_id}").json
        assert refused["error"]["message"] == f"no job {job_id}"
        assert missing.json["error"]["message"] == "no job 999999"


def test_the_jobs_matrix_has_both_answers():
    """The table above holds hard negatives: an UPT officer sees its unit's jobs, not another's."""
    assert _sees_job("petugas_sby", "j_t_sby") and _sees_job("petugas_sby", "j_sby_listings")
    assert not _sees_job("petugas_sby", "j_p_mdn") and not _sees_job("petugas_mdn", "j_t_sby")
    assert not _sees_job("petugas_sby", "j_two_units") and not _sees_job("tamu", "j_t_sby")
    assert _sees_job("tamu", "j_t_siber") and not _sees_job("reviu_was", "j_t_siber")


# -- figures: monitoring and the findings summary ---------------------------------------------


def _count(person: str, kind: str) -> int:
    return sum(1 for n in world.EXPECTED[person] if world.kind(n) == kind)


def test_the_figures_tables_hold_both_answers():
    """Each list carries one link: a person's figures are the lists and listings they see."""
    counts = {p: (_count(p, "list"), _count(p, "listing")) for p in world.PEOPLE}
    assert counts["admin"] == (4, 12) and counts["petugas_sby"] == (2, 7)
    assert counts["petugas_mdn"] == (1, 3) and counts["reviu_was"] == (0, 0)


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_monitoring_counts_the_links_of_the_lists_one_sees(gaps, person):
    app, _, tokens, _ = gaps
    expected = _count(person, "list")
    answer = _api(app, tokens, person, "GET", "/monitoring")
    assert answer.status_code == 200
    assert sum(row["listed"] for row in answer.json["by_platform"]) == expected
    assert sum(row["listed"] for row in answer.json["by_recipient"]) == expected
    page = _logged_in(app, person).get("/monitoring/").get_data(as_text=True)
    overall = re.search(r'id="overall">\s*<div class="figure"><span class="n">(\d+)<', page)
    assert int(overall.group(1)) == expected


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_the_summary_counts_the_listings_one_reads(gaps, person):
    app, _, tokens, _ = gaps
    expected = _count(person, "listing")
    answer = _api(app, tokens, person, "GET", "/summary").json
    assert (answer["listings"], answer["with_hits"]) == (expected, expected)
    assert answer["by_platform"] == ({"pasarku": expected} if expected else {})
    assert answer["by_code"] == ({"no_nie": expected} if expected else {})


# -- sharing from the UI and the API ----------------------------------------------------------

NOBODYS_UNIT = "UPT BPOM Makassar"  # no person of the world: sharing with it changes no view
SHARERS = [
    p for p, (role, _) in world.PEOPLE.items() if role in ("upt_officer", "analyst", "admin")
]


def _may_share(person: str, name: str) -> int:
    """The API's answer to `person` sharing `name`: 201, 403 (not its unit's) or 404 (unseen)."""
    role, unit = world.PEOPLE[person]
    if name not in world.EXPECTED[person]:
        return 404
    owner = (world.ENTRIES.get(name) or world.LISTS.get(name))[0]
    national = role in ("analyst", "admin")
    return 201 if national or access.home_unit(unit) == owner else 403


def test_the_sharing_table_holds_every_answer():
    answers = {_may_share(p, n) for p in SHARERS for n in [*world.ENTRIES, *world.LISTS]}
    assert answers == {201, 403, 404}
    assert _may_share("petugas_sby", "e_siber_to_sby") == 403  # shared with it, not its own
    assert _may_share("petugas_sby", "t_sby") == 201 and _may_share("petugas_mdn", "t_sby") == 404


@pytest.mark.parametrize("person", SHARERS)
def test_the_api_shares_what_one_may_and_takes_it_back(gaps, person):
    app, ids, tokens, _ = gaps
    wrong = {}
    for name in [*world.ENTRIES, *world.LISTS]:
        body = {"kind": world.kind(name), "id": ids[name], "unit": NOBODYS_UNIT}
        made = _api(app, tokens, person, "POST", "/shares", json=body)
        expected = _may_share(person, name)
        if made.status_code != expected:
            wrong[f"share {name}"] = made.status_code
        if made.status_code != 201:
            continue
        assert made.json["unit"] == NOBODYS_UNIT and made.json["shared_by"] == person
        again = _api(app, tokens, person, "POST", "/shares", json=body)
        gone = _api(app, tokens, person, "DELETE", "/shares", json=body)
        twice = _api(app, tokens, person, "DELETE", "/shares", json=body)
        if (again.status_code, gone.status_code, twice.status_code) != (200, 200, 404):
            wrong[f"again/unshare {name}"] = (
                again.status_code,
                gone.status_code,
                twice.status_code,
            )
    assert wrong == {}


@pytest.mark.parametrize(
    "body, message",
    [
        ({"kind": "run", "id": 1, "unit": "UPT X"}, "kind: one of"),
        ({"kind": "list", "id": "1", "unit": "UPT X"}, "id: a whole number"),
        ({"kind": "list", "id": MAX_ID + 1, "unit": "UPT X"}, "id: a whole number"),
        ({"kind": "list", "id": 1, "unit": "  "}, "unit: a unit's name"),
        ({"kind": "list", "id": 1}, "unit: a string"),
    ],
)
def test_a_bad_share_is_named(gaps, body, message):
    app, _, tokens, _ = gaps
    answer = _api(app, tokens, "admin", "POST", "/shares", json=body)
    assert answer.status_code == 422 and message in answer.json["error"]["message"]


def _form(page, path: str) -> str:
    text = page.get(path).get_data(as_text=True)
    found = re.search(r'<form method="post" action="([^"]+/share)" class="share-form">', text)
    return found.group(1) if found else ""


def test_a_list_shared_from_its_page_is_seen_by_that_unit_until_taken_back(gaps):
    app, ids, _, _ = gaps
    path = f"/takedown/{ids['t_mdn']}"
    medan, surabaya = _logged_in(app, "petugas_mdn"), _logged_in(app, "petugas_sby")
    assert surabaya.get(path).status_code == 404
    action = _form(medan, path)
    assert action == f"{path}/share"  # its own unit's list: the form is offered
    try:
        done = medan.post(action, data={"csrf_token": _csrf(medan, path), "unit": world.SBY})
        assert done.status_code == 303
        assert f"Dibagikan ke {world.SBY}." in medan.get(path).get_data(as_text=True)
        shown = surabaya.get(path)
        assert shown.status_code == 200 and world.marker("t_mdn") in shown.get_data(as_text=True)
        assert _form(surabaya, path) == ""  # shared with Surabaya, not Surabaya's to share
        refused = surabaya.post(action, data={"csrf_token": _csrf(surabaya, path),
                                              "unit": "UPT BPOM Makassar"})  # fmt: skip
        assert refused.status_code == 303
        assert "Tidak dibagikan" in surabaya.get(path).get_data(as_text=True)
    finally:
        medan.post(action, data={"csrf_token": _csrf(medan, path), "unit": world.SBY,
                                 "action": "unshare"})  # fmt: skip
    assert surabaya.get(path).status_code == 404
    assert "Belum dibagikan ke unit lain." in medan.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    "person, name, offered",
    [("petugas_sby", "e_sby", True), ("analis", "e_mdn", True), ("admin", "e_siber", True),
     ("petugas_sby", "e_siber_to_sby", False), ("tamu_sby", "e_sby", False),
     ("tamu", "e_siber", False)],
)  # fmt: skip
def test_the_entry_page_offers_the_form_to_who_may_share(gaps, person, name, offered):
    app, ids, _, _ = gaps
    path = f"/register/{ids[name]}"
    page = _logged_in(app, person)
    assert bool(_form(page, path)) == offered
    if name == "e_siber_to_sby":  # the units it is shared with are listed for its readers
        assert f'data-unit="{world.SBY}"' in page.get(path).get_data(as_text=True)


def test_sharing_in_a_real_browser(gaps, chromium, serve_app):
    """The form works under the page's CSP in Chromium: share, see it listed, take it back."""
    app, ids, _, _ = gaps
    base = serve_app(app)
    context = chromium.new_context()
    page = context.new_page()
    problems = []
    page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else None)
    try:
        page.goto(base + "/login")
        page.fill("input[name=username]", "petugas_mdn")
        page.fill("input[name=password]", world.PASSWORD)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        page.goto(f"{base}/takedown/{ids['t_mdn']}")
        page.fill(".share-form input[name=unit]", world.SBY)
        with page.expect_navigation():
            page.click(".share-form button")
        assert page.locator(f'.share[data-unit="{world.SBY}"]').count() == 1
        with page.expect_navigation():
            page.click(f'.share[data-unit="{world.SBY}"] button')
        assert page.locator(".share").count() == 0
        assert page.locator(".sharing").get_by_text("Belum dibagikan ke unit lain.").count() == 1
    finally:
        context.close()
    assert [p for p in problems if not p.endswith("/favicon.ico")] == []
