"""The Dokumen Profiling (one actor; the actors of a period ranked by risk) and the Rekomendasi
Pelaku, read back as their readers read them: python-docx, the PDF's text (pdftotext), openpyxl;
the referral sent and answered through services.letters like any letter."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from casebook.letters import office as office_module
from casebook.letters import template_source
from casebook.models import AuditEvent, Letter, LetterSequence
from casebook.reports import profiling_source
from casebook.services import letters, profiling_docs
from casebook.services.profiling import NoSuchActor
from casebook.services.reports import ReportError
from casebook.vocabulary import violation_label

_spec = importlib.util.spec_from_file_location(
    "actors_world", Path(__file__).with_name("test_actor_profile.py")
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)
T0, NOW, PHONE, BANK = world_module.T0, world_module.NOW, world_module.PHONE, world_module.BANK
HAS_PDF = bool(shutil.which("soffice") and shutil.which("pdftotext"))


@pytest.fixture
def office(config):
    return office_module.load(config.data_dir)


@pytest.fixture
def world(sessions):
    return world_module.build(sessions)


shared = world_module.shared  # one world per database for the tests that number no letter


@pytest.fixture(scope="module")
def shared_office(tmp_path_factory):
    return office_module.load(tmp_path_factory.mktemp("var"))


@pytest.fixture
def on_shared(shared, shared_office):
    """(sessions, world, office, backend) of the shared world."""
    sessions, world = shared
    return sessions, world, shared_office, sessions.kw["bind"].dialect.name


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return " ".join(out.stdout.split())


def document(sessions, office, **kwargs):
    with sessions() as session, session.begin():
        return profiling_docs.make_profiling_document(
            session, actor="ana", office=office, now=NOW, **kwargs
        )


def refer(sessions, office, actor_id, recipient="dit_intelijen", **kwargs):
    with sessions() as session, session.begin():
        letter = profiling_docs.refer_actor(session, actor_id, recipient, actor="ana",
                                            office=office, now=NOW, **kwargs)  # fmt: skip
        return letter.id, letter.number, dict(letter.files), letter.list_id, letter.actor_id


def test_one_actors_document_says_who_and_why(on_shared):
    sessions, world, office, backend = on_shared
    with_pdf = HAS_PDF and backend == "sqlite"  # the PDF is LibreOffice's, whatever the database
    actor_id = world["actors"]["Toko Sehat"]
    made = document(sessions, office, actor_id=actor_id, with_pdf=with_pdf)
    assert made.number == "B-.../SM.01/PW.02.03/11/2026"  # the running number left to the agenda
    assert made.folder == f"reports/profiling/actor-{world['actors']['Toko Sehat']}"
    text = text_of(office.data_dir / made.files["docx"]["path"])
    assert "{{" not in text and "{%" not in text
    expected = [
        "Hal\t: Dokumen Profiling Pelaku Toko Sehat", "Deputi Bidang Penindakan",
        "Terdapat 1 (satu) pelaku dengan 3 akun penjual dan 6 tautan, 5 di antaranya",
        "1. Pelaku Toko Sehat", "skor risiko 88",
        "Toko Sehat", "Sehat Store", "Sehat Official", "http://tokobebas.example/s/C",
        "Jakarta", "Bandung", PHONE, BANK, "sehat@mail.example", "Rekening bank",
        violation_label("hazardous_ingredient") + ": 1 tautan",
        violation_label("no_nie") + ": 3 tautan", "Krim Pemutih Super: 3 tautan",
        "pelanggaran terberat: Mengandung BKO/bahan dilarang (+30)",
        "2 tautan direkomendasikan takedown, 1 telah turun, 1 masih aktif",
        "Muncul kembali dengan akun lain setelah takedown: 1 kali",
        "http://pasarku.example/p/a1 (Toko Sehat (pasarku)) turun 4 November 2026; akun Sehat "
        "Official (tokobebas) muncul sebagai akun baru",
        "akun Sehat Store (ceritaku) tetap berjualan",
        "Toko Lain (pasarku) dan Sehat Official (tokobebas) (skor 0,70): nama toko mirip",
    ]  # fmt: skip
    for part in expected:
        assert part in text, part
    assert "Toko F" not in text and "Dua Akun" not in text  # another actor's
    sheet = openpyxl.load_workbook(office.data_dir / made.files["xlsx"]["path"]).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == profiling_docs.SHEET_HEADER
    assert sorted(r[5] for r in rows[1:]) == sorted(
        world_module.url_of(k) for k in ("a1", "a2", "a3", "b1", "b2", "c1")
    )
    assert {r[5]: r[9] for r in rows[1:]}[world_module.url_of("a1")] == "turun"
    if with_pdf:
        printed = pdf_text(office.data_dir / made.files["pdf"]["path"])
        for part in ("Dokumen Profiling", "Sehat Store", "Sehat Official", PHONE, BANK,
                     violation_label("hazardous_ingredient")):  # fmt: skip
            assert part in printed, part
    with sessions() as session:
        last = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "actor.document", AuditEvent.target == f"actor:{actor_id}")
            .order_by(AuditEvent.id.desc())
        ).first()
    assert (last.actor, last.after["files"]["docx"]) == ("ana", made.files["docx"]["sha256"])


@pytest.mark.parametrize(
    "since, until, ranked",
    [
        # day 5: Toko Sehat (a3, b1, b2) and Dua Akun (g1); Toko Lain was last seen on day 0
        (5, 5, [("Toko Sehat", "88"), ("Dua Akun", "33")]),
        (0, 0, [("Toko Sehat", "88"), ("Dua Akun", "33"), ("Toko Lain", "18")]),
        (7, 9, []),  # nobody was seen; the merged actor never shows
    ],
)
def test_a_periods_document_ranks_the_active_actors(on_shared, since, until, ranked):
    sessions, world, office, _ = on_shared
    first, last = (T0 + timedelta(days=since)).date(), (T0 + timedelta(days=until)).date()
    made = document(sessions, office, since=first, until=last, with_pdf=False)
    assert made.summary["actors"] == [world["actors"][name] for name, _ in ranked]
    table = docx.Document(str(office.data_dir / made.files["docx"]["path"])).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert [(r[1], r[7]) for r in rows] == ranked
    text = text_of(office.data_dir / made.files["docx"]["path"])
    assert f"Terdapat {len(ranked)} (" in text
    for name, _ in ranked:
        assert f". Pelaku {name} (ID {world['actors'][name]})" in text


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "of one actor or of a period: give one"),
        ({"actor_id": 1, "since": date(2026, 11, 1)}, "of one actor or of a period"),
        ({"since": date(2026, 11, 1)}, "needs both its first and last day"),
        ({"since": date(2026, 11, 5), "until": date(2026, 11, 1)}, "ends \\(2026-11-01\\) before"),
    ],
)
def test_bad_document_requests_are_named(on_shared, kwargs, message):
    sessions, _, office, _ = on_shared
    with pytest.raises(ReportError, match=message):
        document(sessions, office, with_pdf=False, **kwargs)


def test_a_missing_actors_document_is_refused(on_shared):
    sessions, _, office, _ = on_shared
    with pytest.raises(NoSuchActor, match="no actor 999"):
        document(sessions, office, actor_id=999, with_pdf=False)


def test_referral_is_a_numbered_letter_about_the_actor(sessions, config, office, world, backend):
    actor_id = world["actors"]["Toko Sehat"]
    with_pdf = HAS_PDF and backend == "sqlite"
    _, number, files, list_id, about = refer(sessions, office, actor_id, with_pdf=with_pdf)
    assert (number, list_id, about) == ("B-1/SM.01/PW.02.03/11/2026", None, actor_id)
    text = text_of(config.data_dir / files["docx"]["path"])
    for part in ("Hal\t: Rekomendasi Tindak Lanjut terhadap Pelaku", "Direktur Intelijen",
                 "ditemukan 3 (tiga) penjual pada 5 (lima) tautan",
                 "Pelaku Toko Sehat (ID", "skor risiko 88",
                 "Sehat Official pada tokobebas (http://tokobebas.example/s/C), 1 tautan",
                 f"Telepon/WhatsApp {PHONE}: Toko Sehat (pasarku), Sehat Store (ceritaku)",
                 f"Rekening bank {BANK}: Sehat Store (ceritaku), Sehat Official (tokobebas)",
                 "muncul kembali dengan akun lain setelah takedown 1 kali",
                 "- " + violation_label("no_nie") + ": 3 (tiga) tautan"):  # fmt: skip
        assert part in text, part
    assert "{{" not in text and "{%" not in text
    sheet = openpyxl.load_workbook(config.data_dir / files["xlsx"]["path"]).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert sorted(r[1] for r in rows) == sorted(  # the listings with findings only
        world_module.url_of(k) for k in ("a1", "a2", "a3", "b1", "c1")
    )
    assert "Peraturan" in {r[1]: r[6] for r in rows}[world_module.url_of("a2")]  # legal basis
    if with_pdf:
        printed = pdf_text(config.data_dir / files["pdf"]["path"])
        for part in (number, "Pelaku Toko Sehat", PHONE, "Sehat Official"):
            assert part in printed, part


def test_referral_asked_again_sent_and_answered(sessions, office, world):
    actor_id = world["actors"]["Toko Sehat"]
    first = refer(sessions, office, actor_id, with_pdf=False)
    assert refer(sessions, office, actor_id, with_pdf=False) == first  # the draft, no new number
    upt = refer(sessions, office, actor_id, "upt", with_pdf=False)
    assert upt[1] == "B-2/SM.01/PW.02.03/11/2026"
    with sessions() as session, session.begin():
        sent = letters.mark_sent(session, first[0], date(2026, 11, 12), actor="ana", now=NOW)
        assert (sent.status, sent.list_id) == ("sent", None)
        [answer] = letters.record_response(session, first[0], "done", note="diperiksa",
                                           received_on=date(2026, 11, 13), actor="ana",
                                           now=NOW)  # fmt: skip
        assert (answer.link_id, answer.outcome) == (None, "done")
    again = refer(sessions, office, actor_id, with_pdf=False)  # sent: a new referral
    assert again[0] != first[0] and again[1] == "B-3/SM.01/PW.02.03/11/2026"
    with sessions() as session:
        assert session.get(LetterSequence, 2026).last == 3
        assert session.scalar(select(func.count(Letter.id))) == 3
        referrals = [r.letter_id for r in profiling_docs.actor_profile.profile(
            session, actor_id, now=NOW).referrals]  # fmt: skip
        assert referrals == [first[0], upt[0], again[0]]


@pytest.mark.parametrize(
    "name, recipient, error, message",
    [
        ("Toko Sehat", "idea", letters.LetterError, "goes to dit_was, dit_intelijen, upt, not"),
        ("Digabung", "dit_was", letters.LetterConflict, "was merged into actor"),
        (None, "dit_was", NoSuchActor, "no actor 999"),
    ],
)
def test_bad_referrals_are_named_and_spend_no_number(
    sessions, office, world, name, recipient, error, message
):
    actor_id = world["actors"][name] if name else 999
    with pytest.raises(error, match=message):
        refer(sessions, office, actor_id, recipient, with_pdf=False)
    with sessions() as session:
        assert session.scalar(select(func.count(Letter.id))) == 0
        assert session.get(LetterSequence, 2026) is None


@pytest.mark.parametrize(
    "shipped, build",
    [
        ("casebook/reports/templates/profiling.docx", profiling_source.build),
        ("casebook/letters/templates/rekomendasi_pelaku.docx",
         lambda: template_source.build("rekomendasi_pelaku")),
    ],
)  # fmt: skip
def test_shipped_templates_are_rebuilt_from_their_source(tmp_path, shipped, build):
    build().save(tmp_path / "built.docx")
    root = Path(__file__).parents[2]
    assert text_of(root / shipped) == text_of(tmp_path / "built.docx")


@pytest.mark.parametrize(
    "args, code, out",
    [
        (["show", "{id}"], 0, '"reappeared": 1'),  # the score counts days to today
        (["document", "--actor", "{id}", "--no-pdf"], 0, '"folder": "reports/profiling/actor-'),
        (["document", "--since", "2026-11-07", "--until", "2026-11-02", "--no-pdf"], 1,
         "Error: the period ends (2026-11-02) before it starts (2026-11-07)"),
        (["refer", "{id}", "--to", "upt", "--no-pdf"], 0, '"number": "B-1/SM.01/PW.02.03/'),
        (["refer", "{id}", "--to", "idea"], 2, "Invalid value for '--to'"),
        (["show", "999"], 1, "Error: no actor 999"),
        (["refer", "{merged}", "--to", "upt", "--no-pdf"], 1, "was merged into actor"),
    ],
)  # fmt: skip
def test_commands(on_shared, monkeypatch, args, code, out):
    from patroli.cli import main

    sessions, world, office, _ = on_shared
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("PATROLI_DATABASE_URL", url)
    monkeypatch.setenv("PATROLI_DATA_DIR", str(office.data_dir))
    monkeypatch.setenv("PATROLI_SECRET_KEY", "x")
    ids = {"id": world["actors"]["Toko Sehat"], "merged": world["actors"]["Digabung"]}
    result = CliRunner().invoke(main, ["actors", *(a.format(**ids) for a in args)])
    assert result.exit_code == code, result.output
    assert out in result.output


@pytest.mark.parametrize(
    "items, shown, expected",
    [
        (["a", "b", "c"], 2, ["a", "b", "... dan 1 lainnya"]),
        (["a", "b"], 2, ["a", "b"]),
        ([], 2, []),
    ],
)
def test_long_lists_say_how_many_more(items, shown, expected):
    assert profiling_docs._capped(items, shown) == expected
