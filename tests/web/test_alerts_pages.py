"""Alerts in the UI (real headless Chromium: the list, its links, acknowledging with the CSRF
token, crawled text shown as text under the strict CSP) and in REST API v1 (the collection, its
filters and cursor, acknowledging; each unit sees its own plans' alerts)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casebook.models import AuditEvent, CrawlRun
from casebook.services import alerts, runs

T0 = datetime.now(UTC) - timedelta(days=10)
HOSTILE = 'http://tip.example/<img src=x onerror="window.__pwned=1">'


def _crawl(session, plan_id, arguments, stats, at):
    when = T0 + timedelta(days=at)
    run = runs.start_run(session, "marketplace" if plan_id else "urls", arguments,
                         plan_id=plan_id, now=when)  # fmt: skip
    runs.finish_run(session, run.id, "finished", stats, now=when + timedelta(minutes=20))
    return run.id


def figures(stored=40, pages=100, failed=1, host="toko.example", blocked=0) -> dict:
    return {"patroli/stored": stored, "response_received_count": pages,
            "patroli/failed_urls": failed,
            "patroli/sites": {host: {"pages": pages, "blocked": blocked}}}  # fmt: skip


def raise_alerts(seeded) -> dict[str, int]:
    """Dit. Siber's plan drops its items, Surabaya's site starts blocking, an ad-hoc tip's
    crawl (its URL crawled text) fails: one alert each, raised by services.alerts."""
    ids = seeded.ids
    made = {}
    cases = (
        ("drop", ids["Patroli Lebaran"], {"site": "pasarku"}, figures(stored=3)),
        ("block", ids["Patroli Surabaya"], {"site": "tokosehat"}, figures(blocked=90)),
        ("tip", None, {"url": HOSTILE}, figures(failed=60)),
    )
    with seeded.sessions() as session, session.begin():
        for name, plan_id, arguments, bad in cases:
            for n in range(3):
                _crawl(session, plan_id, arguments, figures(), n)
            run_id = _crawl(session, plan_id, arguments, bad, 3)
            (alert,) = alerts.check_run(session, run_id)
            made[name], made[f"{name}_run"] = alert.id, run_id
    ids.update(made)
    return made


# -- REST API v1 ------------------------------------------------------------------------------


def test_the_api_lists_alerts_newest_first_for_what_the_caller_may_see(sop):
    made = raise_alerts(sop)
    answer = sop.call("GET", "/alerts", "analis")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [a["id"] for a in body["items"]] == [made["tip"], made["block"], made["drop"]]
    assert body["next_cursor"] is None
    drop = body["items"][2]
    assert (drop["kind"], drop["plan_id"], drop["run_id"], drop["site"], drop["open"]) == (
        "item_drop", sop.ids["Patroli Lebaran"], made["drop_run"], "pasarku", True)  # fmt: skip
    assert drop["figures"]["usual"] == 40 and drop["figures"]["stored"] == 3
    assert drop["raised_at"].endswith("Z") and drop["acknowledged_at"] is None
    upt = sop.call("GET", "/alerts", "upt").get_json()["items"]
    assert [a["id"] for a in upt] == [made["block"]]  # its own plan's, no ad-hoc crawl
    viewer = sop.call("GET", "/alerts", "tamu").get_json()["items"]
    assert [a["id"] for a in viewer] == [made["drop"]]  # Dit. Siber's plan
    assert sop.call("GET", "/alerts", None).status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "blocking"}, ["block"]),
        ({"kind": "error_rate", "open": "true"}, ["tip"]),
        ({"plan_id": "{Patroli Lebaran}"}, ["drop"]),
        ({"open": "true"}, ["tip", "block", "drop"]),
        ({"open": "false"}, ["tip", "block", "drop"]),
        ({"kind": "meltdown"}, 400),
        ({"plan_id": "satu"}, 400),
        ({"open": "maybe"}, 400),
        ({"limit": "0"}, 400),
    ],
)
def test_the_api_filters(sop, query, expected):
    made = raise_alerts(sop)
    query = {k: str(sop.ids[v[1:-1]]) if v.startswith("{") else v for k, v in query.items()}
    answer = sop.call("GET", "/alerts", "analis", query_string=query)
    if isinstance(expected, int):
        assert answer.status_code == expected
        assert answer.get_json()["error"]["code"] == "bad_request"
    else:
        assert [a["id"] for a in answer.get_json()["items"]] == [made[n] for n in expected]


def test_the_api_pages_with_a_cursor(sop):
    made = raise_alerts(sop)
    first = sop.call("GET", "/alerts", "analis", query_string={"limit": 2}).get_json()
    assert [a["id"] for a in first["items"]] == [made["tip"], made["block"]]
    query = {"limit": 2, "cursor": first["next_cursor"]}
    rest = sop.call("GET", "/alerts", "analis", query_string=query).get_json()
    assert [a["id"] for a in rest["items"]] == [made["drop"]] and rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("who", "status"), [("tamu", 403), ("upt", 403), ("was", 403), ("analis", 200), ("admin", 200)]
)
def test_only_analysts_acknowledge_through_the_api(sop, who, status):
    made = raise_alerts(sop)
    answer = sop.call("POST", f"/alerts/{made['drop']}/acknowledge", who)
    assert answer.status_code == status
    with sop.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "alert.acknowledge")
        ).all()
    if status != 200:
        assert events == []
        return
    body = answer.get_json()
    assert (body["open"], body["acknowledged_by"]) == (False, who)
    assert [e.target for e in events] == [f"alert:{made['drop']}"]
    again = sop.call("POST", f"/alerts/{made['drop']}/acknowledge", "analis").get_json()
    assert again == body  # acknowledged once; the second changes nothing
    still_open = sop.call("GET", "/alerts", "analis", query_string={"open": "true"}).get_json()
    assert made["drop"] not in [a["id"] for a in still_open["items"]]
    assert sop.call("POST", "/alerts/99999/acknowledge", "analis").status_code == 404


# -- the pages, in Chromium -------------------------------------------------------------------


def _browser(chromium, base: str, who: str):
    context = chromium.new_context()
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective));"
    )
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"sandi-{who}-1")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return context, page


@pytest.mark.browser
def test_an_analyst_reads_and_acknowledges_alerts_in_a_browser(sop, chromium, serve_app):
    made = raise_alerts(sop)
    base = serve_app(sop.app)
    context, page = _browser(chromium, base, "analis")
    try:
        answer = page.goto(base + "/alerts")
        assert answer is not None and answer.status == 200
        rows = page.locator("#alerts tbody tr")
        assert [rows.nth(n).get_attribute("id") for n in range(rows.count())] == [
            f"alert-{made[n]}" for n in ("tip", "block", "drop")
        ]
        # crawled text (a tip's URL) is shown as text: no element made of it, nothing run
        tip = page.locator(f"#alert-{made['tip']}")
        assert HOSTILE in tip.locator(".site").inner_text()
        assert tip.locator("img").count() == 0
        assert page.locator("#alerts .plan").first.inner_text() == "Patroli Surabaya"
        # each alert links its plan and its crawl run, and says what was measured and usual
        drop = page.locator(f"#alert-{made['drop']}")
        said = "3 item disimpan, biasanya 40 (median 4 penelusuran terakhir)."  # and the seeded run
        assert drop.locator(".message").inner_text() == said
        blocked = page.locator(f"#alert-{made['block']} .message").inner_text()
        assert blocked.startswith("90 dari 100 permintaan diblokir (90%")
        with page.expect_navigation():
            drop.locator("a.run").click()
        assert page.url.endswith(f"/runs/{made['drop_run']}")
        page.go_back()
        with page.expect_navigation():
            page.locator(f"#alert-{made['drop']} a.plan").click()
        assert page.url.endswith(f"/plans/{sop.ids['Patroli Lebaran']}")
        # acknowledged: gone from the open list, kept in all of them with who did it
        page.goto(base + "/alerts")
        with page.expect_navigation():
            page.locator(f"#alert-{made['drop']} button").click()
        assert "/alerts" in page.url
        assert page.locator(".flash.ok").inner_text().startswith("Peringatan")
        assert page.locator(f"#alert-{made['drop']}").count() == 0
        page.select_option("select[name=show]", "all")
        with page.expect_navigation():
            page.locator("form.filters button").click()
        kept = page.locator(f"#alert-{made['drop']} .state").inner_text()
        assert "analis" in kept
        assert page.locator(f"#alert-{made['drop']} button").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__violations") == []
    finally:
        context.close()


@pytest.mark.browser
def test_an_upt_officer_sees_its_plans_alerts_and_cannot_acknowledge(sop, chromium, serve_app):
    made = raise_alerts(sop)
    base = serve_app(sop.app)
    context, page = _browser(chromium, base, "upt")
    try:
        page.goto(base + "/alerts")
        rows = page.locator("#alerts tbody tr")
        assert [rows.nth(n).get_attribute("id") for n in range(rows.count())] == [
            f"alert-{made['block']}"
        ]
        assert page.locator("#alerts button").count() == 0
        assert "tokosehat" not in page.locator(f"#alert-{made['block']} .site").inner_text()
        # a forged POST with the page's own CSRF token is still refused: the role is too low
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        refused = page.request.post(f"{base}/alerts/{made['block']}/acknowledge",
                                    form={"csrf_token": token})  # fmt: skip
        assert refused.status == 403
    finally:
        context.close()
    with sop.sessions() as session:
        assert alerts.get_alert(session, made["block"], scope=_national()).acknowledged_at is None


def _national():
    from casebook.services.access import Scope

    return Scope("ani", "analyst")


def _logged_in(app, who: str):
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": who, "password": f"sandi-{who}-1",
                                "csrf_token": token})  # fmt: skip
    return client


def test_a_post_without_the_csrf_token_is_refused(sop):
    made = raise_alerts(sop)
    client = _logged_in(sop.app, "analis")
    assert client.get("/alerts").status_code == 200  # logged in
    answer = client.post(f"/alerts/{made['drop']}/acknowledge")
    assert answer.status_code == 400
    with sop.sessions() as session:
        assert alerts.get_alert(session, made["drop"], scope=_national()).acknowledged_at is None


@pytest.mark.parametrize(("who", "shown"), [("analis", "3"), ("upt", "1"), ("was", None)])
def test_the_dashboard_says_how_many_alerts_are_open(sop, who, shown):
    raise_alerts(sop)
    page = _logged_in(sop.app, who).get("/dashboard").get_data(as_text=True)
    found = re.search(r'id="open-alerts"><a href="/alerts">(\d+) peringatan terbuka<', page)
    assert (found and found.group(1)) == shown


# -- a real crawl: RunRecorder counts the site's bot blocks and raises the alert --------------


def test_a_real_crawl_of_a_site_that_starts_blocking_raises_an_alert(sop, engine):
    """The demo's shop (patroli.demo_alerts): crawled by the `urls` spider while it answers,
    then while it walls every page with 403 and a "verify you are human" page."""
    import dataclasses

    from patroli import demo_alerts
    from patroli.wiring import Casebook

    config = dataclasses.replace(sop.app.config["PATROLI"], allow_private=True)
    casebook = Casebook(config, engine, sop.sessions)
    settings = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    said = []
    assert demo_alerts.raise_demo_alerts(casebook, config, settings, said.append) == 1
    assert said[-1] == "Alerts: 1 open (see /alerts)"
    (alert,) = sop.call("GET", "/alerts", "analis").get_json()["items"]
    assert alert["kind"] == "blocking" and alert["plan_id"] is None
    pages = len(demo_alerts.PRODUCTS)
    assert (alert["figures"]["pages"], alert["figures"]["blocked"]) == (pages, pages)
    assert alert["figures"]["history"] == [0.0]  # the first crawl: answered, nothing blocked
    with sop.sessions() as session:
        first, second = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()[-2:]
    assert first.stats["patroli/stored"] == pages  # the listings were read and kept
    assert first.stats["patroli/sites"][alert["site"]] == {"pages": pages, "blocked": 0}
    assert alert["run_id"] == second.id and alert["site"].startswith("127.0.0.4:")


# -- every word has its English ------------------------------------------------------------------

WEB = Path(__file__).parents[2] / "web"
WORDS = re.compile(r"""\bt\(\s*(?:"([^"]+)"|'([^']+)')""")


@pytest.mark.parametrize("source", ["alerts.py", "templates/alerts/index.html",
                                    "templates/alerts/_open.html"])  # fmt: skip
def test_every_word_of_the_alert_pages_has_its_english(source):
    from web import alerts as page
    from web import i18n

    said = {a or b for a, b in WORDS.findall((WEB / source).read_text(encoding="utf-8"))}
    if source == "alerts.py":
        said |= {*page.KIND_LABELS.values(), *page.DESCRIPTIONS.values()}
    assert said and sorted(said - set(i18n.EN)) == []
