"""The letter's files opened as their readers open them: python-docx, openpyxl, the PDF's text
(pdftotext), the WACZ's zip and hashes; hostile crawled text; an office's own template."""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib.util
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from casebook.letters import cdxj, safe, template_source, xlsx
from casebook.letters import office as office_module
from casebook.letters.bundle import EvidenceProblem
from casebook.letters.docx import TemplateProblem
from casebook.letters.pdf import PdfError
from casebook.letters.xlsx import HEADER
from casebook.models import Capture, Letter, LetterSequence
from casebook.services import letters as service
from casebook.vocabulary import violation_label
from crawler.evidence import EvidenceStore, Exchange

_spec = importlib.util.spec_from_file_location(
    "letters_world", Path(__file__).with_name("test_letters.py")
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

HOSTILE = [
    ("h1", "pasarku", ["NO-NIE"], "active", '=HYPERLINK("http://evil.example","klik")',
     "Toko\x07\x1b[31mJahat <b>&amp;"),
    ("h2", "pasarku", ["NO-NIE"], "active", "+62 812 3456 7890 \x01murah", "@SUM(A1:A9)"),
    ("h3", "pasarku", ["NO-NIE"], "unknown", "-1+1 Krim\x0b", "\tToko Tab"),
]  # fmt: skip


def make(sessions, office, list_id, kind="rekomendasi_takedown", **kwargs):
    with sessions() as session, session.begin():
        made = service.make_letters(session, list_id, kind, actor="ana", office=office,
                                    now=world.T0, **kwargs)  # fmt: skip
        return [(x.id, dict(x.files), x.number) for x in made]


def texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def in_order(lines: list[str], parts: list[str]) -> list[int]:
    """Where each part starts a line, searching after the previous part."""
    found, start = [], 0
    for part in parts:
        index = next(i for i in range(start, len(lines)) if lines[i].startswith(part))
        found.append(index)
        start = index + 1
    return found


@pytest.fixture
def office(config):
    return office_module.load(config.data_dir)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_takedown_letter_files_open_in_their_readers(sessions, config, office):
    list_id = world.build_list(sessions, config.data_dir, world.MIXED)
    [(letter_id, files, number)] = make(sessions, office, list_id, recipient="idea")
    data = config.data_dir
    assert files["docx"]["path"].startswith(f"letters/2026/{letter_id}/")
    for name in ("docx", "pdf", "xlsx", "screenshots", "wacz"):
        assert (
            hashlib.sha256((data / files[name]["path"]).read_bytes()).hexdigest()
            == files[name]["sha256"]
        )

    lines = texts(data / files["docx"]["path"])
    nomor = next(line for line in lines if line.startswith("Nomor"))
    assert nomor == f"Nomor\t: {number}\tJakarta, 2 November 2026"
    in_order(lines, [
        "BADAN PENGAWAS OBAT DAN MAKANAN", "DIREKTORAT SIBER", "Jalan Percetakan Negara",
        "Nomor", "Sifat\t: Biasa", "Lampiran\t: 1 (satu) berkas", "Hal\t: Rekomendasi Takedown",
        "Yth.", "Ketua Umum", "Asosiasi E-Commerce Indonesia (idEA)", "di", "Jakarta",
        "Sehubungan dengan pelaksanaan", "Berdasarkan hasil penelusuran tersebut, ditemukan 2 "
        "(dua) tautan", "- pasarku: 2 (dua) tautan", "Atas perhatian dan kerja sama Saudara, "
        "kami ucapkan terima kasih.", "Direktur Siber Obat dan Makanan", "NAMA PEJABAT",
        "NIP 000000000000000000", "Tembusan:", "1. Kepala Badan", "2. Deputi",
    ])  # fmt: skip
    assert not any("{{" in line or "{%" in line for line in lines)
    footer = docx.Document(str(data / files["docx"]["path"])).sections[0].footer
    assert "BSrE" not in footer.paragraphs[0].text  # no TTE unless the office says so

    sheet = openpyxl.load_workbook(data / files["xlsx"]["path"]).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == [
        "http://pasarku.example/p/a",
        "http://pasarku.example/p/b",
    ]
    with sessions() as session:
        captures = {c.url: c for c in session.scalars(select(Capture))}
    first, second = rows[1], rows[2]
    assert first[:6] == (1, "http://pasarku.example/p/a", "pasarku", "Toko A",
                         "Krim Pemutih Super", violation_label("no_nie"))  # fmt: skip
    assert first[7] == captures["http://pasarku.example/p/a"].manifest_sha256
    assert (first[8], first[9], second[9]) == ("2026-11-02T02:00:00Z", "aktif", "tidak diketahui")
    assert "Peraturan BPOM No. 23 Tahun 2019" in second[6]  # tramadol in a cosmetic: its basis
    assert second[5] == "; ".join(
        map(violation_label, ["hazardous_ingredient", "misleading_claim"])
    )
    assert not any(cell.hyperlink for row in sheet.iter_rows(min_row=2) for cell in row)

    pdf_text = subprocess.run(["pdftotext", str(data / files["pdf"]["path"]), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert number in pdf_text
    assert "Asosiasi E-Commerce Indonesia (idEA)" in pdf_text

    shots = zipfile.ZipFile(data / files["screenshots"]["path"]).namelist()
    assert [name.split("-capture-")[0] for name in shots] == ["00001", "00002"]
    check_wacz(data / files["wacz"]["path"], data, captures)


def check_wacz(path: Path, data_dir: Path, captures: dict[str, Capture]) -> None:
    package = zipfile.ZipFile(path)
    names = set(package.namelist())
    assert {"datapackage.json", "datapackage-digest.json", "indexes/index.cdx",
            "pages/pages.jsonl"} <= names  # fmt: skip
    assert all(info.compress_type == zipfile.ZIP_STORED for info in package.infolist())
    datapackage = package.read("datapackage.json")
    digest = json.loads(package.read("datapackage-digest.json"))
    assert digest["hash"] == "sha256:" + hashlib.sha256(datapackage).hexdigest()
    meta = json.loads(datapackage)
    assert meta["wacz_version"] == "1.1.1"
    listed = {r["path"]: r["hash"] for r in meta["resources"]}
    assert set(listed) == names - {"datapackage.json", "datapackage-digest.json"}
    for name, expected in listed.items():
        assert expected == "sha256:" + hashlib.sha256(package.read(name)).hexdigest(), name
    warcs = sorted(n for n in names if n.startswith("archive/"))
    assert len(warcs) == 2
    for capture in captures.values():
        name = f"archive/capture-{capture.id}.warc.gz"
        if name not in names:
            continue
        manifest = json.loads((data_dir / capture.manifest_path).read_bytes())
        [warc] = [f for f in manifest["files"] if f["role"] == "warc"]
        assert hashlib.sha256(package.read(name)).hexdigest() == warc["sha256"]
    index = package.read("indexes/index.cdx").decode().splitlines()
    assert [line.split(" ")[0] for line in index] == [
        "example,pasarku)/p/a",
        "example,pasarku)/p/b",
    ]
    entry = json.loads(index[0].split(" ", 2)[2])
    filename = warcs[0].split("/")[1]
    assert (entry["status"], entry["mime"], entry["filename"]) == ("200", "text/html", filename)
    record = package.read(warcs[0])[
        int(entry["offset"]) : int(entry["offset"]) + int(entry["length"])
    ]
    assert record[:2] == b"\x1f\x8b"  # the offset points at the gzip member of the response
    pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert [p["url"] for p in pages[1:]] == [
        "http://pasarku.example/p/a",
        "http://pasarku.example/p/b",
    ]


def test_hostile_crawled_text_stays_text(sessions, config, office):
    list_id = world.build_list(sessions, config.data_dir, HOSTILE)
    [(_, files, _)] = make(sessions, office, list_id, with_pdf=False)
    book = openpyxl.load_workbook(config.data_dir / files["xlsx"]["path"])
    rows = list(book.active.iter_rows(min_row=2))
    products = [row[4].value for row in rows]
    sellers = [row[3].value for row in rows]
    assert products == ["'=HYPERLINK(\"http://evil.example\",\"klik\")", "'+62 812 3456 7890 murah",
                        "'-1+1 Krim"]  # fmt: skip
    assert sellers == ["Toko[31mJahat <b>&amp;", "'@SUM(A1:A9)", "'\tToko Tab"]
    assert all(cell.data_type == "s" for row in rows for cell in row[1:])
    lines = texts(config.data_dir / files["docx"]["path"])  # opens: the XML is well-formed
    assert any(line.startswith("- pasarku: 3 (tiga) tautan") for line in lines)


@pytest.mark.parametrize(
    "text, cleaned, as_cell",
    [
        ("Krim Pemutih", "Krim Pemutih", "Krim Pemutih"),
        ("=1+1", "=1+1", "'=1+1"),
        ("a=b", "a=b", "a=b"),  # only a leading sign makes a formula
        ("Toko\x00\x1f\x7fA", "TokoA", "TokoA"),
        ("lone \ud800 surrogate", "lone  surrogate", "lone  surrogate"),
        ("baris\npertama\tkedua", "baris\npertama\tkedua", "baris\npertama\tkedua"),
        ("\x00=cmd", "=cmd", "'=cmd"),  # a control character does not hide the formula
        (None, "", ""),
    ],
)
def test_safe_text(text, cleaned, as_cell):
    assert (safe.clean(text), safe.cell(text)) == (cleaned, as_cell)


def test_an_office_brings_its_own_template_settings_and_tte(sessions, config):
    own = config.data_dir / "templates"
    own.mkdir(parents=True)
    document = template_source.build("tembusan")
    document.paragraphs[0].text = "BALAI BESAR POM DI {{ tempat | upper }}"
    document.save(own / "tembusan.docx")
    (config.data_dir / "office.toml").write_text(
        'city = "Surabaya"\ntte = true\n[signatory]\nname = "Dra. Siti & <Rekan>"\n'
    )
    office = office_module.load(config.data_dir)
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:1], with_captures=False)
    [(_, files, _)] = make(sessions, office, list_id, "tembusan", with_pdf=False)
    path = config.data_dir / files["docx"]["path"]
    lines = texts(path)
    assert lines[0] == "BALAI BESAR POM DI SURABAYA"
    assert "Dra. Siti & <Rekan>" in lines
    assert "ttd. elektronik" in lines
    footer = docx.Document(str(path)).sections[0].footer.paragraphs[0].text
    assert footer.startswith("Dokumen ini telah ditandatangani secara elektronik")
    [(_, takedown_files, _)] = make(sessions, office, list_id, with_pdf=False)  # shipped one
    assert texts(config.data_dir / takedown_files["docx"]["path"])[0].startswith("BADAN PENGAWAS")


def _nothing_left(sessions, config) -> None:
    with sessions() as session:
        assert session.scalar(select(func.count(Letter.id))) == 0
        assert session.get(LetterSequence, 2026) is None  # the number went back
    assert not list((config.data_dir / "letters").glob("2026/*"))


@pytest.mark.parametrize(
    "first_line, raw, message",
    [
        ("{{ kop.agensi }}", None, r"tembusan.docx: .*'agensi'"),  # a misspelt tag
        ("{% for x in %}", None, r"tembusan.docx: "),  # a broken tag
        (None, b"not a zip", r"tembusan.docx is not a DOCX file"),
    ],
)
def test_a_broken_template_is_one_line_and_leaves_nothing(sessions, config, first_line, raw,
                                                          message):  # fmt: skip
    own = config.data_dir / "templates"
    own.mkdir(parents=True)
    if raw is None:
        document = template_source.build("tembusan")
        document.paragraphs[0].text = first_line
        document.save(own / "tembusan.docx")
    else:
        (own / "tembusan.docx").write_bytes(raw)
    office = office_module.load(config.data_dir)
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:1], with_captures=False)
    with pytest.raises(TemplateProblem, match=message):
        make(sessions, office, list_id, "tembusan", with_pdf=False)
    _nothing_left(sessions, config)


