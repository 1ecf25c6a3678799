"""The demo's walk through the casebook leaves no page of the UI empty, and a second walk adds
nothing. The demo marketplace runs on loopback ports of its own; its web shop and marketplace
are crawled (the social site's browser crawl adds time, not pages: the shop is a website, so
Komdigi gets a letter as well as IdEA)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from casebook import config as config_module
from casebook.models import (
    AuditEvent,
    Base,
    CrawlRun,
    Job,
    Letter,
    LetterResponse,
    Listing,
    PatrolPlan,
    RegisterEntry,
    TakedownList,
)
from patroli import demo_walk
from patroli.commands import demo as demo_command
from patroli.crawling import SpiderRun, run_spiders
from patroli.demo import DemoMarketplace, build_world
from patroli.wiring import Casebook, open_casebook
from web import NAV, create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EPHEMERAL = {"pasarku": ("127.0.0.1", 0), "tokosehat": ("127.0.0.2", 0),
             "ceritaku": ("127.0.0.3", 0)}  # fmt: skip
# Empty states that are the truth of a fresh demo, not a page left bare: a run without errors,
# no letter past its due date (due dates are working days after today), and letters of
# Dit. Was and Dit. Intelijen not answered yet (theirs to answer).
HONEST_EMPTY = {
    "plans.run": {"Tidak ada galat."},
    "monitoring.index": {"Tidak ada surat yang lewat tenggat."},
    "letters.show": {"Belum ada tanggapan."},
}
# Tables a second walk may add to: the re-check it runs again (the restarted demo platform took
# the same links down again) is a crawl run of its own, with its captures and its audit.
RECHECKED = {"crawl_runs", "captures", "audit_events"}


@dataclass
class Walked:
    casebook: Casebook
    app: object
    before: dict[str, int]
    after: dict[str, int]


def counts(casebook: Casebook) -> dict[str, int]:
    with casebook.sessions() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}  # fmt: skip


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> Iterator[Walked]:
    folder = tmp_path_factory.mktemp("demo-walk")
    config = config_module.load({"PATROLI_DATA_DIR": str(folder), "PATROLI_ALLOW_PRIVATE": "1",
                                 "PATROLI_SECRET_KEY": "demo-walk"})  # fmt: skip
    casebook = open_casebook(migrate=True, config=config)
    demo_walk.load_registry(casebook, demo_command.DEMO_DATA, demo_command.step)
    plan_id = demo_command._demo_plan_and_users(casebook)
    with DemoMarketplace(build_world(), EPHEMERAL) as market:
        bases = {"bases": market.base_urls, "plan": plan_id}
        run_spiders(config, [SpiderRun("marketplace", {"site": "pasarku", **bases}),
                             SpiderRun("shop", {"site": "tokosehat", **bases})],
                    demo_command.DEMO_CRAWL_SETTINGS)  # fmt: skip
        walk = (casebook, config, market, demo_command.DEMO_CRAWL_SETTINGS, demo_command.step)
        demo_walk.walk(*walk)
        before = counts(casebook)
        demo_walk.load_registry(casebook, demo_command.DEMO_DATA, demo_command.step)
        demo_command._demo_plan_and_users(casebook)
        demo_walk.walk(*walk)
        after = counts(casebook)
    app = create_app(config, testing=True)
    yield Walked(casebook, app, before, after)


def logged_in(app, username: str = "admin"):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": username, "password": "patroli-demo",
                                         "csrf_token": token})  # fmt: skip
    assert answer.status_code == 302, username
    return client


def empty_states(html: str) -> set[str]:
    return {m.strip() for m in re.findall(r'<p class="empty">([^<]*)</p>', html)}


def first(casebook: Casebook, query) -> int:
    with casebook.sessions() as session:
        found = session.scalar(query.limit(1))
    assert found is not None, str(query)
    return found


def object_pages(casebook: Casebook) -> list[tuple[str, str]]:
    """(endpoint, URL) of one object of each kind the top bar's pages lead to."""
    with casebook.sessions() as session:
        letter_ids = session.scalars(select(Letter.id).order_by(Letter.id)).all()
    listing = first(casebook, select(RegisterEntry.listing_id).order_by(RegisterEntry.id))
    return [
        ("plans.show", f"/plans/{first(casebook, select(PatrolPlan.id))}"),
        ("plans.run", f"/runs/{first(casebook, select(CrawlRun.id).order_by(CrawlRun.id))}"),
        ("register.show", f"/register/{first(casebook, select(RegisterEntry.id))}"),
        ("takedown.show", f"/takedown/{first(casebook, select(TakedownList.id))}"),
        ("findings.show", f"/listings/{listing}"),
        ("jobs.show", f"/jobs/{first(casebook, select(Job.id))}"),
        *[("letters.show", f"/letters/{letter_id}") for letter_id in letter_ids],
        *[(f"admin.{name}", f"/settings/{part}") for name, part in (
            ("holidays", "holidays"), ("numbering", "numbering"),
            ("office_settings", "office"), ("letter_templates", "templates"),
            ("users_index", "users"))],
        ("admin.tokens", "/tokens"),
    ]  # fmt: skip


