"""The schedule page (in headless Chromium) and GET /api/v1/schedule/runs: each scheduled plan
with its cron and next firings, the run history with its job and crawl runs; scoped like the
plans — an UPT sees its own plan's runs only, a viewer of Dit. Siber no re-checks, another unit
nothing of either."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casebook.models import ScheduledRun
from casebook.services import plans, users
from tests.web.conftest import PLAN, SURABAYA

DUE = datetime(2026, 11, 9, 23, 0, tzinfo=UTC)  # 06:00 WIB on 10 November 2026
JAYAPURA = "Balai POM di Jayapura"


@pytest.fixture(scope="module")
def scheduled(shared):
    """`shared` with both plans active on a schedule, and a run of each plus a re-check."""
    ids = shared.ids
    with shared.sessions() as session, session.begin():
        for name, unit in (("Patroli Lebaran", "Dit. Siber"), ("Patroli Surabaya", SURABAYA)):
            plans.save_plan(session, name, **PLAN, unit=unit, schedule="0 6 * * *", actor="analis")
            plans.set_status(session, ids[name], "approved", actor="analis")
            plans.set_status(session, ids[name], "active", actor="analis")
        users.create_user(session, "jayapura", "sandi-jayapura-1", "viewer", unit=JAYAPURA,
                          actor="test")  # fmt: skip
        shared.tokens["jayapura"] = users.create_token(session, "jayapura", actor="test")[1]
        rows = {
            "siber": ScheduledRun(key=f"plan:{ids['Patroli Lebaran']}", kind="crawl_plan",
                                  plan_id=ids["Patroli Lebaran"], schedule="0 6 * * *", due_at=DUE,
                                  missed=2, started_at=DUE, finished_at=DUE, status="done",
                                  result={"crawl_runs": [ids["run"]]}),
            "surabaya": ScheduledRun(key=f"plan:{ids['Patroli Surabaya']}", kind="crawl_plan",
                                     plan_id=ids["Patroli Surabaya"], schedule="0 6 * * *",
                                     due_at=DUE, started_at=DUE, finished_at=DUE,
                                     status="skipped", reason="the run for 09-11 is still going"),
            "recheck": ScheduledRun(key="recheck", kind="recheck", schedule="0 6 * * *",
                                    due_at=DUE, started_at=DUE, status="running"),
        }  # fmt: skip
        session.add_all(rows.values())
        session.flush()
        for name, row in rows.items():
            ids[f"scheduled_{name}"] = row.id
    return shared


def _seen(answer, ids: dict[str, int]) -> set[str]:
    names = {v: k.removeprefix("scheduled_") for k, v in ids.items() if k.startswith("scheduled_")}
    return {names[item["id"]] for item in answer.json["items"]}


@pytest.mark.parametrize(
    "who, query, seen",
    [
        ("analis", "", {"siber", "surabaya", "recheck"}),
        ("analis", "?status=done", {"siber"}),
        ("analis", "?plan_id={Patroli Surabaya}", {"surabaya"}),
        ("tamu", "", {"siber"}),  # Dit. Siber's viewer: its plans' runs, no re-checks
        ("upt", "", {"surabaya"}),
        ("upt", "?plan_id={Patroli Lebaran}", set()),
        ("jayapura", "", set()),  # another UPT's viewer
    ],
)
def test_the_api_answers_the_runs_the_caller_may_see(scheduled, who, query, seen):
    answer = scheduled.call("GET", "/schedule/runs" + query.format(**scheduled.ids), who=who)
    assert answer.status_code == 200, answer.json
    assert _seen(answer, scheduled.ids) == seen
    assert answer.json["next_cursor"] is None


def test_the_api_shape_and_its_pages(scheduled):
    ids = scheduled.ids
    first = scheduled.call("GET", "/schedule/runs?limit=1")
    assert first.json["items"] == [{
        "id": ids["scheduled_siber"], "key": f"plan:{ids['Patroli Lebaran']}",
        "kind": "crawl_plan", "plan_id": ids["Patroli Lebaran"], "schedule": "0 6 * * *",
        "due_at": "2026-11-09T23:00:00Z", "missed": 2, "status": "done",
        "started_at": "2026-11-09T23:00:00Z", "finished_at": "2026-11-09T23:00:00Z",
        "reason": "", "job_id": None, "crawl_run_ids": [ids["run"]],
    }]  # fmt: skip
    rest = scheduled.call("GET", f"/schedule/runs?cursor={first.json['next_cursor']}")
    assert [i["id"] for i in rest.json["items"]] == [ids["scheduled_surabaya"],
                                                     ids["scheduled_recheck"]]  # fmt: skip


@pytest.mark.parametrize(
    "who, query, status",
    [
        (None, "", 401),
        ("analis", "?status=finished", 400),
        ("analis", "?plan_id=x", 400),
        ("analis", "?limit=0", 400),
        ("analis", "?cursor=%%%", 400),
    ],
)
def test_the_api_refuses_bad_requests(scheduled, who, query, status):
    answer = scheduled.call("GET", "/schedule/runs" + query, who=who)
    assert answer.status_code == status
    assert set(answer.json["error"]) == {"code", "message"}


def _login(client, username: str):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    form = {"username": username, "password": f"sandi-{username}-1"}
    if token:
        form["csrf_token"] = token.group(1).decode()
    client.post("/login", data=form)
    return client


@pytest.mark.parametrize(
    "who, shown, hidden",
    [
        ("analis", ["Patroli Lebaran", "Patroli Surabaya", "scheduled-recheck"], []),
        ("upt", ["Patroli Surabaya", "the run for 09-11 is still going"],
         ["Patroli Lebaran", "scheduled-recheck"]),
        ("jayapura", ["Belum ada rencana aktif yang terjadwal."],
         ["Patroli Lebaran", "Patroli Surabaya", "scheduled-recheck"]),
    ],
)  # fmt: skip
def test_the_page_shows_each_unit_its_own(scheduled, who, shown, hidden):
    with scheduled.app.test_client() as client:
        body = _login(client, who).get("/schedule").get_data(as_text=True)
    for text in shown:
        assert text in body, text
    for text in hidden:
        assert text not in body, text


def test_a_plans_page_shows_its_scheduled_runs(scheduled):
    ids = scheduled.ids
    with scheduled.app.test_client() as client:
        body = _login(client, "analis").get(f"/plans/{ids['Patroli Lebaran']}").get_data(
            as_text=True)  # fmt: skip
    assert f'id="scheduled-run-{ids["scheduled_siber"]}"' in body
    assert f'id="scheduled-run-{ids["scheduled_surabaya"]}"' not in body


@pytest.fixture(scope="module")
def page(scheduled, serve_app, chromium) -> Iterator:
    base = serve_app(scheduled.app)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "sandi-analis-1")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.base = base
    yield page
    context.close()


@pytest.mark.browser
def test_the_schedule_page_in_a_browser(scheduled, page):
    ids = scheduled.ids
    answer = page.goto(page.base + "/schedule")
    assert answer is not None and answer.status == 200
    plan_row = page.locator(f"#scheduled-plan-{ids['Patroli Lebaran']}")
    assert plan_row.locator("code.cron").inner_text() == "0 6 * * *"
    assert plan_row.locator(".upcoming time").count() == 3
    assert "10-11-2026 06:00" in plan_row.locator(".last").inner_text()
    run_row = page.locator(f"#scheduled-run-{ids['scheduled_siber']}")
    assert "10-11-2026 06:00" in run_row.inner_text()  # due, in WIB
    assert run_row.locator(".missed").inner_text() == "2"
    with page.expect_navigation():
        run_row.locator("a.crawl-run").click()
    assert page.url.endswith(f"/runs/{ids['run']}")
    page.goto(page.base + "/schedule?status=skipped")
    assert page.locator("#scheduled-runs tbody tr").count() == 1
    assert page.locator(f"#scheduled-run-{ids['scheduled_surabaya']} .reason").inner_text() == (
        "the run for 09-11 is still going")  # fmt: skip


AREA = Path(__file__).parents[2] / "web"
WORDS = re.compile(r"""\bt\(\s*(?:"([^"]+)"|'([^']+)')""")


@pytest.mark.parametrize("source", sorted(p.name for p in (AREA / "templates/schedule").glob("*")))
def test_every_word_of_the_schedule_pages_has_its_english(source):
    from web import i18n, schedule

    said = {a or b for a, b in WORDS.findall((AREA / "templates/schedule" / source).read_text())}
    said |= set(schedule.STATUS_LABELS.values())
    assert said and sorted(said - set(i18n.EN)) == []