def test_missing_libreoffice_is_one_clear_line(sessions, config, office, monkeypatch):
    monkeypatch.setenv("PATROLI_SOFFICE", str(config.data_dir / "no-such-soffice"))
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:1], with_captures=False)
    with pytest.raises(PdfError, match=r"^LibreOffice not found: install it \(Debian: apt-get "
                       r"install libreoffice-writer-nogui\)"):  # fmt: skip
        make(sessions, office, list_id)
    _nothing_left(sessions, config)


def test_changed_evidence_is_never_sent(sessions, config, office):
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:2])
    with sessions() as session:
        capture = session.scalars(select(Capture).order_by(Capture.id)).first()
    shot = config.data_dir / Path(capture.manifest_path).parent / "screenshot.png"
    shot.write_bytes(b"not what was captured")
    with pytest.raises(EvidenceProblem, match=rf"capture {capture.id}: .*screenshot.png: "
                       "SHA-256 mismatch"):  # fmt: skip
        make(sessions, office, list_id, with_pdf=False)
    _nothing_left(sessions, config)


def test_the_fast_index_reads_what_warcio_reads(config):
    exchanges = [
        Exchange(
            f"https://www.pasarku.example:8443/p/{i}?q=Krim",
            "GET",
            [],
            status,
            "X",
            [("Content-Type", f"{mime}; charset=utf-8")],
            body,
        )
        for i, (status, mime, body) in enumerate(
            [
                (200, "text/html", b"<html>a</html>"),
                (404, "text/plain", b""),
                (200, "image/png", bytes(5000)),
            ]
        )
    ]
    record = EvidenceStore(config.data_dir).capture(url="https://x", kind="browser",
                                                    exchanges=exchanges, now=world.T0)  # fmt: skip
    warc = config.data_dir / Path(record.manifest_path).parent / "response.warc.gz"
    data = warc.read_bytes()
    fast = cdxj.lines(data, "w.warc.gz")
    assert fast == [cdxj._line("w.warc.gz", **r) for r in cdxj._warcio(data)]
    assert [line.split(" ", 1)[0] for line in fast] == [
        f"example,pasarku:8443)/p/{i}?q=krim" for i in range(3)
    ]
    assert [json.loads(line.split(" ", 2)[2])["status"] for line in fast] == ["200", "404", "200"]
    plain = gzip.decompress(data)  # one uncompressed WARC: indexed by warcio instead
    assert [line.split(" ", 1)[0] for line in cdxj.lines(plain, "w.warc")] == [
        line.split(" ", 1)[0] for line in fast
    ]


CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(not CALC.exists(), reason="LibreOffice Calc (libreoffice-calc-nogui) absent")
def test_a_spreadsheet_program_reads_the_attachment(tmp_path):
    """The attachment is written without a spreadsheet library: LibreOffice Calc must read it."""
    rows = [xlsx.Row(f"http://pasarku.example/p/{i}", "pasarku", "@Toko", "=1+1", "Tanpa NIE",
                     "UU No. 17 Tahun 2023 & <Pasal 143>", "ab" * 32, "2026-11-02T02:00:00Z",
                     "aktif") for i in range(3)]  # fmt: skip
    path = xlsx.write(rows, tmp_path / "lampiran.xlsx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   capture_output=True, check=True)  # fmt: skip
    with (tmp_path / "lampiran.csv").open(encoding="utf-8", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == list(HEADER)
    assert read[1] == ["1", "http://pasarku.example/p/0", "pasarku", "'@Toko", "'=1+1",
                       "Tanpa NIE", "UU No. 17 Tahun 2023 & <Pasal 143>", "ab" * 32,
                       "2026-11-02T02:00:00Z", "aktif"]  # fmt: skip
    assert len(read) == 4
