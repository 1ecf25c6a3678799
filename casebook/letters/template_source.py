"""The one definition the shipped DOCX templates are built from (python-docx + Jinja tags).

Why templates in .docx (docxtpl) rather than a layout in code: an office opens its kind's
template in Word or LibreOffice, puts in its own kop, logo, fonts and wording, and drops it in
`$PATROLI_DATA_DIR/templates/` — no programmer needed. The shipped ones are generated here from
one layout (DESIGN §7 order) so the five kinds cannot drift apart; rebuild them with
`python -m casebook.letters.template_source` after changing this file.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document
from docx.shared import Cm

from casebook.letters import layout
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
# A Rekomendasi Pelaku about one actor (services.profiling_docs) names the actor, its accounts
# and the identifiers joining them; one made from a takedown list has no `pelaku` and skips it.
ACTOR = (
    "Pelaku {{ pelaku.name }} (ID {{ pelaku.id }}, skor risiko {{ pelaku.score }}) terlihat "
    "sejak {{ pelaku.first_seen }} sampai dengan {{ pelaku.last_seen }}, dengan akun:"
)
ACTOR_LISTS = (
    ("Identitas yang menghubungkan akun:", "pelaku.identifiers"),
    ("Alasan skor risiko:", "pelaku.reasons"),
)

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


def build(kind: str) -> Document:
    """The template of one kind of letter, in the order of DESIGN §7."""
    document = layout.page()
    layout.letterhead(document)
    _body(document, kind)
    layout.signature_and_copies(document)
    return document


def _body(document: Document, kind: str) -> None:
    body = [OPENING, *BODY[kind]]
    for text in body[:-1]:
        layout.paragraph(document, text)
    for title, items in ((BY_PLATFORM, "platforms"), (BY_VIOLATION, "violations")):
        layout.paragraph(document, title, after=0, indent=False)
        layout.line(document, f"{{%p for item in {items} %}}")
        layout.line(document, "- {{ item.name }}: {{ item.count }} tautan", indent=Cm(0.75))
        layout.line(document, "{%p endfor %}")
        layout.line(document)
    if kind == "rekomendasi_pelaku":
        _actor(document)
    layout.paragraph(document, ATTACHED)
    layout.paragraph(document, body[-1])
    layout.paragraph(document, CLOSING)


def _actor(document: Document) -> None:
    layout.line(document, "{%p if pelaku is defined %}")
    layout.paragraph(document, ACTOR, after=0)
    for title, items in ((None, "pelaku.accounts"), *ACTOR_LISTS):
        if title:
            layout.paragraph(document, title, after=0, indent=False)
        layout.line(document, f"{{%p for item in {items} %}}")
        layout.line(document, "- {{ item }}", indent=Cm(0.75))
        layout.line(document, "{%p endfor %}")
    layout.paragraph(document, "{{ pelaku.takedowns }}", after=8)
    layout.line(document, "{%p endif %}")


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        build(kind).save(folder / f"{kind}.docx")


if __name__ == "__main__":
    main()
