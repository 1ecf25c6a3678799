"""Crawled text is hostile, on every page: in real headless Chromium, listings whose title,
description, seller and URLs carry `<script>`, `onerror=`, `javascript:` and `<svg onload>`
payloads render as text and run nothing — on every page of the UI, found from the app's own
URL map so a page added later is covered without touching this test.

Two layers are checked apart: nothing runs (no dialog, no flag set by a payload), and nothing
was even *tried* (no Content-Security-Policy violation: an escaped payload never reaches the
parser as markup, so the CSP, the second wall, has nothing to block)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from casebook.letters import office as letter_office
from casebook.models import ActorAccount, Alert, ScheduledRun, utcnow
from casebook.services import (
    jobs,
    letters,
    listings,
    plans,
    profiling,
    register,
    runs,
    takedown,
    users,
)
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import NAV, create_app

pytestmark = [pytest.mark.browser]

RUN = "window.__pwned=1"
PAYLOADS = (
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f'"><a href="javascript:{RUN}">klik</a>',
)
HOSTILE = " ".join(PAYLOADS)
SHOWN = "<script>"  # the payload must be visible as text where a listing's title is shown

# Pages that answer a file or a redirect rather than a page, or that end the session.
NOT_PAGES = {"static", "auth.logout", "auth.login", "i18n.switch"}
NOT_PAGE_SUFFIXES = ("_file", "download", "docx", "pdf", "xlsx", "csv", "warc", "json", "export")


@pytest.fixture(scope="module")
def casebook(tmp_path_factory):
    from casebook import config as config_module
    from casebook.db import make_engine, make_session_factory
    from casebook.schema import upgrade

    data_dir = tmp_path_factory.mktemp("hostile") / "var"
    config = config_module.load(
        {
            "PATROLI_DATA_DIR": str(data_dir),
            "PATROLI_SECRET_KEY": "test-secret",
            "PATH": "/usr/bin:/bin",
        }
    )
    engine = make_engine(config.database_url)
    upgrade(engine)
    ids = _seed(make_session_factory(engine), data_dir)
    engine.dispose()
    return config, ids


def _seed(sessions, data_dir) -> dict[str, int]:
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "admin", "rahasia-9", "admin", actor="test")
        records = []
        for n, codes in enumerate((["no_nie", "hazardous_ingredient"], ["prescription_drug"])):
            url = f"http://pasar.example/p/{n}?q={HOSTILE}"
            record = ListingRecord(
                url=url, platform="pasarku", title=f"{HOSTILE} Krim {n}",
                description=f"Deskripsi {HOSTILE}", price=10000.0, currency="IDR",
                seller=SellerRecord("pasarku", f"Toko {HOSTILE} {n}", f"javascript:{RUN}{n}",
                                    HOSTILE, identifiers=_IDENTIFIERS),
            )  # fmt: skip
            records.append((record, _verdict(url, codes)))
        stored = listings.record_listings(session, records)
        listing_ids = [stored.listing_ids[record.url] for record, _ in records]
        entries = register.decide(session, listing_ids, "takedown", reason=HOSTILE, actor="analis")
        built = takedown.build_list(
            session, [e.id for e in entries], actor="analis", note=HOSTILE,
            kind_of=lambda platform, url: "marketplace",
        )  # fmt: skip
        made = letters.make_letters(
            session, built.id, "rekomendasi_takedown", actor="analis",
            office=letter_office.load(data_dir), with_pdf=False,
        )  # fmt: skip
        plan = plans.save_plan(
            session, f"Patroli {PAYLOADS[0]}{PAYLOADS[2]}", keywords=[HOSTILE[:100]],
            targets=[{"spider": "marketplace", "site": "pasarku"}], risk_basis=HOSTILE,
            actor="analis", period_start=date(2026, 11, 1),
        )  # fmt: skip
        run = runs.start_run(session, "marketplace", {"keywords": HOSTILE}, plan_id=plan.id)
        runs.finish_run(session, run.id, "finished", {"errors": [HOSTILE], "pages": 2})
        job = jobs.enqueue(session, "verify_list", {"list_id": built.id}, "analis")
        jobs.fail(session, job.id, HOSTILE)
        profiling.add_stop(session, "email", "cs@pasar.example", reason=HOSTILE, actor="analis")
        profiling.relink(session, actor="analis")  # the two shops share a phone: one actor
        _operations(session, plan.id, run.id)
        actor_id = session.scalar(select(ActorAccount.actor_id).limit(1))
        return {"listing_id": listing_ids[0], "entry_id": entries[0].id, "list_id": built.id,
                "letter_id": made[0].id, "plan_id": plan.id, "run_id": run.id,
                "job_id": job.id, "actor_id": actor_id}  # fmt: skip


def _operations(session, plan_id: int, run_id: int) -> None:
    """A scheduler firing skipped with a hostile reason, and an alert about a site whose name
    and figures came from a crawl."""
    now = utcnow()
    session.add(ScheduledRun(
        key=f"plan:{plan_id}", kind="crawl_plan", plan_id=plan_id, schedule="0 2 * * *",
        due_at=now, started_at=now, finished_at=now, status="skipped", reason=HOSTILE,
        result={"note": HOSTILE},
    ))  # fmt: skip
    session.add(Alert(kind="blocking", plan_id=plan_id, run_id=run_id, site=HOSTILE[:300],
                      message=HOSTILE, figures={"site": HOSTILE, "blocked": 3, "pages": 3},
                      raised_at=now))  # fmt: skip


# The two shops share a phone (one actor, drawn as a graph) and show a hostile handle.
_IDENTIFIERS = (("phone", "+6281377712345"), ("handle", f"@{HOSTILE}"[:200]))


def _verdict(url: str, codes: list[str]) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=HOSTILE[:20], field="title", start=0, end=20,
                     compared_with={"nie": "NA18201234567", "product_name": HOSTILE}),
            "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, ("NA18201234567",), "kosmetik", hits, "test-1")


@pytest.fixture(scope="module")
def served(casebook, serve_app) -> tuple[str, object, dict[str, int]]:
    config, ids = casebook
    app = create_app(config)
    app.config["PATROLI_PLATFORM_KINDS"] = {"pasarku": "marketplace"}
    return serve_app(app), app, ids


@pytest.fixture(scope="module")
def browser_page(served, chromium) -> Iterator:
    base, _, _ = served
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    # Counted before any page script: a violation means markup reached the parser.
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: (_DIALOGS.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "rahasia-9")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    yield page
    context.close()


_DIALOGS: list[str] = []


def _pages(app, ids: dict[str, int]) -> list[str]:
    """Every GET page of the UI with its ids filled in from the seeded casebook."""
    paths = []
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if (
            "GET" not in rule.methods
            or endpoint in NOT_PAGES
            or endpoint.startswith(("api", "health", "evidence"))
            or endpoint.endswith(NOT_PAGE_SUFFIXES)
            or rule.rule.startswith("/api/")
        ):
            continue
        unknown = set(rule.arguments) - set(ids)
        assert not unknown, f"{rule.rule}: seed an object for {sorted(unknown)} in this test"
        paths.append(rule.build({name: ids[name] for name in rule.arguments})[1])
    return sorted(set(paths))


def test_every_page_shows_hostile_text_as_text_and_runs_nothing(served, browser_page):
    base, app, ids = served
    page = browser_page
    checked = []
    for path in _pages(app, ids):
        answer = page.goto(base + path)
        assert answer is not None and answer.status < 500, f"{path}: {answer and answer.status}"
        page.wait_for_load_state("load")
        assert "/login?" not in page.url, f"{path}: not shown to an admin"
        assert page.evaluate("window.__pwned") is None, f"{path}: a payload ran"
        assert page.evaluate("window.__violations") == [], f"{path}: markup reached the page"
        scripted = page.locator("a[href^='javascript:' i], [href^='javascript:' i]").count()
        assert scripted == 0, f"{path}: a javascript: link"
        checked.append(path)
    assert _DIALOGS == []
    # Every area of the top bar was opened; the pages the issue names show the payload as text.
    for endpoint, _, _ in NAV:
        assert app.url_map.bind("").build(endpoint) in checked, endpoint
    shown_on = ("/", f"/listings/{ids['listing_id']}", "/register", f"/register/{ids['entry_id']}",
                f"/takedown/{ids['list_id']}", f"/letters/{ids['letter_id']}", "/schedule",
                "/alerts")  # fmt: skip
    for path in shown_on:
        assert path in checked
        page.goto(base + path)
        assert SHOWN in page.inner_text("main"), f"{path}: the hostile text is not shown as text"
