"""The dashboard in real headless Chromium: its server-drawn SVG charts render and take their
colours from dashboard.css, with no console error and no Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from casebook.services import listings, plans, register, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit
from web import create_app

pytestmark = [pytest.mark.browser]
NOW = datetime.now(UTC)
HOSTILE = "<svg onload=window.__pwned=1>"
ERRORS: list[str] = []  # console errors and uncaught exceptions, on any page


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, serve_app) -> str:
    from casebook import config as config_module
    from casebook.db import make_engine, make_session_factory
    from casebook.schema import upgrade

    data_dir = tmp_path_factory.mktemp("dashboard") / "var"
    config = config_module.load(
        {
            "PATROLI_DATA_DIR": str(data_dir),
            "PATROLI_SECRET_KEY": "test-secret",
            "PATH": "/usr/bin:/bin",
        }
    )
    engine = make_engine(config.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        batch = []
        for n in range(12):
            url = f"http://pasar{n % 3}.example/{n}"
            hit = RulesHit(("no_nie", "prescription_drug")[n % 2], "R", 1.0, Evidence("x"), "v1")
            record = ListingRecord(
                url=url,
                platform=f"pasar{n % 3}",
                title=f"Produk {n}",
                seller=SellerRecord("p", f"Toko {n}", location=HOSTILE),
            )
            batch.append((record, Verdict(url, (), "kosmetik", (hit,), "v1")))
        stored = listings.record_listings(session, batch, now=NOW - timedelta(days=10))
        register.decide(
            session,
            list(stored.listing_ids.values())[:4],
            "takedown",
            actor="analis",
            now=NOW - timedelta(days=9),
        )
        plans.save_plan(
            session,
            "Kosmetik",
            keywords=["krim"],
            actor="analis",
            targets=[{"spider": "marketplace", "site": "pasarku"}],
        )
    engine.dispose()
    return serve_app(create_app(config))


@pytest.fixture(scope="module")
def page(base_url, chromium) -> Iterator:
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    # The browser's own favicon request is no page's doing: answered here, not counted.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and ERRORS.append(m.text))
    page.on("pageerror", lambda error: ERRORS.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and ERRORS.append(f"{r.status} {r.url}"))
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "rahasia-1")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    yield page
    context.close()


@pytest.mark.parametrize("query", ["", "?periode=30", "?dari=2026-01-01&sampai=2026-12-31"])
def test_dashboard_charts_render_without_errors_or_csp_violations(base_url, page, query):
    answer = page.goto(base_url + "/dashboard" + query)
    assert answer is not None and answer.status == 200
    page.wait_for_load_state("load")
    charts = page.locator("svg.chart")
    assert charts.count() == 8
    for n in range(charts.count()):
        box = charts.nth(n).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 10
    # The colours come from dashboard.css through classes: the stylesheet reached the SVG.
    fill = page.eval_on_selector("svg.chart-bar rect.series-0", "e => getComputedStyle(e).fill")
    assert fill == "rgb(31, 95, 153)"
    assert page.evaluate("window.__violations") == []
    assert page.evaluate("window.__pwned") is None
    assert ERRORS == []


def test_plan_pages_render_without_errors_or_csp_violations(base_url, page):
    for path in ("/plans", "/plans/new", "/plans/1"):
        answer = page.goto(base_url + path)
        assert answer is not None and answer.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__violations") == [], path
    assert ERRORS == []
