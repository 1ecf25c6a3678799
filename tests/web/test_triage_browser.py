"""The triage queue in real headless Chromium: tick rows (one by one, and all at once through
the page's own script under the strict CSP), decide them in bulk, see the decisions in the
queue and in the Register Informasi; hostile titles run nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.models import RegisterEntry
from casebook.services import listings, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app

pytestmark = [pytest.mark.browser]

RUN = "window.__pwned=1"
HOSTILE = f'<script>{RUN}</script><img src=x onerror="{RUN}"><svg onload={RUN}>'
TITLES = [f"Krim Pemutih {HOSTILE}", "Tramadol 50 mg", "Jamu Kuat Pria", "Serum Glowing"]


@pytest.fixture(scope="module")
def casebook(tmp_path_factory):
    from casebook import config as config_module
    from casebook.db import make_engine, make_session_factory
    from casebook.schema import upgrade

    config = config_module.load({
        "PATROLI_DATA_DIR": str(tmp_path_factory.mktemp("triage") / "var"),
        "PATROLI_SECRET_KEY": "test-secret", "PATH": "/usr/bin:/bin",
    })  # fmt: skip
    engine = make_engine(config.database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        for n, title in enumerate(TITLES):
            url = f"http://pasar.example/p/{n}"
            hit = Hit("no_nie", "T-NO-NIE", 0.9, Evidence(text="Krim", field="title"), "v1")
            record = ListingRecord(url=url, platform="pasarku", title=title,
                                   seller=SellerRecord("pasarku", f"Toko {n}"))  # fmt: skip
            listings.record_listings(session, [(record, Verdict(url, (), None, (hit,), "v1"))])
    yield config, sessions
    engine.dispose()


def test_select_rows_and_decide_in_bulk(casebook, chromium, serve_app):
    config, sessions = casebook
    base = serve_app(create_app(config))
    page = chromium.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/login")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "rahasia-1")
    page.click("form.login button[type=submit]")
    page.wait_for_selector("table.triage")
    boxes = page.locator("tbody input[name=listing_id]")
    assert boxes.count() == 4
    page.check("input.select-all")  # the page's own script ticks every row
    assert all(boxes.nth(i).is_checked() for i in range(4))
    page.uncheck("input.select-all")
    assert not any(boxes.nth(i).is_checked() for i in range(4))
    rows = page.locator("tr.listing")
    chosen = [rows.nth(i).get_attribute("data-listing-id") for i in (0, 3)]
    for listing_id in chosen:
        page.check(f"input[name=listing_id][value='{listing_id}']")
    page.select_option("fieldset.bulk-decide select[name=decision]", "takedown")
    page.fill("fieldset.bulk-decide input[name=reason]", "klaim dan merkuri")
    page.click("fieldset.bulk-decide button.decide")
    page.wait_for_selector("p.flash")
    assert "2 tautan diputuskan: Takedown" in page.inner_text("p.flash")
    decided = {
        row.get_attribute("data-listing-id"): row.locator("td.decision").inner_text()
        for row in page.locator("tr.listing").all()
    }
    assert {k for k, v in decided.items() if v == "Takedown"} == set(chosen)
    with sessions() as session:
        entries = session.scalars(select(RegisterEntry)).all()
    assert sorted(str(e.listing_id) for e in entries) == sorted(chosen)
    assert {(e.decision, e.reason, e.decided_by) for e in entries} == {
        ("takedown", "klaim dan merkuri", "analis")
    }
    page.goto(base + "/register")
    assert page.locator("tr.entry").count() == 2
    page.goto(base + "/?q=pemutih")
    assert HOSTILE in page.inner_text("tr.listing td.title")  # shown as text
    assert page.evaluate("window.__pwned") is None and dialogs == []
    page.close()
