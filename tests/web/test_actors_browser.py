"""Offender profiling in a real Chromium: an analyst finds the actor, reads its profile and the
graph (drawn on the server, no script), splits an account off and merges it back, confirms a
suggestion, edits the stoplist and downloads the Dokumen profiling; the crawled shop name that
carries a script stays text, and the CSP is never violated."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from casebook.models import ActorAccount, IdentifierStop, LinkSuggestion

_spec = importlib.util.spec_from_file_location(
    "actors_world", Path(__file__).parent / "test_actors_pages.py"
)
pages = sys.modules.setdefault("actors_world", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(pages)  # the pages' tests' casebook (a dataclass needs sys.modules)

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return pages.build(tmp_path_factory.mktemp("actors-browser"))


@pytest.fixture
def page(world, chromium, serve_app):
    base = serve_app(world.app)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.problems = []  # dialogs (a script that ran) and CSP refusals
    tab.on("dialog", lambda dialog: (tab.problems.append(dialog.message), dialog.dismiss()))
    tab.on("console", lambda message: tab.problems.append(message.text)
           if "Content Security Policy" in message.text else None)  # fmt: skip
    tab.goto(f"{base}/login")
    tab.fill("input[name=username]", "analis")
    tab.fill("input[name=password]", pages.PASSWORDS["analis"])
    tab.click("main button[type=submit]")
    tab.wait_for_url(lambda url: "/login" not in url)
    tab.base = base
    yield tab
    context.close()


def _actor_of(world, key: str) -> int:
    with world.sessions() as session:
        return session.scalar(select(ActorAccount.actor_id).where(
            ActorAccount.seller_id == world.sellers[key]))  # fmt: skip


def test_an_analyst_reads_the_profile_splits_merges_and_downloads(world, page):
    actor_id = world.actors["cantik"]
    page.goto(f"{page.base}/actors/")
    page.click("nav a[href='/actors/']")  # the top bar leads here
    page.fill("input[name=q]", "Cantik Store")
    page.click("form.filters button[type=submit]")
    page.click(f"tr[data-actor-id='{actor_id}'] td.title a")
    page.wait_for_selector("#actor-accounts")
    assert page.locator("#actor-accounts tr.account").count() == 3
    assert "<script>" in page.locator("#actor-accounts").inner_text()  # the shop name, as text

    graph = page.locator("#actor-graph svg")
    box = graph.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 250
    assert graph.locator("g.node.account").count() == 3
    assert graph.locator("g.node.identifier").count() == 2  # the phone and the e-mail
    assert graph.locator("line.edge").count() == 4
    store = world.sellers["store"]
    graph.locator(f"g.node.account[data-key='seller:{store}'] a").click()
    page.wait_for_url(f"**#account-{store}")

    page.check(f"tr#account-{store} input[name=seller_id]")
    page.fill("#split-form input[name=reason]", "akun orang lain")
    page.click("#split-form button[type=submit]")
    page.wait_for_selector(".flash.ok")
    new_id = _actor_of(world, "store")
    assert new_id != actor_id and page.url.endswith(f"/actors/{new_id}")
    assert page.locator("#actor-accounts tr.account").count() == 1

    page.goto(f"{page.base}/actors/{actor_id}")
    page.fill("#merge input[name=other_ids]", str(new_id))
    page.fill("#merge input[name=reason]", "ternyata satu orang")
    page.click("#merge button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert _actor_of(world, "store") == actor_id
    assert page.locator("#actor-accounts tr.account").count() == 3

    page.select_option("#document select[name=format]", "docx")
    with page.expect_download() as waiting:
        page.click("#document button[type=submit]")
    document = Document(io.BytesIO(Path(waiting.value.path()).read_bytes()))
    assert "Toko Cantik Jaya" in "\n".join(p.text for p in document.paragraphs)
    assert page.evaluate("window.__pwned === undefined") and page.problems == []


def test_an_analyst_confirms_a_suggestion_and_edits_the_stoplist(world, page):
    page.goto(f"{page.base}/actors/suggestions")
    card = page.locator(f"#suggestion-{world.suggestion}")
    assert "Herbal Nusantara Official" in card.inner_text()
    card.locator("form[action$='/confirm'] input[name=reason]").fill("nomor rekening sama")
    card.locator("form[action$='/confirm'] button").click()
    page.wait_for_selector(".flash.ok")
    assert page.locator(f"#suggestion-{world.suggestion}").count() == 0  # no longer pending
    with world.sessions() as session:
        assert session.get(LinkSuggestion, world.suggestion).status == "confirmed"
    assert _actor_of(world, "herbal") == _actor_of(world, "herbal2")

    page.goto(f"{page.base}/actors/stoplist")
    page.select_option("#add-stop select[name=kind]", "email")
    page.fill("#add-stop input[name=value]", "CS@Pasarku.example")
    page.fill("#add-stop input[name=reason]", "layanan pelanggan marketplace")
    page.click("#add-stop button[type=submit]")
    page.wait_for_selector(".flash.ok")
    with world.sessions() as session:
        stop = session.scalar(select(IdentifierStop).where(IdentifierStop.kind == "email"))
    assert stop.value == "cs@pasarku.example"
    page.click(f"tr[data-stop-id='{stop.id}'] button[type=submit]")
    page.wait_for_selector(f"tr.removed[data-stop-id='{stop.id}']")
    assert page.problems == []
