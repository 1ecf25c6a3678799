"""Takedown lists, letters and monitoring pages over a real SQLite casebook: build a list,
verify it, make letters and read their files back, mark sent, record answers, monitoring and
re-proposals; crawled text escaped; roles and units gated."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from casebook.letters import office as letter_office
from casebook.letters import xlsx
from casebook.models import Job, Letter, Listing, RegisterEntry, TakedownLink, TakedownList
from casebook.services import letters, listings, register, takedown, users
from casebook.services.listings import ListingRecord, SellerRecord, StatusCheck
from rules.model import Evidence, Hit, Verdict
from web import create_app

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
UPT = "Balai Besar POM di Bandung"
ROWS = [  # (title, platform, url, codes, decision)
    (HOSTILE + " Krim Pemutih", "pasarku", "http://pasar.example/p/0",
     ["hazardous_ingredient", "no_nie"], "takedown"),
    ("Tramadol 50 mg tanpa resep", "pasarku", "http://pasar.example/p/1",
     ["prescription_drug"], "takedown"),
    ("Pil Pelangsing", "sosmed", "javascript:alert(1)//sosmed.example/p/2", ["no_nie"],
     "takedown"),
    ("Jamu Kuat Instan", "tokosehat", "http://toko.example/p/3", ["misleading_claim"],
     "intelligence"),
]  # fmt: skip
PASSWORDS = {"analis": "rahasia-1", "tamu": "rahasia-2", "penelaah": "rahasia-3",
             "balai": "rahasia-4"}  # fmt: skip
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _verdict(url: str, codes: list[str], title: str) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=title[:10], field="title", start=0, end=10), "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, (), "kosmetik", hits, "test-1")


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", PASSWORDS["analis"], "analyst", actor="test")
        users.create_user(session, "tamu", PASSWORDS["tamu"], "viewer", actor="test")
        users.create_user(session, "penelaah", PASSWORDS["penelaah"], "reviewer",
                          unit="Direktorat Pengawasan Kosmetik", actor="test")  # fmt: skip
        users.create_user(session, "balai", PASSWORDS["balai"], "upt_officer", unit=UPT,
                          actor="test")  # fmt: skip
        records = []
        for n, (title, platform, url, codes, _) in enumerate(ROWS):
            record = ListingRecord(
                url=url, platform=platform, title=title, description=f"Deskripsi {n}",
                price=10000.0, currency="IDR",
                seller=SellerRecord(platform, f"Toko {n}", f"http://pasar.example/toko/{n}"),
            )  # fmt: skip
            records.append((record, _verdict(url, codes, title)))
        listings.record_listings(session, records)
        for _title, _, url, _, decision in ROWS:
            listing_id = session.scalar(select(Listing.id).where(Listing.url == url))
            register.decide(session, [listing_id], decision, actor="analis")
    app = create_app(config, testing=True)
    app.config["PATROLI_PLATFORM_KINDS"] = {"pasarku": "marketplace", "sosmed": "social"}
    app.config["PATROLI_LETTER_PDF"] = False  # LibreOffice takes seconds; DOCX and XLSX suffice
    return app


def _client(app, who: str | None = "analis"):
    client = app.test_client()
    if who:
        token = _token(client.get("/login"))
        answer = client.post("/login", data={"username": who, "password": PASSWORDS[who],
                                             "csrf_token": token})  # fmt: skip
        assert answer.status_code == 302, who
    return client


def _token(page) -> str:
    text = page.get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', text)
    if found is None:
        found = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', text)
    return found.group(1)


def _post(client, path: str, data: dict | None = None, page: str = "/takedown/"):
    token = _token(client.get(page))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def _entries(sessions) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(select(Listing.url, RegisterEntry.id).join(
            RegisterEntry, RegisterEntry.listing_id == Listing.id))  # fmt: skip
        return {url: entry_id for url, entry_id in rows}


def _takedown_ids(sessions) -> list[int]:
    return [_entries(sessions)[url] for _, _, url, _, d in ROWS if d == "takedown"]


def _build(client, sessions) -> int:
    ids = _takedown_ids(sessions)
    answer = _post(client, "/takedown/", {"entry_id": [str(i) for i in ids]})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _letters(client, sessions, list_id: int) -> list[Letter]:
    answer = _post(client, f"/takedown/{list_id}/letters", {"kind": "rekomendasi_takedown"})
    assert answer.status_code == 303 and f"/letters/?list={list_id}" in answer.headers["Location"]
    with sessions() as session:
        return list(session.scalars(select(Letter).where(Letter.list_id == list_id)))


def _download(client, path: str) -> bytes:
    answer = client.get(path)
    assert answer.status_code == 200, path
    data = answer.get_data()
    answer.close()
    return data


def _sheet(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


# -- takedown lists ---------------------------------------------------------------------------


def test_build_a_list_from_the_register(app, sessions):
    client = _client(app)
    page = client.get("/takedown/").get_data(as_text=True)
    ready = set(map(int, re.findall(r'name="entry_id" value="(\d+)"', page)))
    assert ready == set(_takedown_ids(sessions))  # intelligence entries are not offered
    list_id = _build(client, sessions)
    page = client.get(f"/takedown/{list_id}").get_data(as_text=True)
    assert page.count("data-link-id=") == 3
    assert "IdEA" in page and "Komdigi" in page
    with sessions() as session:
        found = session.get(TakedownList, list_id)
        assert found.created_by == "analis" and found.status == "draft"
        routed = {link.url: link.recipient for link in found.links}
    assert routed["http://pasar.example/p/1"] == "idea"
    assert routed["javascript:alert(1)//sosmed.example/p/2"] == "komdigi"
    index = client.get("/takedown/").get_data(as_text=True)
    assert f'data-list-id="{list_id}"' in index and "IdEA: 2" in index
    assert 'name="entry_id"' not in index  # all three are on an open list now


@pytest.mark.parametrize(
    ("chosen", "status", "message"),
    [
        ("intelligence", 409, "register entries not decided takedown: {id} (intelligence)"),
        ("999", 400, "no register entry 999"),
        ("abc", 400, "Bukan nomor entri: abc"),
        ("", 409, "no register entries to list"),
        ("listed", 409, "already on an open takedown list: {id} (list"),
    ],
)
def test_a_list_refused_names_the_entry(app, sessions, chosen, status, message):
    client = _client(app)
    entries = _entries(sessions)
    wanted = {
        "intelligence": str(entries["http://toko.example/p/3"]),
        "listed": str(entries["http://pasar.example/p/1"]),
    }.get(chosen, chosen)
    if chosen == "listed":
        _build(client, sessions)
    answer = _post(client, "/takedown/", {"entry_ids": wanted})
    assert answer.status_code == status
    page = answer.get_data(as_text=True)
    assert message.format(id=wanted) in page.replace("&#39;", "'")
    assert 'class="flash error"' in page
    with sessions() as session:  # nothing half-made
        assert session.query(TakedownList).count() == (1 if chosen == "listed" else 0)


def test_an_upt_officer_lists_only_its_own_units_entries(app, sessions):
    client = _client(app, "balai")
    page = client.get("/takedown/").get_data(as_text=True)
    assert 'id="build-list"' in page and 'name="entry_id"' not in page  # Dit. Siber's entries
    wanted = _takedown_ids(sessions)[0]
    answer = _post(client, "/takedown/", {"entry_ids": str(wanted)})
    assert answer.status_code == 400
    assert f"no register entry {wanted}" in answer.get_data(as_text=True)
    with sessions() as session:
        assert session.query(TakedownList).count() == 0


def test_verify_now_starts_a_job(app, sessions):
    client = _client(app)
    list_id = _build(client, sessions)
    answer = _post(client, f"/takedown/{list_id}/verify")
    assert answer.status_code == 303
    job_id = int(re.search(r"job=(\d+)", answer.headers["Location"]).group(1))
    with sessions() as session:
        job = session.get(Job, job_id)
        assert job.kind == "verify_list" and job.args["list_id"] == list_id
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"/jobs/{job_id}" in page


def test_export_xlsx_and_csv_have_the_attachment_columns(app, sessions):
    client = _client(app)
    list_id = _build(client, sessions)
    rows = _sheet(_download(client, f"/takedown/{list_id}/export.xlsx"))
    assert rows[0] == xlsx.HEADER and len(rows) == 4
    assert {row[1] for row in rows[1:]} == {url for _, _, url, _, d in ROWS if d == "takedown"}
    text = _download(client, f"/takedown/{list_id}/export.csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == xlsx.HEADER and len(table) == 4
    assert any(HOSTILE in row[4] for row in table[1:])  # kept as text, not dropped


# -- letters ----------------------------------------------------------------------------------


def test_make_letters_and_read_the_files_back(app, sessions):
    client = _client(app)
    list_id = _build(client, sessions)
    made = _letters(client, sessions, list_id)
    assert {x.recipient for x in made} == {"idea", "komdigi"}
    index = client.get(f"/letters/?list={list_id}").get_data(as_text=True)
    for letter in made:
        assert letter.number in index
    idea = next(x for x in made if x.recipient == "idea")
    document = Document(io.BytesIO(_download(client, f"/letters/{idea.id}/docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert idea.number in text and "Yth." in text and "Tembusan" in text
    rows = _sheet(_download(client, f"/letters/{idea.id}/xlsx"))
    assert rows[0] == xlsx.HEADER and len(rows) == 3  # the two marketplace links
    assert client.get(f"/letters/{idea.id}/pdf").status_code == 404  # PDFs switched off here


def test_the_preview_shows_the_letter_as_its_docx(app, sessions):
    client = _client(app)
    made = _letters(client, sessions, _build(client, sessions))
    idea = next(x for x in made if x.recipient == "idea")
    page = client.get(f"/letters/{idea.id}").get_data(as_text=True)
    preview = page.split('id="preview"', 1)[1]
    for words in ("BADAN PENGAWAS OBAT DAN MAKANAN", "Nomor", idea.number, "Sifat", "Lampiran",
                  "Hal", "Yth.", "Asosiasi E-Commerce Indonesia", "Atas perhatian",
                  "NIP", "Tembusan", "Kepala Badan Pengawas Obat dan Makanan"):  # fmt: skip
        assert words in preview, words
    assert "Krim Pemutih" in preview  # the attachment's rows
    document = Document(io.BytesIO(_download(client, f"/letters/{idea.id}/docx")))
    rest = preview
    for paragraph in document.paragraphs:  # every line of the DOCX, and in its order
        for part in filter(None, (x.strip() for x in paragraph.text.split("\t"))):
            at = rest.find(html.escape(part, quote=False))
            assert at >= 0, part
            rest = rest[at:]
    assert "<script>alert" not in page and "&lt;script&gt;alert" in preview


def test_mark_sent_then_record_responses(app, sessions):
    client = _client(app)
    made = _letters(client, sessions, _build(client, sessions))
    letter = next(x for x in made if x.recipient == "komdigi")
    page = f"/letters/{letter.id}"
    answer = _post(client, f"{page}/responses", {"outcome": "done", "received_on": _today()},
                   page=page)  # fmt: skip
    assert "has not been sent yet" in client.get(answer.headers["Location"]).get_data(as_text=True)
    answer = _post(client, f"{page}/sent", {"sent_on": "kemarin"}, page=page)
    assert "Bukan tanggal (YYYY-MM-DD): kemarin" in client.get(page).get_data(as_text=True)
    assert _post(client, f"{page}/sent", {"sent_on": _today()}, page=page).status_code == 303
    shown = client.get(page).get_data(as_text=True)
    with sessions() as session:
        sent = session.get(Letter, letter.id)
        assert sent.status == "sent" and sent.due_on is not None and sent.deadline_at is not None
        link_id = session.scalar(select(TakedownLink.id).where(TakedownLink.letter_id == letter.id))
    assert "Surat ditandai terkirim." in shown and str(sent.due_on) in shown
    assert "hari kerja lagi" in shown and "WIB" in shown
    answer = _post(client, f"{page}/responses", {"outcome": "refused", "received_on": _today(),
                                                 "link_id": str(link_id), "note": HOSTILE},
                   page=page)  # fmt: skip
    shown = client.get(page).get_data(as_text=True)
    assert "Tanggapan dicatat." in shown and "ditolak" in shown
    assert HOSTILE not in shown and "&lt;script&gt;" in shown
    with sessions() as session:
        assert session.get(TakedownLink, link_id).response == "refused"
    answer = _post(client, f"{page}/escalation", {"stage": "st1", "reached_on": _today()},
                   page=page)  # fmt: skip
    assert "Surat Teguran 1" in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize(
    ("sent_days_ago", "answered", "flagged"),
    [(45, False, True), (45, True, False), (2, False, False)],  # 20 HK is about four weeks
)
def test_overdue_by_working_days(app, sessions, config, sent_days_ago, answered, flagged):
    past = datetime.now(UTC) - timedelta(days=sent_days_ago)
    with sessions() as session, session.begin():
        built = takedown.build_list(session, _takedown_ids(sessions), actor="analis",
                                    kind_of=lambda p, u: "marketplace", now=past)  # fmt: skip
        made = letters.make_letters(session, built.id, "rekomendasi_takedown", actor="analis",
                                    office=letter_office.load(config.data_dir), with_pdf=False,
                                    now=past)  # fmt: skip
        sent_on = (past + timedelta(hours=7)).date()
        letters.mark_sent(session, made[0].id, sent_on, actor="analis")
        if answered:
            letters.record_response(session, made[0].id, "partial", received_on=sent_on,
                                    actor="analis")  # fmt: skip
    page = _client(app, "tamu").get("/letters/").get_data(as_text=True)
    assert ("overdue-flag" in page) is flagged
    shown = _client(app, "tamu").get(f"/letters/{made[0].id}").get_data(as_text=True)
    assert ("hari kerja terlambat" in shown) is (sent_days_ago > 40)


def test_letters_refused_for_a_list_whose_links_are_all_down(app, sessions):
    client = _client(app)
    list_id = _build(client, sessions)
    with sessions() as session, session.begin():
        ids = [link.listing_id for link in session.get(TakedownList, list_id).links]
        listings.record_statuses(session, [StatusCheck(i, "nonactive", "404") for i in ids])
        takedown.refresh_statuses(session, list_id, actor="analis")
    answer = _post(client, f"/takedown/{list_id}/letters", {"kind": "rekomendasi_takedown"})
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"takedown list {list_id} has no link left to act on" in page
    with sessions() as session:
        assert session.query(Letter).count() == 0


def test_a_letter_whose_docx_is_gone_says_so(app, sessions, config):
    client = _client(app)
    letter = _letters(client, sessions, _build(client, sessions))[0]
    (config.data_dir / letter.files["docx"]["path"]).unlink()
    answer = client.get(f"/letters/{letter.id}")
    assert answer.status_code == 200  # the rest of the page still works
    assert f"letter {letter.id} ({letter.number}): surat.docx" in answer.get_data(as_text=True)
    assert client.get(f"/letters/{letter.id}/docx").status_code == 404


def _today() -> str:
    return (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()


# -- monitoring -------------------------------------------------------------------------------


def _overdue_letter(sessions, config) -> int:
    """A list made, lettered and sent ten days ago whose links are still up."""
    past = datetime.now(UTC) - timedelta(days=10)
    with sessions() as session, session.begin():
        built = takedown.build_list(session, _takedown_ids(sessions), actor="analis",
                                    kind_of=lambda p, u: "marketplace", now=past)  # fmt: skip
        made = letters.make_letters(session, built.id, "rekomendasi_takedown", actor="analis",
                                    office=letter_office.load(config.data_dir), with_pdf=False,
                                    now=past)  # fmt: skip
        letters.mark_sent(session, made[0].id, (past + timedelta(hours=7)).date(), actor="analis")
        ids = [link.listing_id for link in built.links]
        listings.record_statuses(session, [StatusCheck(i, "active", "200") for i in ids],
                                 now=past + timedelta(days=3))  # fmt: skip
        return built.id


def test_monitoring_figures_and_overdue(app, sessions, config):
    _overdue_letter(sessions, config)
    page = _client(app, "tamu").get("/monitoring/").get_data(as_text=True)
    assert re.search(r'id="overdue-links">3<', page)
    by_platform = page.split('id="by_platform"', 1)[1].split("</table>", 1)[0]
    assert "pasarku" in by_platform and "sosmed" in by_platform
    assert "IdEA" in page.split('id="by_recipient"', 1)[1].split("</table>", 1)[0]
    assert "Lewat batas waktu platform" in page  # the letter, among the overdue ones
    later = (date.today() + timedelta(days=30)).isoformat()
    page = _client(app, "tamu").get(f"/monitoring/?since={later}").get_data(as_text=True)
    assert re.search(r'id="overdue-links">0<', page)


def test_repropose_shows_the_new_list(app, sessions, config):
    old = _overdue_letter(sessions, config)
    client = _client(app)
    answer = _post(client, "/monitoring/repropose", page="/monitoring/")
    assert answer.status_code == 303
    new = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert new != old
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Diusulkan kembali: list takedown" in page
    assert page.count("data-link-id=") == 3 and f"#{old} (usulan 1)" in page
    again = _post(client, "/monitoring/repropose", page="/monitoring/")
    assert again.headers["Location"].endswith("/monitoring/")  # carried forward once per round
    assert "Tidak ada tautan aktif" in client.get("/monitoring/").get_data(as_text=True)


def test_monev_report_download(app, sessions, config):
    _overdue_letter(sessions, config)
    client = _client(app)
    since = (date.today() - timedelta(days=20)).isoformat()
    wanted = {"since": since, "until": _today(), "format": "xlsx"}
    answer = _post(client, "/monitoring/monev", wanted, page="/monitoring/")
    assert answer.status_code == 200
    rows = _sheet(answer.get_data())
    answer.close()
    assert len(rows) == 4  # header + the three links still up
    bad = _post(client, "/monitoring/monev", {"since": _today(), "until": since, "format": "docx"},
                page="/monitoring/")  # fmt: skip
    assert bad.status_code == 303
    assert "before it starts" in client.get("/monitoring/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("balai", 403), ("tamu", 403), ("analis", 303)])
def test_only_dit_siber_proposes_again_every_units_links(app, sessions, config, who, status):
    _overdue_letter(sessions, config)
    client = _client(app, who)
    answer = _post(client, "/monitoring/repropose", page="/monitoring/")
    assert answer.status_code == status
    with sessions() as session:
        assert session.query(TakedownList).count() == (2 if status == 303 else 1)


@pytest.mark.parametrize(("who", "asked", "unit"), [
    ("balai", "", UPT), ("balai", "Balai POM di Jayapura", UPT),  # its own, whatever it asks
    ("analis", "Balai POM di Jayapura", "Balai POM di Jayapura"), ("analis", "", "semua unit"),
])  # fmt: skip
def test_the_upt_report_is_the_officers_own_unit(app, who, asked, unit):
    client = _client(app, who)
    data = {"month": _today()[:7], "unit": asked, "format": "docx"}
    answer = _post(client, "/monitoring/upt-report", data, page="/monitoring/")
    assert answer.status_code == 200, answer.headers.get("Location")
    disposition = answer.headers["Content-Disposition"]
    answer.close()
    assert re.sub(r"[^a-z0-9]+", "-", unit.lower()) in disposition


# -- escaping and roles -----------------------------------------------------------------------


def test_hostile_titles_and_urls_are_text(app, sessions):
    client = _client(app)
    pages = [client.get("/takedown/").get_data(as_text=True)]  # the entries ready to list
    list_id = _build(client, sessions)
    pages.append(client.get(f"/takedown/{list_id}").get_data(as_text=True))
    for page in pages:
        assert HOSTILE not in page and "&lt;script&gt;" in page
        assert 'href="javascript:' not in page
        assert "javascript:alert(1)//sosmed.example/p/2" in page  # shown, as text
        assert 'href="http://pasar.example/p/1"' in page


@pytest.mark.parametrize(
    ("who", "reads", "make", "send"),
    [
        ("tamu", 200, 403, 403),  # a viewer reads
        ("penelaah", 200, 403, 403),  # a reviewer reads and answers referrals
        ("balai", 200, 404, 404),  # an UPT officer acts, on its own unit's lists only
        ("analis", 200, 303, 303),
        (None, 302, 302, 302),  # to the login page
    ],
)
def test_role_gates(app, sessions, who, reads, make, send):
    analyst = _client(app)
    list_id = _build(analyst, sessions)
    letter = _letters(analyst, sessions, list_id)[0]
    client = _client(app, who)
    for path in ("/takedown/", "/letters/", "/monitoring/"):
        assert client.get(path).status_code == reads, path
    token = _token(client.get("/login" if who is None else "/takedown/"))
    made = client.post(f"/takedown/{list_id}/letters", data={"csrf_token": token})
    assert made.status_code == make
    sent = client.post(f"/letters/{letter.id}/sent", data={"sent_on": _today(),
                                                            "csrf_token": token})  # fmt: skip
    assert sent.status_code == send
    if who == "balai":  # not Dit. Siber's lists and letters, not even to read
        assert client.get(f"/takedown/{list_id}").status_code == 404
        assert client.get(f"/letters/{letter.id}").status_code == 404


def test_a_reviewer_answers_the_referrals_addressed_to_it(app, sessions):
    analyst = _client(app)
    list_id = _build(analyst, sessions)
    takedown_letter = _letters(analyst, sessions, list_id)[0]
    answer = _post(analyst, f"/takedown/{list_id}/letters", {"kind": "rekomendasi_pelaku"})
    assert answer.status_code == 303
    with sessions() as session:
        referral = session.scalar(select(Letter).where(Letter.kind == "rekomendasi_pelaku"))
    for letter in (referral, takedown_letter):
        page = f"/letters/{letter.id}"
        assert _post(analyst, f"{page}/sent", {"sent_on": _today()}, page=page).status_code == 303
    reviewer = _client(app, "penelaah")
    page = f"/letters/{referral.id}"
    shown = reviewer.get(page).get_data(as_text=True)
    assert 'id="record-response"' in shown and 'id="mark-sent"' not in shown
    answer = _post(reviewer, f"{page}/responses", {"outcome": "more_info",
                                                   "received_on": _today()}, page=page)  # fmt: skip
    assert answer.status_code == 303
    assert "meminta informasi tambahan" in reviewer.get(page).get_data(as_text=True)
    # the takedown recommendation went to a platform's regulator: not the reviewer's to answer
    assert reviewer.get(f"/letters/{takedown_letter.id}").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(app, sessions):
    client = _client(app)
    ids = _takedown_ids(sessions)
    assert client.post("/takedown/", data={"entry_ids": str(ids[0])}).status_code == 400
    with sessions() as session:
        assert session.query(TakedownList).count() == 0


@pytest.mark.parametrize(
    ("path", "english", "indonesian"),
    [
        ("/takedown/", "Build a takedown list", "Buat list takedown"),
        ("/letters/", "No letters yet.", "Belum ada surat."),
        ("/monitoring/", "Propose again the links still up", "Usulkan ulang tautan"),
    ],
)
def test_english_is_switchable(app, path, english, indonesian):
    client = _client(app)
    assert indonesian in client.get(path).get_data(as_text=True)  # Indonesian by default
    client.post("/lang/en", data={"csrf_token": _token(client.get(path))})
    page = client.get(path).get_data(as_text=True)
    assert english in page and indonesian not in page
