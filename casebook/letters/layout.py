"""The naskah dinas layout (DESIGN §7) in python-docx, shared by the letters' and the reports'
template sources: page, kop, Nomor line, Sifat/Lampiran/Hal, addressee, signature, Tembusan.
Jinja tags in the text are filled by docxtpl when a letter or report is made."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEXT_WIDTH = Cm(16)
LABEL_TAB = Cm(2.5)
SIGNATURE_INDENT = Cm(9)


def page() -> Document:
    """An A4 document in the house font, with the electronic-signature footer."""
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


def line(document: Document, text: str = "", *, bold=False, center=False, indent=None):
    paragraph = document.add_paragraph()
    if text:
        paragraph.add_run(text).bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent is not None:
        paragraph.paragraph_format.left_indent = indent
    return paragraph


def paragraph(document: Document, text: str, after: int = 8, indent: bool = True) -> None:
    """Justified body text, its first line indented unless it is a heading of a list."""
    added = line(document, text)
    added.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    added.paragraph_format.first_line_indent = Cm(1) if indent else None
    added.paragraph_format.space_after = Pt(after)


def letterhead(document: Document) -> None:
    """Kop, Nomor and place/date on one line, Sifat, Lampiran, Hal, then the addressee."""
    _kop(document)
    _heading(document)
    _addressee(document)


def signature_and_copies(document: Document) -> None:
    """The signature block (TTE or wet ink), then the numbered Tembusan list if any."""
    line(document)
    line(document, "{{ signatory.position }}", indent=SIGNATURE_INDENT)
    line(document, "{%p if tte %}")
    line(document, "ttd. elektronik", indent=SIGNATURE_INDENT).runs[0].italic = True
    line(document, "{%p else %}")
    for _ in range(3):
        line(document)
    line(document, "{%p endif %}")
    line(document, "{{ signatory.name }}", bold=True, indent=SIGNATURE_INDENT)
    line(document, "NIP {{ signatory.nip }}", indent=SIGNATURE_INDENT)
    line(document)
    line(document, "{%p if tembusan %}")
    line(document, "Tembusan:")
    line(document, "{%p for copy in tembusan %}")
    line(document, "{{ loop.index }}. {{ copy }}")
    line(document, "{%p endfor %}")
    line(document, "{%p endif %}")


def _kop(document: Document) -> None:
    line(document, "{{ kop.agency }}", bold=True, center=True)
    line(document, "{{ kop.unit }}", bold=True, center=True)
    line(document, "{%p for line in kop.address %}")
    line(document, "{{ line }}", center=True).runs[0].font.size = Pt(9)
    line(document, "{%p endfor %}")
    rule = line(document)
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    line(document)


def _heading(document: Document) -> None:
    first = line(document, "Nomor\t: {{ nomor }}\t{{ tempat }}, {{ tanggal }}")
    first.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
    first.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    for label, value in (("Sifat", "sifat"), ("Lampiran", "lampiran"), ("Hal", "hal")):
        row = line(document, f"{label}\t: {{{{ {value} }}}}")
        row.paragraph_format.tab_stops.add_tab_stop(LABEL_TAB)
        # a long subject wraps under its own first word, not under the label
        row.paragraph_format.left_indent = LABEL_TAB + Cm(0.3)
        row.paragraph_format.first_line_indent = -(LABEL_TAB + Cm(0.3))
    line(document)


def _addressee(document: Document) -> None:
    line(document, "Yth.")
    line(document, "{{ recipient.title }}")
    line(document, "{{ recipient.agency }}")
    line(document, "{%p for line in recipient.address %}")
    line(document, "{{ line }}")
    line(document, "{%p endfor %}")
    line(document, "di")
    line(document, "{{ recipient.city }}", indent=Cm(1))
    line(document)
