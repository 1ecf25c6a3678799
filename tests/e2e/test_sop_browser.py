"""The whole SOP in real headless Chromium on the demo data, as an analyst does it through the
pages' own controls: triage (filter, tick two listings, decide takedown in bulk) -> Register
Informasi -> takedown list -> the platform takes one listing down -> "Verifikasi sekarang" as a
job with progress -> Surat Rekomendasi Takedown -> DOCX, PDF and XLSX downloaded and read back
-> marked sent -> its link re-checked from the letter's page -> monitoring counts what went
down. The app is the one `patroli serve` builds;
its jobs really run `patroli jobs run` against the demo marketplace."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


def _steps():
    """tests/e2e/sop_steps.py (the tests are no package): loaded once, registered by name so
    its dataclasses resolve their annotations."""
    if "sop_steps" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "sop_steps", Path(__file__).parent / "sop_steps.py"
        )
        sys.modules["sop_steps"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["sop_steps"])
    return sys.modules["sop_steps"]


sop = _steps()

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_JOB = sop.PATIENCE * 1000  # ms
REASON = "Obat keras tanpa izin edar (SOP patroli)"


@pytest.fixture(scope="module")
def casebook(tmp_path_factory, demo, new_casebook):
    patroli = new_casebook(tmp_path_factory.mktemp("sop-browser"))
    sop.crawl_pasarku(patroli, demo)
    sop.add_analyst(patroli)
    return patroli


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.problems = []  # a script error or a dialog is a failure of the page, not of the step
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: (page.problems.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def _open(page, area: str) -> None:
    """Go to an area through the top bar, as an analyst does."""
    page.locator("nav").get_by_role("link", name=area, exact=True).click()
    page.wait_for_load_state()


def _listing_of(row) -> int:
    href = row.locator("a[href*='/listings/']").first.get_attribute("href")
    return int(re.search(r"/listings/(\d+)", href).group(1))


def _download(page, control: str) -> tuple[str, bytes]:
    with page.expect_download() as waiting:
        page.click(control)
    download = waiting.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_an_analyst_does_the_whole_sop_in_the_browser(casebook, demo, world, page, serve_app):
    base = serve_app(sop.served_app(casebook, demo))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", sop.ANALYST)
    page.fill("input[name=password]", sop.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("form.triage-filters")

    # SOP 3 — triage: filter to undecided pasarku listings with a non-advertising finding,
    # tick the first two, decide takedown for both at once with a reason.
    code = sop.commonest_code(casebook)
    filters = page.locator("form.triage-filters")
    filters.locator("select[name=code]").select_option(code)
    filters.locator("select[name=platform]").select_option("pasarku")
    filters.locator("select[name=decided]").select_option("belum")
    filters.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"code={code}"))
    rows = page.locator("tr.listing")
    assert rows.count() >= 2
    assert rows.count() == page.locator(f"tr.listing .code-{code}").count()
    chosen = [int(rows.nth(n).get_attribute("data-listing-id")) for n in (0, 1)]
    for listing_id in chosen:
        page.check(f"input[name=listing_id][value='{listing_id}']")
    page.select_option("fieldset.bulk-decide select[name=decision]", "takedown")
    page.fill("fieldset.bulk-decide input[name=reason]", REASON)
    page.click("fieldset.bulk-decide button.decide")
    page.wait_for_selector("p.flash")
    assert "2 tautan diputuskan: Takedown" in page.inner_text("p.flash")

    # Register Informasi holds both entries, decided takedown by the analyst with the reason.
    _open(page, "Register Informasi")
    entries = {_listing_of(row): row for row in page.locator("tr.entry").all()}
    assert set(entries) == set(chosen)
    for row in entries.values():
        assert row.locator("td.decision").inner_text() == "Takedown"
        assert row.locator("td.reason").inner_text() == REASON
        assert sop.ANALYST in row.inner_text()
    entry_ids = [int(entries[i].get_attribute("data-entry-id")) for i in chosen]

    # SOP 4 — a takedown list from those two entries.
    _open(page, "List takedown")
    for entry_id in entry_ids:
        page.check(f"#build-list #entry-{entry_id}")
    page.fill("#build-list input[name=note]", "Patroli demo pasarku")
    page.click("#build-list button[type=submit]")
    page.wait_for_selector("table#links")
    list_id = int(re.search(r"/takedown/(\d+)", page.url).group(1))
    links = page.locator("table#links tr[data-link-id]")
    assert sorted(_listing_of(row) for row in links.all()) == sorted(chosen)
    assert {row.locator("td").nth(4).inner_text() for row in links.all()} == {"IdEA"}

    gone = sop.demo_listing_id(casebook, demo, world, chosen[0])
    demo.take_down(gone)  # the platform acts on the first listing
    try:
        _verify_letter_and_monitor(page, casebook, list_id, chosen)
    finally:
        demo.restore(gone)
    assert page.problems == []


def _verify_letter_and_monitor(page, casebook, list_id: int, chosen: list[int]) -> None:
    taken_down, still_up = chosen
    # "Verifikasi sekarang": a job re-checks both links; its progress shows, the page reloads
    # with the results when it is done.
    page.click("#verify-now")
    page.wait_for_selector(".job-progress")
    assert "Verifikasi tautan dimulai." in page.inner_text("p.flash")
    page.wait_for_selector("table#links .badge.link-nonactive", timeout=WAIT_JOB)
    page.wait_for_selector(".job-progress[data-status=done]", timeout=WAIT_JOB)
    assert "Pekerjaan selesai: 2 dari 2" in page.inner_text(".job-progress .job-text")
    statuses = {
        _listing_of(row): row.locator(".badge[class*=link-]").get_attribute("class")
        for row in page.locator("table#links tr[data-link-id]").all()
    }
    assert statuses == {taken_down: "badge link-nonactive", still_up: "badge link-active"}

    # SOP 5 — the Surat Rekomendasi Takedown: one letter to IdEA, the link already down left out.
    page.select_option("#make-letters select[name=kind]", "rekomendasi_takedown")
    page.click("#make-letters button[type=submit]")
    page.wait_for_selector("table.letters")
    letters = page.locator("table.letters tr[data-letter-id]")
    assert letters.count() == 1
    cells = letters.first.locator("td")
    number = cells.nth(0).inner_text()
    assert (cells.nth(2).inner_text(), cells.nth(4).inner_text()) == ("IdEA", "1")
    cells.nth(0).locator("a").click()
    page.wait_for_selector("#preview .letter-page")
    assert number in page.inner_text("h1")

    name, docx = _download(page, "#download-docx")
    assert name.endswith(".docx") and number in sop.docx_text(docx)
    name, pdf = _download(page, "#download-pdf")
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    name, xlsx = _download(page, "#download-xlsx")
    rows = sop.xlsx_rows(xlsx)
    assert name.endswith(".xlsx") and rows[0] == sop.ATTACHMENT_HEADER
    assert [row[1] for row in rows[1:]] == [sop.listing_url(casebook, still_up)]

    # SOP 6 — sent today (Jakarta's date).
    today = (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()
    page.fill("#mark-sent input[name=sent_on]", today)
    page.click("#mark-sent button[type=submit]")
    page.wait_for_selector("#letter-status.letter-sent")
    assert today in page.inner_text("#deadlines")

    # SOP 8 — the letter's link re-checked from its page: still up on the platform.
    page.click("#recheck-links button[type=submit]")
    page.wait_for_selector(".job-progress[data-status=done]", timeout=WAIT_JOB)
    assert "Pekerjaan selesai: 1 dari 1" in page.inner_text(".job-progress .job-text")
    assert sop.listing_status(casebook, still_up) == "active"

    # SOP 8 — monitoring: pasarku had two links listed, one taken down, one still up.
    _open(page, "Monitoring")
    row = page.locator("table#by_platform tbody tr").filter(
        has=page.get_by_role("rowheader", name="pasarku", exact=True)
    )
    figures = [row.locator("td").nth(n).inner_text() for n in range(3)]
    assert figures == ["2", "1", "1"]  # listed, taken down, still up
