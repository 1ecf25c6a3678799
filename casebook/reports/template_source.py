"""The one definition the shipped report templates are built from (python-docx + Jinja tags).

Reports keep the naskah dinas layout of the letters (DESIGN §7: kop, Nomor and date, Sifat,
Lampiran, Hal, addressee, body, signature, Tembusan), with the figures as tables whose rows a
`{%tr for %}` loop fills. As with the letters, an office may replace a template with its own
(`$PATROLI_DATA_DIR/templates/<name>.docx`). Rebuild the shipped ones with
`python -m casebook.reports.template_source` after changing this file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEXT_WIDTH = Cm(16)
LABEL_TAB = Cm(2.5)
SIGNATURE_INDENT = Cm(9)
CLOSING = "Atas perhatian Saudara, kami ucapkan terima kasih."

# The monitoring figures, one table per grouping; the columns of casebook's Figures.
FIGURE_COLUMNS = (
    ("Tautan", "listed"),
    ("Turun", "taken_down"),
    ("Masih aktif", "still_up"),
    ("Tidak diketahui", "unknown"),
    ("Diusulkan kembali", "reproposed"),
    ("Tingkat takedown", "rate"),
    ("Median jam", "median"),
    ("Lewat batas waktu", "overdue"),
)
FIGURE_WIDTHS = (3.2, 1.3, 1.3, 1.4, 1.8, 1.9, 1.9, 1.5, 1.7)  # cm, 16 in all
GROUPS = (
    ("Platform", "by_platform"),
    ("Penerima", "by_recipient"),
    ("Komoditas", "by_commodity"),
)

MONEV_OPENING = (
    "Sehubungan dengan pelaksanaan {{ sop }}, kegiatan Monitoring dan Evaluasi (langkah 8), "
    "bersama ini kami sampaikan Hasil Monitoring dan Evaluasi tindak lanjut rekomendasi "
    "takedown atas tautan yang direkomendasikan pada periode {{ period }}, berdasarkan "
    "pemeriksaan ulang status tautan sampai dengan {{ checked_until }}."
)
MONEV_SUMMARY = (
    "Dari {{ total.listed }} tautan yang direkomendasikan, {{ total.taken_down }} tautan telah "
    "diturunkan (tingkat takedown {{ total.rate }}), {{ total.still_up }} tautan masih aktif, "
    "dan {{ total.unknown }} tautan belum dapat dipastikan statusnya. Sebanyak "
    "{{ total.overdue }} tautan belum diturunkan setelah batas waktu platform "
    "({{ platform_hours }} jam), dan {{ total.reproposed }} tautan telah diusulkan kembali. "
    "Median waktu sampai tautan diturunkan: {{ total.median }} jam."
)
MONEV_ESCALATION = (
    "Tahapan eskalasi oleh Kementerian Komunikasi dan Digital atas rekomendasi yang belum "
    "ditindaklanjuti (perintah, Surat Teguran 1, Surat Teguran 2, pemutusan akses):"
)
MONEV_ATTACHED = (
    "Daftar {{ total.still_up }} tautan yang masih aktif, beserta platform, penerima, produk, "
    "jenis pelanggaran, dasar hukum, nilai hash bukti, dan keterangan usulan kembali, "
    "terlampir dalam bentuk softcopy (berkas XLSX). Terhadap tautan yang belum diturunkan "
    "setelah batas waktu diusulkan kembali untuk dilakukan takedown."
)

UPT_OPENING = (
    "Sehubungan dengan pengawasan iklan Obat Tradisional dan Suplemen Kesehatan terdaftar "
    "secara daring sesuai dengan {{ sop }}, bersama ini kami sampaikan laporan bulanan "
    "pengawasan iklan {{ unit }} periode {{ month }}."
)
UPT_SUMMARY = (
    "Pada periode tersebut ditemukan {{ total }} tautan produk terdaftar (mempunyai Nomor Izin "
    "Edar) yang pelanggarannya hanya berupa ketentuan promosi dan iklan (klaim yang "
    "menyesatkan), dengan rincian:"
)
UPT_ATTACHED = (
    "Rincian setiap tautan (produk, Nomor Izin Edar, klaim, platform, tautan, dan nilai hash "
    "bukti) terlampir dalam bentuk softcopy (berkas XLSX), sebagai bahan tindak lanjut sesuai "
    "dengan kewenangan Saudara."
)


def monev() -> Document:
    """Hasil Monitoring dan Evaluasi (SOP step 8), one period."""
    document = _page()
    _letterhead(document)
    _paragraph(document, MONEV_OPENING)
    _paragraph(document, MONEV_SUMMARY)
    for title, key in GROUPS:
        _paragraph(document, f"Rincian per {title.lower()}:", after=2, indent=False)
        _figures_table(document, title, key)
        _line(document)
    _line(document, "{%p if escalations %}")
    _paragraph(document, MONEV_ESCALATION, after=2, indent=False)
    _table(
        document,
        ("Nomor surat", "Dikirim", "Tautan", "Masih aktif", "Tahap", "Tanggal"),
        "escalations",
        ("number", "sent_on", "links", "still_up", "stage", "reached_on"),
        (5.0, 2.7, 1.5, 1.7, 2.6, 2.5),
    )
    _line(document)
    _line(document, "{%p endif %}")
    _paragraph(document, MONEV_ATTACHED)
    _closing(document)
    return document


def upt_iklan() -> Document:
    """The UPT's monthly report on advertising of registered OT and SK to Dit. Was Deputi II."""
    document = _page()
    _letterhead(document)
    _paragraph(document, UPT_OPENING)
    _paragraph(document, UPT_SUMMARY, after=2)
    _table(document, ("Platform", "Obat Tradisional", "Suplemen Kesehatan", "Jumlah"),
           "by_platform", ("name", "obat_tradisional", "suplemen_kesehatan", "total"),
           (5.5, 4.0, 4.0, 2.5))  # fmt: skip
    _line(document)
    _line(document, "{%p if rows %}")
    _paragraph(document, "Daftar tautan:", after=2, indent=False)
    _table(document, ("No", "Produk", "NIE", "Klaim", "Platform"), "rows",
           ("no", "product", "nie", "claim", "platform"), (1.0, 5.2, 2.8, 4.8, 2.2))  # fmt: skip
    _line(document)
    _line(document, "{%p endif %}")
    _paragraph(document, UPT_ATTACHED)
    _closing(document)
    return document


