"""Bahasa Indonesia by default, English on request: templates are written in Indonesian."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from casebook import vocabulary
from casebook.vocabulary import LANGUAGES

bp = Blueprint("i18n", __name__)

EN = {
    "Masuk": "Log in",
    "Keluar": "Log out",
    "Nama pengguna": "Username",
    "Kata sandi": "Password",
    "Nama pengguna atau kata sandi salah.": "Wrong username or password.",
    "Temuan patroli": "Patrol findings",
    "Tautan": "Listings",
    "Tautan dengan pelanggaran": "Listings with violations",
    "Pelanggaran": "Violations",
    "Semua pelanggaran": "All violations",
    "Semua platform": "All platforms",
    "Semua status": "All statuses",
    "Cari judul atau URL": "Search title or URL",
    "Cari": "Search",
    "Platform": "Platform",
    "Judul": "Title",
    "Penjual": "Seller",
    "Harga": "Price",
    "Terakhir dilihat": "Last seen",
    "Pertama dilihat": "First seen",
    "Status": "Status",
    "Tidak ada tautan.": "No listings.",
    "Sebelumnya": "Previous",
    "Berikutnya": "Next",
    "Halaman": "Page",
    "dari": "of",
    "Deskripsi": "Description",
    "Kategori": "Category",
    "Aturan": "Rule",
    "Skor": "Score",
    "Bukti": "Evidence",
    "Dibandingkan dengan": "Compared with",
    "Tidak ada pelanggaran.": "No violations.",
    "Identitas penjual": "Seller identifiers",
    "Lokasi": "Location",
    "Riwayat perubahan": "Change history",
    "Bukti tangkapan": "Captured evidence",
    "Waktu (UTC)": "Time (UTC)",
    "Jenis": "Kind",
    "Berkas": "Files",
    "Tangkapan layar": "Screenshot",
    "Halaman seperti yang ditangkap": "The page as captured",
    "Kembali": "Back",
    "Bahasa": "Language",
    "Ringkasan": "Summary",
    "Catatan": "Note",
    "Temuan terdahulu": "Past findings",
    "Ditemukan": "Found",
    "Tidak ditemukan lagi": "No longer found",
    "dengan katalog": "with catalogue",
    "Dibaca dari": "Read from",
}


def add_words(words: dict[str, str]) -> None:
    """Each area's module adds the English of its own Indonesian words at import."""
    for indonesian, english in words.items():
        if EN.setdefault(indonesian, english) != english:
            raise ValueError(
                f"two English words for {indonesian!r}: {EN[indonesian]!r}, {english!r}"
            )


add_words(
    {
        "Dasbor": "Dashboard",
        "Rencana patroli": "Patrol plans",
        "List takedown": "Takedown lists",
        "Surat": "Letters",
        "Monitoring": "Monitoring",
        "Impor": "Imports",
        "Jejak audit": "Audit log",
        "Pengaturan": "Settings",
    }
)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        t=t, violation_label=violation_label, status_label=status_label, current_lang=current_lang
    )


def current_lang() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "id"


def t(text: str) -> str:
    return EN.get(text, text) if current_lang() == "en" else text


def violation_label(code: str) -> str:
    return vocabulary.violation_label(code, current_lang())


def status_label(status: str | None) -> str:
    return vocabulary.status_label(status, current_lang())


@bp.post("/lang/<lang>")
def switch(lang: str):
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.referrer or ""
    same_site = target.startswith(request.host_url)
    return redirect(target if same_site else url_for("findings.index"))
