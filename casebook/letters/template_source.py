"""The one definition the shipped DOCX templates are built from (python-docx + Jinja tags).

Why templates in .docx (docxtpl) rather than a layout in code: an office opens its kind's
template in Word or LibreOffice, puts in its own kop, logo, fonts and wording, and drops it in
`$PATROLI_DATA_DIR/templates/` — no programmer needed. The shipped ones are generated here from
one layout (DESIGN §7 order) so the five kinds cannot drift apart; rebuild them with
`python -m casebook.letters.template_source` after changing this file.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from casebook.letters.content import KINDS

OPENING = (
    "Sehubungan dengan pelaksanaan {{ patrol }} sesuai dengan {{ sop }}, pada periode "
    "{{ period }} kami telah melakukan penelusuran dan evaluasi terhadap peredaran Obat dan "
    "Makanan secara daring."
)
BY_PLATFORM = "Rincian per platform:"
BY_VIOLATION = "Rincian per jenis pelanggaran:"
ATTACHED = (
    "Daftar tautan beserta platform, penjual, produk, jenis pelanggaran, dasar hukum, nilai "
    "hash bukti, dan waktu tangkapan terlampir dalam bentuk softcopy (berkas XLSX), bersama "
    "tangkapan layar dan paket bukti WACZ."
)
CLOSING = "Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."

BODY: dict[str, tuple[str, ...]] = {
    "rekomendasi_takedown": (
        "Berdasarkan hasil penelusuran tersebut, ditemukan {{ link_count }} tautan yang diduga "
        "mengedarkan Obat dan Makanan yang melanggar ketentuan peraturan perundang-undangan.",
        "Sehubungan dengan hal tersebut, kami merekomendasikan agar terhadap tautan tersebut "
        "dilakukan penurunan konten (takedown) sesuai dengan kewenangan Saudara dalam waktu "
        "{{ platform_hours }} jam, serta hasilnya disampaikan kepada kami.",
    ),
    "tembusan": (
        "Bersama ini kami sampaikan tembusan rekomendasi takedown atas {{ link_count }} tautan "
        "yang telah kami sampaikan kepada {{ routed_to }}, sebagai bahan informasi dan tindak "
        "lanjut sesuai dengan kewenangan Saudara.",
    ),
    "tindak_lanjut": (
        "Berdasarkan hasil pengawasan tersebut, ditemukan {{ link_count }} tautan dari "
        "{{ seller_count }} penjual yang diduga mengedarkan Obat dan Makanan ilegal.",
        "Sehubungan dengan hal tersebut, mohon Saudara melakukan tindak lanjut berupa "
        "pemeriksaan sarana dan/atau langkah lain sesuai dengan kewenangan, serta menyampaikan "
        "hasilnya kepada kami dalam waktu {{ follow_up_days }} hari kerja.",
    ),
    "permintaan_data": (
        "Berdasarkan hasil penelusuran tersebut, ditemukan {{ link_count }} tautan pada "
        "platform e-commerce dari {{ seller_count }} penjual yang diduga mengedarkan Obat dan "
        "Makanan ilegal.",
        "Untuk kepentingan tindak lanjut pengawasan, mohon bantuan Saudara untuk menyampaikan "
        "data pelaku usaha atas tautan tersebut, meliputi identitas, alamat, nomor kontak, dan "
        "data transaksi penjual.",
    ),
    "rekomendasi_pelaku": (
        "Berdasarkan hasil penelusuran tersebut, ditemukan {{ seller_count }} penjual pada "
        "{{ link_count }} tautan yang diduga sebagai pelaku peredaran Obat dan Makanan ilegal.",
        "Sehubungan dengan hal tersebut, kami merekomendasikan agar terhadap pelaku tersebut "
        "dilakukan tindak lanjut berupa pendalaman informasi, pemeriksaan sarana, dan/atau "
        "penindakan sesuai dengan kewenangan Saudara.",
    ),
}

TEXT_WIDTH = Cm(16)
LABEL_TAB = Cm(2.5)
SIGNATURE_INDENT = Cm(9)


def build(kind: str) -> Document:
    """The template of one kind of letter, in the order of DESIGN §7."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    style.paragraph_format.space_after = Pt(0)
    _kop(document)
    _heading(document)
    _addressee(document)
    _body(document, kind)
    _signature(document)
    _tembusan(document)
    section.footer.paragraphs[0].text = "{{ tte_footer }}"
    section.footer.paragraphs[0].runs[0].font.size = Pt(8)
    return document


def _line(document: Document, text: str = "", *, bold=False, center=False, indent=None):
    paragraph = document.add_paragraph()
    if text:
        paragraph.add_run(text).bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent is not None:
        paragraph.paragraph_format.left_indent = indent
    return paragraph


def _kop(document: Document) -> None:
    _line(document, "{{ kop.agency }}", bold=True, center=True)
    _line(document, "{{ kop.unit }}", bold=True, center=True)
    _line(document, "{%p for line in kop.address %}")
    _line(document, "{{ line }}", center=True).runs[0].font.size = Pt(9)
    _line(document, "{%p endfor %}")
    rule = _line(document)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    _line(document)


def _heading(document: Document) -> None:
    first = _line(document, "Nomor\t: {{ nomor }}\t{{ tempat }}, {{ tanggal }}")
    first.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
    first.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    for label, value in (("Sifat", "sifat"), ("Lampiran", "lampiran"), ("Hal", "hal")):
        row = _line(document, f"{label}\t: {{{{ {value} }}}}")
        row.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
        # a long subject wraps under its own first word, not under the label
        row.paragraph_format.left_indent = LABEL_TAB + Cm(0.3)
        row.paragraph_format.first_line_indent = -(LABEL_TAB + Cm(0.3))
    _line(document)


def _addressee(document: Document) -> None:
    _line(document, "Yth.")
    _line(document, "{{ recipient.title }}")
    _line(document, "{{ recipient.agency }}")
    _line(document, "{%p for line in recipient.address %}")
    _line(document, "{{ line }}")
    _line(document, "{%p endfor %}")
    _line(document, "di")
    _line(document, "{{ recipient.city }}", indent=Cm(1))
    _line(document)


def _body(document: Document, kind: str) -> None:
    body = [OPENING, *BODY[kind]]
    for text in body[:-1]:
        _paragraph(document, text)
    for title, items in ((BY_PLATFORM, "platforms"), (BY_VIOLATION, "violations")):
        _paragraph(document, title, after=0)
        _line(document, f"{{%p for item in {items} %}}")
        _line(document, "- {{ item.name }}: {{ item.count }} tautan", indent=Cm(0.75))
        _line(document, "{%p endfor %}")
        _line(document)
    _paragraph(document, ATTACHED)
    _paragraph(document, body[-1])
    _paragraph(document, CLOSING)


def _paragraph(document: Document, text: str, after: int = 8) -> None:
    paragraph = _line(document, text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1) if after else None
    paragraph.paragraph_format.space_after = Pt(after)


def _signature(document: Document) -> None:
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


def _tembusan(document: Document) -> None:
    _line(document, "{%p if tembusan %}")
    _line(document, "Tembusan:")
    _line(document, "{%p for copy in tembusan %}")
    _line(document, "{{ loop.index }}. {{ copy }}")
    _line(document, "{%p endfor %}")
    _line(document, "{%p endif %}")


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        build(kind).save(folder / f"{kind}.docx")


if __name__ == "__main__":
    main()
