"""In real headless Chromium: an analyst builds a takedown list from the register, makes its
letters, downloads a letter's DOCX and marks the letter sent — and the hostile listing title on
the way runs nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from casebook.models import Letter, TakedownList
from casebook.services import listings, register, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app

pytestmark = [pytest.mark.browser]

RUN = "window.__pwned=1"
HOSTILE = f'<script>{RUN}</script><img src=x onerror="{RUN}"> Krim Pemutih'
ROWS = [  # (title, platform, url)
    (HOSTILE, "pasarku", "http://pasar.example/p/0"),
    ("Tramadol 50 mg tanpa resep", "pasarku", "http://pasar.example/p/1"),
    ("Pil Pelangsing", "sosmed", f"javascript:{RUN}//sosmed.example/p/2"),
]


@pytest.fixture
def base_url(config, sessions, serve_app) -> str:
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        records = []
        for n, (title, platform, url) in enumerate(ROWS):
            span = Evidence(text=title[:10], field="title", start=0, end=10)
            hit = Hit("prescription_drug", "TEST-RX", 0.9, span, "test-1")
            record = ListingRecord(url=url, platform=platform, title=title, currency="IDR",
                                   seller=SellerRecord(platform, f"Toko {n}", ""))  # fmt: skip
            records.append((record, Verdict(url, (), "obat", (hit,), "test-1")))
        stored = listings.record_listings(session, records)
        register.decide(session, list(stored.listing_ids.values()), "takedown", actor="analis")
    app = create_app(config)
    app.config["PATROLI_PLATFORM_KINDS"] = {"pasarku": "marketplace", "sosmed": "social"}
    app.config["PATROLI_LETTER_PDF"] = False  # LibreOffice takes seconds; the DOCX is the point
    return serve_app(app)


def test_an_analyst_builds_a_list_makes_letters_downloads_and_marks_sent(
    base_url, chromium, sessions
):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{base_url}/login")
        page.fill("input[name=username]", "analis")
        page.fill("input[name=password]", "rahasia-1")
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{base_url}/takedown/")
        boxes = page.locator("input[name=entry_id]")
        assert boxes.count() == len(ROWS)
        assert "<script>" in page.locator("#build-list").inner_text()  # the title, as text
        for n in range(boxes.count()):
            boxes.nth(n).check()
        page.click("#build-list button[type=submit]")
        page.wait_for_selector("table#links")
        assert page.locator("table#links tr[data-link-id]").count() == len(ROWS)
        assert page.locator("a[href^='javascript:']").count() == 0

        page.select_option("#make-letters select[name=kind]", "rekomendasi_takedown")
        page.click("#make-letters button[type=submit]")
        page.wait_for_selector("table.letters")
        with sessions() as session:
            made = {x.recipient: x for x in session.scalars(select(Letter))}
        assert set(made) == {"idea", "komdigi"}
        page.click(f"tr[data-letter-id='{made['idea'].id}'] a")
        page.wait_for_selector("#preview .letter-page")
        assert "Yth." in page.locator("#preview").inner_text()

        with page.expect_download() as waiting:
            page.click("#download-docx")
        download = waiting.value
        document = Document(io.BytesIO(Path(download.path()).read_bytes()))
        assert made["idea"].number in "\n".join(p.text for p in document.paragraphs)

        today = (datetime.now(UTC) + timedelta(hours=7)).date()
        page.fill("#mark-sent input[name=sent_on]", today.isoformat())
        page.click("#mark-sent button[type=submit]")
        page.wait_for_selector("#letter-status.letter-sent")
        assert page.locator("#mark-sent").count() == 0
        assert page.evaluate("window.__pwned === undefined") and dialogs == []
    finally:
        context.close()
    with sessions() as session:
        sent = session.get(Letter, made["idea"].id)
        assert sent.status == "sent" and sent.sent_on == today
        assert session.scalar(select(TakedownList.created_by)) == "analis"
