"""Registry and public-warning import with a per-line error report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from casebook.services import imports
from web import i18n
from web.auth import require_role
from web.db import db_session
from web.i18n import t

bp = Blueprint("imports", __name__)

i18n.add_words(
    {
        "Impor data": "Data import", "Berkas CSV": "CSV file",
        "Registri produk (Cek BPOM)": "Product registry (Cek BPOM)",
        "Peringatan publik": "Public warnings", "Impor": "Imports", "Unggah": "Upload",
        "Baris": "Line", "Alasan": "Reason", "Baru": "New", "Diperbarui": "Updated",
        "Tidak berubah": "Unchanged", "Ditolak": "Rejected", "Dibaca": "Read",
        "Riwayat impor": "Import history", "Belum ada impor.": "No imports yet.",
        "Baris yang ditolak": "Rejected lines",
        "Baris yang baik sudah disimpan; perbaiki baris di bawah lalu impor lagi.":
            "The good lines are stored; fix the lines below and import again.",
        "baris ditolak lainnya tidak ditampilkan": "more rejected lines not shown",
        "Berkas terlalu besar": "File too large", "batasnya": "the limit is",
        "Pilih berkas CSV.": "Choose a CSV file.", "Kolom": "Columns",
    }
)  # fmt: skip


def _limit() -> int:
    return int(current_app.config.get("PATROLI_IMPORT_MAX_BYTES", imports.MAX_BYTES))


@bp.record_once
def _cap_uploads_first(state) -> None:
    # The CSRF check reads the form (and so the whole upload) before any view runs; the cap
    # must be set before that, so this runs ahead of every other before-request function.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _cap_import_upload)


def _cap_import_upload():
    if request.endpoint == "imports.index" and request.method == "POST":
        request.max_content_length = _limit()  # enforced while reading, even when chunked
        if (request.content_length or 0) > _limit():
            return _too_large()
    return None


@bp.errorhandler(413)
def _too_large(error=None):
    megabytes = _limit() / (1024 * 1024)
    message = f"{t('Berkas terlalu besar')}: {t('batasnya')} {megabytes:g} MB"
    return _page(upload_error=message), 413


@bp.route("/imports", methods=["GET", "POST"])
@require_role("analyst")
def index():
    if request.method == "GET":
        return _page()
    upload, kind = request.files.get("file"), request.form.get("kind", "")
    if upload is None or not upload.filename or kind not in imports.KINDS:
        return _page(upload_error=t("Pilih berkas CSV.")), 400
    with tempfile.TemporaryDirectory(prefix="import-") as scratch:
        path = Path(scratch) / "upload.csv"
        upload.save(path)  # copied in chunks: the file never sits in memory whole
        with db_session() as session, session.begin():
            report = imports.import_file(session, kind, path, filename=upload.filename,
                                         actor=current_user.username)  # fmt: skip
    return _page(report=report)


def _page(**values):
    with db_session() as session:
        history = imports.history(session)
    return render_template("imports/index.html", history=history, kinds=imports.KINDS,
                           max_mb=_limit() / (1024 * 1024), **values)  # fmt: skip