def test_every_page_of_the_top_bar_has_something_in_it(walked):
    client = logged_in(walked.app)
    with walked.app.test_request_context():
        from flask import url_for

        pages = [(endpoint, url_for(endpoint)) for endpoint, _, _ in NAV]
    pages += object_pages(walked.casebook)
    bare = {}
    for endpoint, url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        left = empty_states(answer.get_data(as_text=True)) - HONEST_EMPTY.get(endpoint, set())
        if left:
            bare[url] = left
    assert not bare


TIP = '<td class="source">Direktorat Intelijen Obat dan Makanan</td>'
UPT_DECIDED = "<td>upt.surabaya</td>"


# The rows only: the filters' choices name every source (a matter for the register's page).
@pytest.mark.parametrize("who, needle, present", [
    ("admin", TIP, True),  # the tip's entries, waiting for the next list
    ("admin", UPT_DECIDED, True),  # the UPT's own entries, its officer deciding
    ("upt.surabaya", UPT_DECIDED, True),
    ("upt.surabaya", TIP, False),  # Dit. Siber's entries are not the UPT's
])  # fmt: skip
def test_the_register_shows_the_other_units_work(walked, who, needle, present):
    page = logged_in(walked.app, who).get("/register").get_data(as_text=True)
    assert (needle in page) is present


def test_letters_of_every_kind_went_out_one_answered_one_escalated(walked):
    with walked.casebook.sessions() as session:
        sent = session.execute(select(Letter.kind, Letter.recipient, Letter.status)).all()
        answered = session.scalars(select(LetterResponse.letter_id)).all()
    assert {(kind, to) for kind, to, _ in sent} == {
        ("rekomendasi_takedown", "idea"), ("rekomendasi_takedown", "komdigi"),
        ("tembusan", "dit_was"), ("rekomendasi_pelaku", "dit_intelijen"),
    }  # fmt: skip
    assert {status for _, _, status in sent} == {"sent"}
    assert len(set(answered)) == 1
    page = logged_in(walked.app, "was").get("/letters/").get_data(as_text=True)
    assert "Surat Tembusan" in page and "Rekomendasi Pelaku" not in page


def test_the_verify_ran_as_a_job_and_the_import_shows_in_its_history(walked):
    with walked.casebook.sessions() as session:
        # The scheduled patrol's firing is a job too (tests/e2e/test_scheduler.py).
        job = session.scalars(select(Job).where(Job.kind == "verify_list")).one()
        imported = session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(["registry.import", "warnings.import"]))).all()  # fmt: skip
        gone = session.scalar(select(func.count(Listing.id)).where(Listing.status == "nonactive"))
    assert (job.kind, job.status) == ("verify_list", "done")
    assert sorted(imported) == ["registry.import", "warnings.import"]
    assert gone == 2


def test_a_second_walk_adds_nothing(walked):
    grew = {name for name in walked.after if walked.after[name] != walked.before[name]}
    assert grew <= RECHECKED, {n: (walked.before[n], walked.after[n]) for n in grew}
    assert walked.before["users"] == 6
