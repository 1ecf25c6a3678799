"""The shipped template of the Dokumen Profiling (SOP step 7), in the reports' naskah dinas layout.

One template serves both uses: one actor's full profile, or the actors active in a period ranked
by risk (a ranking table, then a section per actor). As with every report, an office may replace
it with its own (`$PATROLI_DATA_DIR/templates/profiling.docx`). Rebuild the shipped one with
`python -m casebook.reports.profiling_source` after changing this file.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document
from docx.shared import Cm

from casebook.letters.layout import letterhead, line, page, paragraph, signature_and_copies
from casebook.reports.template_source import CLOSING, _table

NAME = "profiling"

OPENING = (
    "Sehubungan dengan pelaksanaan {{ sop }}, kegiatan Profiling (langkah 7), bersama ini kami "
    "sampaikan Dokumen Profiling pelaku peredaran Obat dan Makanan ilegal secara daring "
    "{{ subject }}, disusun dari akun penjual yang terhubung melalui identitas yang sama (nomor "
    "telepon/WhatsApp, e-mail, rekening bank, akun media sosial, alamat toko)."
)
SUMMARY = (
    "Terdapat {{ actor_count }} pelaku dengan {{ account_count }} akun penjual dan "
    "{{ listing_count }} tautan, {{ violating_count }} di antaranya melanggar ketentuan. Urutan "
    "pelaku menurut skor risiko (0-100):"
)
DETAIL = (
    "Profil rinci disajikan untuk {{ detailed }} pelaku dengan skor risiko tertinggi; selebihnya "
    "tercantum dalam lampiran."
)
ATTACHED = (
    "Daftar seluruh tautan para pelaku beserta akun, platform, produk, jenis pelanggaran, dan "
    "status takedown terlampir dalam bentuk softcopy (berkas XLSX)."
)
TAKEDOWNS = (
    "Riwayat takedown: {{ a.listed }} tautan direkomendasikan takedown, {{ a.taken_down }} telah "
    "turun, {{ a.still_up }} masih aktif, {{ a.unknown }} belum diketahui statusnya. Muncul "
    "kembali dengan akun lain setelah takedown: {{ a.reappeared }} kali."
)


def build() -> Document:
    document = page()
    letterhead(document)
    paragraph(document, OPENING)
    paragraph(document, SUMMARY, after=2)
    _table(document, ("No", "Pelaku", "Akun", "Platform", "Tautan melanggar", "Turun",
                      "Muncul kembali", "Skor"), "ranking",
           ("no", "name", "accounts", "platforms", "violating", "taken_down", "reappeared",
            "score"), (0.9, 3.6, 1.3, 3.2, 1.9, 1.4, 2.0, 1.7))  # fmt: skip
    line(document)
    line(document, "{%p if omitted %}")
    paragraph(document, DETAIL)
    line(document, "{%p endif %}")
    line(document, "{%p for a in actors %}")
    _actor(document)
    line(document, "{%p endfor %}")
    paragraph(document, ATTACHED)
    paragraph(document, CLOSING)
    signature_and_copies(document)
    return document


def _actor(document: Document) -> None:
    """One actor's section: who, why the score, accounts, identifiers, violations, products,
    takedowns, open suggestions, referrals."""
    line(document, "{{ a.no }}. Pelaku {{ a.name }} (ID {{ a.id }}), skor risiko {{ a.score }}",
         bold=True)  # fmt: skip
    paragraph(document, "Terlihat pertama {{ a.first_seen }}, terakhir {{ a.last_seen }}; "
              "{{ a.account_count }} akun pada {{ a.platform_count }} platform, "
              "{{ a.listing_count }} tautan ({{ a.violating }} melanggar).", after=2,
              indent=False)  # fmt: skip
    _items(document, "Alasan skor risiko:", "a.reasons", "{{ item }}")
    paragraph(document, "Akun penjual:", after=2, indent=False)
    _table(document, ("Platform", "Nama toko", "Alamat toko", "Kota", "Pertama", "Terakhir",
                      "Tautan"), "a.accounts",
           ("platform", "shop_name", "shop_url", "city", "first_seen", "last_seen", "listings"),
           (2.0, 2.9, 4.3, 1.8, 1.9, 1.9, 1.2))  # fmt: skip
    line(document)
    line(document, "{%p if a.identifiers %}")
    paragraph(document, "Identitas yang menghubungkan akun:", after=2, indent=False)
    _table(document, ("Jenis", "Nilai", "Akun", "Bukti"), "a.identifiers",
           ("kind", "value", "accounts", "joins"), (2.4, 4.8, 6.6, 2.2))  # fmt: skip
    line(document)
    line(document, "{%p endif %}")
    _items(document, "Pelanggaran (jumlah tautan):", "a.violations",
           "{{ item.label }}: {{ item.count }} tautan")  # fmt: skip
    _items(document, "Produk yang dijual:", "a.products",
           "{{ item.title }}: {{ item.count }} tautan")  # fmt: skip
    paragraph(document, TAKEDOWNS, after=2, indent=False)
    _items(document, "", "a.reappearances", "{{ item }}")
    _items(document, "Usulan keterkaitan akun yang menunggu keputusan analis:", "a.suggestions",
           "{{ item }}")  # fmt: skip
    _items(document, "Rekomendasi pelaku (surat):", "a.referrals", "{{ item }}")
    line(document)


def _items(document: Document, title: str, items: str, text: str) -> None:
    """A titled dash list, left out entirely when it has no items."""
    line(document, f"{{%p if {items} %}}")
    if title:
        paragraph(document, title, after=0, indent=False)
    line(document, f"{{%p for item in {items} %}}")
    line(document, f"- {text}", indent=Cm(0.75))
    line(document, "{%p endfor %}")
    line(document, "{%p endif %}")


def main(folder: Path | None = None) -> None:
    folder = folder or Path(__file__).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    build().save(folder / f"{NAME}.docx")


if __name__ == "__main__":
    main()
