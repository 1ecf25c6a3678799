"""The one definition the shipped report templates are built from (python-docx + Jinja tags).

Reports keep the naskah dinas layout of the letters (DESIGN §7: kop, Nomor and date, Sifat,
Lampiran, Hal, addressee, body, signature, Tembusan), with the figures as tables whose rows a
`{%tr for %}` loop fills. As with the letters, an office may replace a template with its own
(`$PATROLI_DATA_DIR/templates/<name>.docx`). Rebuild the shipped ones with
`python -m casebook.reports.template_source` after changing this file.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document
from docx.shared import Cm, Pt

from casebook.letters.layout import letterhead, line, page, paragraph, signature_and_copies

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
    document = page()
    letterhead(document)
    paragraph(document, MONEV_OPENING)
    paragraph(document, MONEV_SUMMARY)
    for title, key in GROUPS:
        paragraph(document, f"Rincian per {title.lower()}:", after=2, indent=False)
        _figures_table(document, title, key)
        line(document)
    line(document, "{%p if escalations %}")
    paragraph(document, MONEV_ESCALATION, after=2, indent=False)
    _table(
        document,
        ("Nomor surat", "Dikirim", "Tautan", "Masih aktif", "Tahap", "Tanggal"),
        "escalations",
        ("number", "sent_on", "links", "still_up", "stage", "reached_on"),
        (5.0, 2.7, 1.5, 1.7, 2.6, 2.5),
    )
    line(document)
    line(document, "{%p endif %}")
    paragraph(document, MONEV_ATTACHED)
    _closing(document)
    return document


def upt_iklan() -> Document:
    """The UPT's monthly report on advertising of registered OT and SK to Dit. Was Deputi II."""
    document = page()
    letterhead(document)
    paragraph(document, UPT_OPENING)
    paragraph(document, UPT_SUMMARY, after=2)
    _table(document, ("Platform", "Obat Tradisional", "Suplemen Kesehatan", "Jumlah"),
           "by_platform", ("name", "obat_tradisional", "suplemen_kesehatan", "total"),
           (5.5, 4.0, 4.0, 2.5))  # fmt: skip
    line(document)
    line(document, "{%p if rows %}")
    paragraph(document, "Daftar tautan:", after=2, indent=False)
    _table(document, ("No", "Produk", "NIE", "Klaim", "Platform"), "rows",
           ("no", "product", "nie", "claim", "platform"), (1.0, 5.2, 2.8, 4.8, 2.2))  # fmt: skip
    line(document)
    line(document, "{%p endif %}")
    paragraph(document, UPT_ATTACHED)
    _closing(document)
    return document


TEMPLATES = {"monev": monev, "upt_iklan": upt_iklan}


def _closing(document: Document) -> None:
    paragraph(document, CLOSING)
    signature_and_copies(document)


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
            for cell_paragraph in cell.paragraphs:
                for run in cell_paragraph.runs:
                    run.font.size = Pt(8)


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        build().save(folder / f"{name}.docx")


if __name__ == "__main__":
    main()
