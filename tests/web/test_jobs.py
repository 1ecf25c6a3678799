"""Background jobs in the web app over a real SQLite casebook: queuing through the API (who may,
what is refused), the job's JSON and page for whom may see it, and the progress partial polling
in real headless Chromium until the job ends."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casebook.models import Job
from casebook.services import jobs, listings, rechecks, register, takedown, users
from casebook.services.access import Scope
from casebook.services.listings import ListingRecord
from casebook.services.rechecks import RecheckResult
from rules.model import Verdict
from web import create_app

UPT = "UPT BPOM di Surabaya"
HOSTILE = '<img src=x onerror="window.__ran=1">'
JOB_KEYS = {"id", "kind", "args", "status", "requested_by", "requested_at", "started_at",
            "finished_at", "error", "result", "progress"}  # fmt: skip
PEOPLE = [("analis", "analyst", ""), ("petugas", "upt_officer", UPT), ("tamu", "viewer", "")]


@pytest.fixture
def app(config, sessions):
    records = [ListingRecord(url=f"http://pasarku.example/p/{n}", platform="pasarku",
                             title=f"Produk {n}") for n in range(3)]  # fmt: skip
    with sessions() as session, session.begin():
        for name, role, unit in PEOPLE:
            users.create_user(session, name, f"rahasia-{name}", role, actor="test", unit=unit)
        found = listings.record_listings(
            session, [(r, Verdict(r.url, (), None, (), "v1")) for r in records]
        ).listing_ids
        ids = [found[r.url] for r in records]
        entries = register.decide(session, ids[:2], "takedown", reason="r", actor="analis")
        national = takedown.build_list(session, [entries[0].id], actor="analis",
                                       kind_of=lambda p, u: "marketplace")  # fmt: skip
        of_upt = takedown.build_list(session, [entries[1].id], actor="petugas", unit=UPT,
                                     kind_of=lambda p, u: "marketplace")  # fmt: skip
    app = create_app(config, testing=True)
    app.config["PATROLI_WOKEN"] = woken = []

    def waker(job_id: int) -> None:
        # The runner reads the job from its own connection: it must be committed by now.
        with sessions() as session:
            woken.append((job_id, session.get(Job, job_id).status))

    app.config["PATROLI_JOB_WAKER"] = waker
    app.config["SEED"] = {"listings": ids, "national": national.id, "of_upt": of_upt.id}
    return app


@pytest.fixture
def api(app, sessions):
    with sessions() as session, session.begin():
        tokens = {name: users.create_token(session, name, actor="test")[1] for name, _, _ in PEOPLE}
    client = app.test_client()

    def call(method, path, who="analis", **kwargs):
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == {"error"}
    return response.json["error"]["message"]


@pytest.mark.parametrize("who", ["analis", "petugas"])
def test_verify_answers_202_with_the_list_and_wakes_a_runner(app, api, who):
    list_id = app.config["SEED"]["national" if who == "analis" else "of_upt"]
    answer = api("POST", f"/takedown-lists/{list_id}/verify", who=who)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job_id = answer.json["job"]["id"]
    assert answer.headers["Location"] == answer.json["job"]["url"] == f"/api/v1/jobs/{job_id}"
    assert (answer.json["id"], answer.json["status"]) == (list_id, "draft")
    assert [link["link_status"] for link in answer.json["links"]] == ["unknown"]
    assert app.config["PATROLI_WOKEN"] == [(job_id, "queued")]
    shown = api("GET", f"/jobs/{job_id}", who=who).json
    assert (shown["kind"], shown["args"], shown["status"]) == (
        "verify_list", {"list_id": list_id}, "queued")  # fmt: skip
    assert shown["requested_by"] == who and shown["progress"]["total"] == 1


def test_recheck_answers_each_listings_status_now(app, api, sessions):
    a, b, _ = app.config["SEED"]["listings"]
    with sessions() as session, session.begin():
        rechecks.record_rechecks(session, [RecheckResult(b, "nonactive", "HTTP 404")])
    answer = api("POST", "/recheck", json={"listing_ids": [b, a, b]})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert answer.json["items"] == [{"listing_id": b, "status": "nonactive"},
                                    {"listing_id": a, "status": "active"}]  # fmt: skip
    assert answer.headers["Location"] == f"/api/v1/jobs/{answer.json['job']['id']}"


@pytest.mark.parametrize(
    "who, method, path, body, status, message",
    [
        ("tamu", "POST", "/takedown-lists/{national}/verify", None, 403, "upt_officer"),
        (None, "POST", "/recheck", {"listing_ids": [1]}, 401, "Bearer"),
        ("analis", "POST", "/takedown-lists/999/verify", None, 404, "no takedown list 999"),
        # another unit's list answers as a missing one
        ("petugas", "POST", "/takedown-lists/{national}/verify", None, 404,
         "no takedown list {national}"),
        ("analis", "POST", "/recheck", {"listing_ids": ["{a}", 998, 999]}, 404,
         "no listing 998, 999"),
        ("petugas", "POST", "/recheck", {"listing_ids": ["{a}"]}, 404, "no listing {a}"),
        ("analis", "POST", "/recheck", {"listing_ids": list(range(1, 502))}, 422,
         "at most 500, not 501"),
        ("analis", "POST", "/recheck", {"listing_ids": []}, 422, "non-empty list"),
        ("analis", "POST", "/recheck", {"listing_ids": [True]}, 422, "non-empty list"),
        ("analis", "POST", "/recheck", [1], 400, "JSON object"),
        ("analis", "GET", "/jobs/999", None, 404, "no job 999"),
    ],
)  # fmt: skip
def test_refusals_are_json_errors_and_queue_nothing(app, api, sessions, who, method, path, body,
                                                    status, message):  # fmt: skip
    seed = {"national": app.config["SEED"]["national"], "a": app.config["SEED"]["listings"][0]}
    if isinstance(body, dict):
        body = {k: [int(i.format(**seed)) if isinstance(i, str) else i for i in v]
                for k, v in body.items()}  # fmt: skip
    answer = api(method, path.format(**seed), who=who, json=body)
    assert message.format(**seed) in _error(answer, status)
    with sessions() as session:
        assert session.scalars(select(Job)).all() == []
    assert app.config["PATROLI_WOKEN"] == []


def _job_of(app, sessions, who: str) -> int:
    unit = dict((n, u) for n, _, u in PEOPLE)[who]
    scope = Scope(who, dict((n, r) for n, r, _ in PEOPLE)[who], unit)
    with sessions() as session, session.begin():
        ids = app.config["SEED"]["listings"][:1] if not unit else None
        args = {"listing_ids": ids} if ids else {"list_id": app.config["SEED"]["of_upt"]}
        kind = "recheck" if ids else "verify_list"
        return jobs.enqueue(session, kind, args, who, scope=scope).id


@pytest.mark.parametrize(
    "owner, reader, status",
    [("petugas", "petugas", 200), ("petugas", "analis", 200), ("petugas", "tamu", 404),
     ("analis", "petugas", 404), ("tamu", "tamu", 200)],  # not the unit's listings
)  # fmt: skip
def test_a_job_is_seen_by_who_asked_and_by_analysts(app, api, sessions, owner, reader, status):
    job_id = _job_of(app, sessions, owner)
    assert api("GET", f"/jobs/{job_id}", who=reader).status_code == status
    client = app.test_client()
    _login(client, reader)
    assert client.get(f"/jobs/{job_id}.json").status_code == status
    assert client.get(f"/jobs/{job_id}").status_code == status


def _login(client, username: str):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    done = client.post("/login", data={"username": username, "password": f"rahasia-{username}",
                                       "csrf_token": token.decode()})  # fmt: skip
    assert done.status_code == 302


def test_the_job_json_and_page(app, sessions):
    job_id = _job_of(app, sessions, "analis")
    client = app.test_client()
    assert client.get(f"/jobs/{job_id}.json").status_code == 302  # to the login page
    _login(client, "analis")
    answer = client.get(f"/jobs/{job_id}.json")
    assert answer.headers["Cache-Control"] == "no-store"
    assert set(answer.json) == JOB_KEYS
    assert answer.json["progress"] == {"done": 0, "total": 1, "active": 0, "nonactive": 0,
                                       "unknown": 0}  # fmt: skip
    assert client.get("/jobs/999.json").status_code == 404
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'data-job-url="/jobs/{job_id}.json"' in page and "<progress>" in page
    assert 'data-reload="1"' in page and 'data-active="1"' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/jobs.js" defer>']


# -- in a real browser -------------------------------------------------------------------------


@pytest.fixture
def browser(app, serve_app, chromium):
    base = serve_app(app)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "rahasia-analis")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    yield base, page
    context.close()


@pytest.mark.browser
def test_the_progress_bar_follows_the_job_and_reloads_when_done(app, sessions, browser):
    base, page = browser
    a = app.config["SEED"]["listings"][0]
    job_id = _job_of(app, sessions, "analis")
    page.goto(f"{base}/jobs/{job_id}")
    text = page.locator(".job-progress .job-text")
    text.filter(has_text="Pekerjaan menunggu: 0 dari 1").wait_for()
    with sessions() as session, session.begin():
        jobs.claim(session, job_id, 1)  # pid 1 lives: the job stays running
    text.filter(has_text="Pekerjaan berjalan: 0 dari 1").wait_for()
    page.evaluate("window.__before_reload = 1")
    with sessions() as session, session.begin():
        rechecks.record_rechecks(session, [RecheckResult(a, "nonactive", "HTTP 404")])
        jobs.finish(session, job_id, jobs.summary(session, jobs.get(session, job_id)))
    page.wait_for_function("() => window.__before_reload === undefined")  # reloaded
    text.filter(has_text="Pekerjaan selesai: 1 dari 1").wait_for()
    assert page.locator("#job-verdicts dd").all_inner_texts() == ["0", "1", "0"]
    assert page.evaluate("document.querySelector('progress').value") == 1


@pytest.mark.browser
def test_a_failed_jobs_error_shows_as_text(app, sessions, browser):
    base, page = browser
    job_id = _job_of(app, sessions, "analis")
    with sessions() as session, session.begin():
        jobs.claim(session, job_id, 1)
        jobs.fail(session, job_id, f"no takedown list {HOSTILE}")
    page.goto(f"{base}/jobs/{job_id}")
    text = page.locator(".job-progress .job-text")
    text.filter(has_text="Pekerjaan gagal").wait_for()
    assert text.inner_text() == f"Pekerjaan gagal: 0 dari 1 — no takedown list {HOSTILE}"
    assert page.locator(".job-progress img, .facts img").count() == 0
    assert page.evaluate("window.__ran") is None