TEMPLATES = {"monev": monev, "upt_iklan": upt_iklan}


def _page() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    style.paragraph_format.space_after = Pt(0)
    section.footer.paragraphs[0].text = "{{ tte_footer }}"
    section.footer.paragraphs[0].runs[0].font.size = Pt(8)
    return document


def _letterhead(document: Document) -> None:
    """Kop, Nomor and place/date on one line, Sifat, Lampiran, Hal, then the addressee."""
    _line(document, "{{ kop.agency }}", bold=True, center=True)
    _line(document, "{{ kop.unit }}", bold=True, center=True)
    _line(document, "{%p for line in kop.address %}")
    _line(document, "{{ line }}", center=True).runs[0].font.size = Pt(9)
    _line(document, "{%p endfor %}")
    rule = _line(document)
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    _line(document)
    first = _line(document, "Nomor\t: {{ nomor }}\t{{ tempat }}, {{ tanggal }}")
    first.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
    first.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    for label, value in (("Sifat", "sifat"), ("Lampiran", "lampiran"), ("Hal", "hal")):
        row = _line(document, f"{label}\t: {{{{ {value} }}}}")
        row.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
        row.paragraph_format.left_indent = LABEL_TAB + Cm(0.3)
        row.paragraph_format.first_line_indent = -(LABEL_TAB + Cm(0.3))
    _line(document)
    _line(document, "Yth.")
    _line(document, "{{ recipient.title }}")
    _line(document, "{{ recipient.agency }}")
    _line(document, "{%p for line in recipient.address %}")
    _line(document, "{{ line }}")
    _line(document, "{%p endfor %}")
    _line(document, "di")
    _line(document, "{{ recipient.city }}", indent=Cm(1))
    _line(document)


def _closing(document: Document) -> None:
    _paragraph(document, CLOSING)
    _line(document)
    _line(document, "{{ signatory.position }}", indent=SIGNATURE_INDENT)
    _line(document, "{%p if tte %}")
    _line(document, "ttd. elektronik", indent=SIGNATURE_INDENT).runs[0].italic = True
    _line(document, "{%p else %}")
    for _ in range(3):
        _line(document)
    _line(document, "{%p endif %}")
    _line(document, "{{ signatory.name }}", bold=True, indent=SIGNATURE_INDENT)
    _line(document, "NIP {{ signatory.nip }}", indent=SIGNATURE_INDENT)
    _line(document)
    _line(document, "{%p if tembusan %}")
    _line(document, "Tembusan:")
    _line(document, "{%p for copy in tembusan %}")
    _line(document, "{{ loop.index }}. {{ copy }}")
    _line(document, "{%p endfor %}")
    _line(document, "{%p endif %}")


def _figures_table(document: Document, title: str, key: str) -> None:
    headers = (title, *(label for label, _ in FIGURE_COLUMNS))
    fields = ("name", *(field for _, field in FIGURE_COLUMNS))
    table = _table(document, headers, key, fields, FIGURE_WIDTHS)
    total = table.add_row().cells
    total[0].text = "Jumlah"
    for cell, field in zip(total[1:], fields[1:], strict=True):
        cell.text = f"{{{{ total.{field} }}}}"
    for cell in total:
        cell.paragraphs[0].runs[0].bold = True
    _fit(table, FIGURE_WIDTHS)


def _table(document: Document, headers, rows: str, fields, widths):
    """A grid table: a bold header row, then one row per item of `rows` (docxtpl `{%tr %}`).
    Widths are set on every cell: LibreOffice reads them there, not from the grid alone."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for row in {rows} %}}"
    for cell, field in zip(table.rows[2].cells, fields, strict=True):
        cell.text = f"{{{{ row.{field} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _fit(table, widths)
    return table


def _fit(table, widths) -> None:
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _line(document: Document, text: str = "", *, bold=False, center=False, indent=None):
    paragraph = document.add_paragraph()
    if text:
        paragraph.add_run(text).bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent is not None:
        paragraph.paragraph_format.left_indent = indent
    return paragraph


def _paragraph(document: Document, text: str, after: int = 8, indent: bool = True) -> None:
    paragraph = _line(document, text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1) if indent else None
    paragraph.paragraph_format.space_after = Pt(after)


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        build().save(folder / f"{name}.docx")


if __name__ == "__main__":
    main()
