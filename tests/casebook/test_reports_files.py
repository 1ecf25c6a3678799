"""The report files themselves: the XLSX writer (crawled text stays text), an office's own
template and addressee, a failed render leaving no folder behind. No database needed."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from casebook.letters import office as office_module
from casebook.letters.docx import TemplateProblem
from casebook.reports import Sheet, render, template, words
from casebook.reports.xlsx import write
from casebook.services.monitoring import Figures


@pytest.mark.parametrize(
    "value, stored",
    [
        (12, 12),  # numbers stay numbers
        (0.25, 0.25),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),  # never a formula
        ("+62 812 3456 7890", "'+62 812 3456 7890"),
        ("-50% hari ini", "'-50% hari ini"),
        ("Krim\x00 Pemutih\x1f", "Krim Pemutih"),  # XML cannot carry control characters
        ("Jamu Kuat", "Jamu Kuat"),  # plain text untouched
        (None, None),  # an empty cell
    ],
)
def test_attachment_cells(tmp_path, value, stored):
    out = write(Sheet("Lampiran", ("No", "Isi"), [(1, value)], (6, 40)), tmp_path / "a.xlsx")
    book = load_workbook(out, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows == [("No", "Isi"), (1, stored)]


def _context(office, **extra):
    values = words.heading(office, "monev", "B-.../X/11/2026", "biasa", date(2026, 11, 30))
    return {**values, "hal": "Hal", **extra}


def test_an_office_template_and_addressee_replace_the_shipped_ones(tmp_path):
    (tmp_path / "office.toml").write_text(
        '[reports.monev.recipient]\ntitle = "Direktur Siber Obat dan Makanan"\n'
        '[reports.monev]\ntembusan = ["Inspektur Utama"]\n',
        encoding="utf-8",
    )
    own = Document()
    own.add_paragraph("KOP BALAI {{ nomor }} untuk {{ recipient.title }}; {{ tembusan[0] }}")
    (tmp_path / "templates").mkdir()
    own.save(str(tmp_path / "templates" / "monev.docx"))
    office = office_module.load(tmp_path)
    assert template(office, "monev") == tmp_path / "templates" / "monev.docx"
    assert template(office, "upt_iklan").parent.name == "templates"  # still the shipped one
    files = render(office, tmp_path / "out", "monev", _context(office), None, stem="r",
                   with_pdf=False)  # fmt: skip
    assert set(files) == {"docx"}
    text = Document(str(tmp_path / files["docx"]["path"])).paragraphs[0].text
    assert text == ("KOP BALAI B-.../X/11/2026 untuk Direktur Siber Obat dan Makanan; "
                    "Inspektur Utama")  # fmt: skip


def test_a_template_that_cannot_be_filled_leaves_no_folder(tmp_path):
    own = Document()
    own.add_paragraph("{{ no_such_value }}")
    (tmp_path / "templates").mkdir()
    own.save(str(tmp_path / "templates" / "monev.docx"))
    office = office_module.load(tmp_path)
    with pytest.raises(TemplateProblem, match="no_such_value"):
        render(office, tmp_path / "out", "monev", _context(office), None, stem="r",
               with_pdf=False)  # fmt: skip
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "rate, hours, shown",
    [
        ((1, 3), [30.0], ("33,3%", "30,0")),
        ((0, 2), [], ("0,0%", "–")),
        ((0, 0), [], ("–", "–")),  # nothing listed: no rate, not 0%
        ((2, 2), [1.0, 4.0], ("100,0%", "2,5")),
    ],
)
def test_figures_as_the_report_writes_them(rate, hours, shown):
    taken_down, listed = rate
    row = words.figures_row("x", Figures(listed=listed, taken_down=taken_down,
                                         hours_to_takedown=hours))  # fmt: skip
    assert (row["rate"], row["median"]) == shown
    assert words.amount(1234567) == "1.234.567"
