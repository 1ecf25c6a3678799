"""Reports as files (SOP step 8 and step 2 note 6), built through the services from a patrol:
registry -> real rules -> register -> takedown list -> letters -> sent -> re-checks ->
re-proposal -> Komdigi's escalation; then the files opened (python-docx, openpyxl, pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from casebook.letters import office as office_module
from casebook.models import Listing
from casebook.reports import words
from casebook.services import (
    escalation,
    evidence,
    listings,
    monitoring,
    register,
    registry,
    takedown,
    users,
)
from casebook.services import letters as letter_service
from casebook.services import reports as service
from casebook.services.listings import ListingRecord, SellerRecord
from casebook.services.matching import Matcher
from casebook.vocabulary import violation_label
from crawler.evidence import EvidenceStore, Exchange
from rules.model import RegistryProduct

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}
BANDUNG = "Balai Besar POM di Bandung"
REGISTRY = [
    RegistryProduct("TR123456789", "Jamu Tolak Angin Herbal", "Sidomuncul Sehat",
                    "obat_tradisional"),
    RegistryProduct("SD987654321", "Vitamin C 1000 Zesta", "Zesta", "suplemen_kesehatan"),
]  # fmt: skip
# key, platform, title, description, decided by, re-check after the letters went out
PATROL = [
    ("a", "pasarku", "Krim Pemutih Wajah", "menyembuhkan jerawat", "ana", "nonactive"),
    ("b", "pasarku", "Jamu Kuat Perkasa POM TR 111222333", "menyembuhkan impotensi", "ana",
     "active"),
    ("c", "ceritaku", "Krim Pemutih Wajah Glowing", "putih dalam 3 hari", "ana", "nonactive"),
    ("d", "tokobebas", "Jamu Kuat Perkasa POM TR 111222333", "tahan lama", "ana", "active"),
    ("e", "pasarku", "Jamu Tolak Angin Herbal Sidomuncul Sehat POM TR 123456789",
     "Menyembuhkan diabetes dan kanker", "budi", "unknown"),
    ("f", "ceritaku", "Zesta Vitamin C 1000", "Dijamin menyembuhkan covid", "budi", "active"),
    # registered, with no forbidden claim: not in the advertising report (hard negative)
    ("g", "pasarku", "Zesta Vitamin C 1000 BPOM SD987654321", "menjaga daya tahan tubuh",
     "budi", None),
]  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def kind_of(platform: str, url: str) -> str:
    return KINDS.get(platform, "website")


@pytest.fixture
def office(config):
    return office_module.load(config.data_dir)


@pytest.fixture
def patrol(sessions, config, office):
    return build_patrol(sessions, config.data_dir, office)


def build_patrol(sessions, data_dir, office):
    """The patrol above, sent on 3 November, re-checked a day later; {key: listing id}."""
    store = EvidenceStore(data_dir)
    with sessions() as session, session.begin():
        registry.import_registry(session, REGISTRY, now=T0)
        users.create_user(session, "ana", "pw-ana-123456", "analyst", actor="t", now=T0)
        users.create_user(session, "budi", "pw-budi-123456", "upt_officer", actor="t",
                          unit=BANDUNG, now=T0)  # fmt: skip
    with sessions() as session, session.begin():
        matcher = Matcher.from_session(session, index_dir=data_dir / "index")
        batch, captures = [], []
        for key, platform, title, description, *_ in PATROL:
            url = f"http://{platform}.example/p/{key}"
            record = ListingRecord(url=url, platform=platform, title=title,
                                   description=description,
                                   seller=SellerRecord(platform, f"Toko {key}"))  # fmt: skip
            batch.append((record, matcher.check(record, today=T0.date())))
            exchange = Exchange(url, "GET", [("User-Agent", "t")], 200, "OK",
                                [("Content-Type", "text/html")], title.encode())  # fmt: skip
            captures.append(store.capture(url=url, kind="http", exchanges=[exchange],
                                          screenshot=PNG, now=T0))  # fmt: skip
        ids = listings.record_listings(session, batch, now=T0).listing_ids
        by_key = {key: ids[f"http://{p}.example/p/{key}"] for key, p, *_ in PATROL}
        evidence.record_captures(session, list(zip(captures, by_key.values(), strict=True)))
    with sessions() as session, session.begin():
        entry_ids = []
        for key, _, _, _, who, after in PATROL:
            decision = "takedown" if after else "intelligence"
            (entry,) = register.decide(session, [by_key[key]], decision, actor=who, now=T0)
            if after:
                entry_ids.append(entry.id)
        list_id = takedown.build_list(session, entry_ids, actor="ana", kind_of=kind_of,
                                      now=T0).id  # fmt: skip
        for key, *_ in PATROL:
            _checked(session, by_key[key], "active", T0)
        takedown.refresh_statuses(session, list_id, actor="ana", now=T0)
        made = letter_service.make_letters(session, list_id, "rekomendasi_takedown",
                                           actor="ana", office=office, with_pdf=False,
                                           now=T0)  # fmt: skip
        for letter in made:
            letter_service.mark_sent(session, letter.id, date(2026, 11, 3), actor="ana", now=T0)
    with sessions() as session, session.begin():
        for key, *_, after in PATROL:
            if after:
                _checked(session, by_key[key], after, T0 + timedelta(hours=30))
    return by_key


def _checked(session, listing_id, status, at):
    listing = session.get(Listing, listing_id)
    listing.status, listing.status_checked_at = status, at


def _letter(sessions, recipient):
    with sessions() as session:
        (letter,) = [x for x in letter_service.letters(session) if x.recipient == recipient]
        return letter.id, letter.number


def _monev(sessions, office, with_pdf=False, **period):
    period = period or {"since": date(2026, 11, 1), "until": date(2026, 11, 30)}
    with sessions() as session, session.begin():
        return service.monev(session, office, with_pdf=with_pdf, now=NOW, **period)


def _tables(path):
    """Each table of the DOCX as rows of cell texts."""
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in Document(str(path)).tables]  # fmt: skip


def _text(path):
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _sheet(path):
    book = load_workbook(path, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    return rows[0], rows[1:]


def test_monev_report_tables_hold_the_monitoring_figures(sessions, office, config, patrol):
    komdigi, komdigi_number = _letter(sessions, "komdigi")
    with sessions() as session, session.begin():
        monitoring.refresh_links(session, now=NOW)
        monitoring.repropose(session, actor="ana", now=NOW)
        escalation.escalate(session, komdigi, "st1", date(2026, 11, 6), actor="ana", now=NOW)
    made = _monev(sessions, office)
    assert set(made.files) == {"docx", "xlsx"}
    platform, recipient, commodity, stages = _tables(config.data_dir / made.files["docx"]["path"])
    header = ["Tautan", "Turun", "Masih aktif", "Tidak diketahui", "Diusulkan kembali",
              "Tingkat takedown", "Median jam", "Lewat batas waktu"]  # fmt: skip
    # six links listed: a, c went down 30 h after the list was made; b, d, f are still up
    # after the deadline and were proposed again (three more links); e is unknown (a bot
    # block never counts as down). f names a registered product without showing its NIE and
    # breaks only advertising rules: the takedown routing sends it to Dit. Was.
    assert recipient == [
        ["Penerima", *header],
        ["IdEA", "3", "1", "2", "0", "1", "33,3%", "30,0", "1"],
        ["Komdigi", "3", "1", "2", "0", "1", "33,3%", "30,0", "1"],
        ["Dit. Was", "3", "0", "2", "1", "1", "0,0%", "–", "2"],
        ["Jumlah", "9", "2", "6", "1", "3", "22,2%", "30,0", "4"],
    ]
    assert platform[0][0] == "Platform" and platform[-1] == recipient[-1]
    assert [row[:4] for row in platform[1:]] == [
        ["ceritaku", "3", "1", "2"], ["pasarku", "4", "1", "2"], ["tokobebas", "2", "0", "2"],
        ["Jumlah", "9", "2", "6"],
    ]  # fmt: skip
    assert [row[:3] for row in commodity[1:]] == [
        ["Kosmetik", "2", "2"], ["Obat Tradisional", "5", "0"], ["Suplemen Kesehatan", "2", "0"],
        ["Jumlah", "9", "2"],
    ]  # fmt: skip
    assert stages == [
        ["Nomor surat", "Dikirim", "Tautan", "Masih aktif", "Tahap", "Tanggal"],
        [komdigi_number, "3 November 2026", "2", "1", "Surat Teguran 1", "6 November 2026"],
    ]
    text = _text(config.data_dir / made.files["docx"]["path"])
    assert "Deputi Bidang Penindakan" in text and "B-.../SM.01/PW.02.03/11/2026" in text
    assert "periode 1 November 2026 s.d. 30 November 2026" in text
    assert made.summary["overall"]["listed"] == 9


def test_monev_attachment_lists_the_links_still_up(sessions, office, config, patrol):
    with sessions() as session, session.begin():
        monitoring.refresh_links(session, now=NOW)
        new_list = monitoring.repropose(session, actor="ana", now=NOW).id
    made = _monev(sessions, office)
    header, rows = _sheet(config.data_dir / made.files["xlsx"]["path"])
    assert header == words.MONEV_HEADER
    got = [(r[1].rsplit("/", 1)[1], r[3], r[15], r[16]) for r in rows]
    assert got == [
        ("b", "IdEA", 1, f"diusulkan kembali (daftar takedown {new_list})"),
        ("d", "Komdigi", 1, f"diusulkan kembali (daftar takedown {new_list})"),
        ("f", "Dit. Was", 1, f"diusulkan kembali (daftar takedown {new_list})"),
        ("b", "IdEA", 2, "surat rekomendasi belum dikirim"),
        ("d", "Komdigi", 2, "surat rekomendasi belum dikirim"),
        ("f", "Dit. Was", 2, "surat rekomendasi belum dikirim"),
    ]
    assert all(len(r[9]) == 64 for r in rows)  # the capture's manifest hash
    assert rows[0][7] and rows[0][8]  # violations and their legal basis
    assert "a" not in {r[1].rsplit("/", 1)[1] for r in rows}  # down: not attached


@pytest.mark.parametrize(
    "since, until, listed",
    [
        (date(2026, 11, 2), date(2026, 11, 2), 6),  # the day the list was made (Jakarta)
        (date(2026, 11, 1), date(2026, 11, 1), 0),
        (date(2026, 11, 3), date(2026, 12, 31), 0),  # a quarter without lists
        (date(2026, 10, 1), date(2026, 12, 31), 6),  # IdEA's quarterly monev meeting
    ],
)
def test_monev_period_counts_links_listed_in_it(sessions, office, config, patrol, since, until,
                                                listed):  # fmt: skip
    made = _monev(sessions, office, since=since, until=until)
    assert made.summary["overall"]["listed"] == listed
    *_, total = _tables(config.data_dir / made.files["docx"]["path"])[1]
    assert total[:2] == ["Jumlah", str(listed)]
    header, rows = _sheet(config.data_dir / made.files["xlsx"]["path"])
    assert header == words.MONEV_HEADER and len(rows) == made.summary["overall"]["still_up"]


def test_a_period_that_ends_before_it_starts_is_refused(sessions, office, config):
    with pytest.raises(service.ReportError, match=r"ends \(2026-10-01\) before it starts"):
        _monev(sessions, office, since=date(2026, 11, 1), until=date(2026, 10, 1))
    assert not (config.data_dir / "reports").exists()


@pytest.mark.parametrize(
    "unit, expected",
    [
        # e: shown registered NIE, only claims; f: recognised by name and brand, only claims.
        # Not: a (cosmetic), b and d (unregistered NIE too), g (no claim at all).
        (None, [("e", "TR123456789", "Obat Tradisional"),
                ("f", "tidak dicantumkan", "Suplemen Kesehatan")]),
        (BANDUNG, [("e", "TR123456789", "Obat Tradisional"),
                   ("f", "tidak dicantumkan", "Suplemen Kesehatan")]),
        ("Dit. Siber", []),  # ana's entries: none of them an advertising-only registered product
        ("Balai POM di Jayapura", []),
    ],
)  # fmt: skip
def test_upt_advertising_report_lists_registered_products_with_only_claims(
    sessions, office, config, patrol, unit, expected
):
    with sessions() as session, session.begin():
        made = service.upt_advertising(session, office, month=date(2026, 11, 1), unit=unit,
                                       with_pdf=False, now=NOW)  # fmt: skip
    header, rows = _sheet(config.data_dir / made.files["xlsx"]["path"])
    assert header == words.UPT_HEADER
    assert [(r[11].rsplit("/", 1)[1], r[6], r[3]) for r in rows] == expected
    for row in rows:
        assert row[1] == "November 2026" and row[2] == BANDUNG
        assert "menyembuhkan" in row[7].lower() and row[8] == violation_label("misleading_claim")
        assert len(row[12]) == 64 and row[10] in ("pasarku", "ceritaku")
    if rows:
        assert rows[0][5] == "Jamu Tolak Angin Herbal (Sidomuncul Sehat)"
        assert rows[1][5] == "dikenali dari nama dan merek"
    docx = config.data_dir / made.files["docx"]["path"]
    tables = _tables(docx)
    listed = [row[2] for row in tables[1][1:]] if len(tables) > 1 else []
    assert listed == [nie for _, nie, _ in expected]
    text = _text(docx)
    assert "Direktur Pengawasan Obat Tradisional dan Suplemen Kesehatan" in text
    assert f"ditemukan {len(expected)} (" in text


@pytest.mark.parametrize("month, count", [(date(2026, 11, 1), 2), (date(2026, 10, 1), 0),
                                          (date(2026, 12, 1), 0)])  # fmt: skip
def test_upt_report_covers_entries_decided_in_its_month(sessions, office, patrol, month, count):
    with sessions() as session, session.begin():
        made = service.upt_advertising(session, office, month=month, with_pdf=False, now=NOW)
    assert made.summary["listings"] == count
    assert made.folder == f"reports/upt-iklan/{month:%Y-%m}/semua-unit"


def test_an_unknown_unit_is_refused(sessions, office):
    with sessions() as session, pytest.raises(service.ReportError, match=r"neither Dit\. Siber"):
        service.upt_advertising(session, office, month=date(2026, 11, 1), unit="Kantor Pos")


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler not installed")  # fmt: skip
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_pdfs_say_what_the_docx_says(sessions, office, config, patrol):
    made = _monev(sessions, office, with_pdf=True)
    with sessions() as session, session.begin():
        upt = service.upt_advertising(session, office, month=date(2026, 11, 1), now=NOW)
    said = {"monev": ["Hasil Monitoring dan Evaluasi", "Komdigi", "33,3%"],
            "upt_iklan": ["TR123456789", "Zesta Vitamin", "November 2026"]}  # fmt: skip
    for report in (made, upt):
        words_in_it = said[report.name]
        pdf = config.data_dir / report.files["pdf"]["path"]
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        for expected in words_in_it:
            assert expected in text
