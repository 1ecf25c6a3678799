"""Administration: audit log; settings (holidays, letter templates, numbering, office, users);
API tokens (each user their own, admins everyone's)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from casebook.letters.office import OfficeError
from casebook.models import ROLES
from casebook.services import (
    accounts,
    audit_log,
    calendar,
    calendar_year,
    settings,
    templates,
    users,
)
from web import i18n
from web.auth import require_role
from web.db import db_session
from web.i18n import t

bp = Blueprint("admin", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What a service refuses arrives as one of these, and is shown as a flash message.
REFUSED = (ValueError, OfficeError, LookupError)

i18n.add_words(
    {
        "Jejak audit": "Audit log", "Pelaku": "Actor", "Tindakan": "Action",
        "Objek": "Object", "Jenis objek": "Object kind", "ID objek": "Object id",
        "Sejak": "Since", "Sampai": "Until", "Saring": "Filter", "Semua tindakan": "All actions",
        "Sebelum": "Before", "Sesudah": "After", "Terbaru": "Newest", "Lebih lama": "Older",
        "Tidak ada kejadian.": "No events.", "Periksa rantai": "Verify the chain",
        "Rantai audit utuh: setiap kejadian cocok dengan hash-nya.":
            "The audit chain holds: every event matches its hash.",
        "Rantai audit putus pada kejadian": "The audit chain breaks at event",
        "Waktu": "Time", "Urutan": "Seq", "masalah lain": "more problems", "kejadian": "events",
        "Hari libur": "Holidays", "Templat surat": "Letter templates",
        "Penomoran surat": "Letter numbering", "Identitas kantor": "Office details",
        "Pengguna": "Users", "Token API": "API tokens",
        "Tanggal": "Date", "Libur (cuti bersama)": "Day off (cuti bersama)",
        "Hari kerja": "Working day", "Nama": "Name", "Simpan": "Save", "Hapus": "Remove",
        "Koreksi kalender kantor": "The office's calendar corrections",
        "Belum ada koreksi.": "No corrections yet.", "Kalender tahun": "Calendar of",
        "Hari tidak bekerja (Senin-Jumat)": "Days off (Monday to Friday)",
        "Tampilkan": "Show", "Hitung tenggat": "Compute a due date", "Mulai": "Start",
        "Jumlah hari kerja": "Number of working days", "Jatuh tempo": "Due", "Keterangan": "Note",
        "koreksi kantor": "office correction",
        "Templat yang dipakai": "Template in use", "bawaan": "shipped",
        "milik kantor": "the office's own", "Unduh": "Download",
        "Unggah pengganti": "Upload a replacement",
        "Versi": "Versions", "Dipakai": "In use", "Pakai lagi": "Use again",
        "Kembali ke templat bawaan": "Back to the shipped template",
        "Templat diterima dan dipakai untuk surat berikutnya.":
            "Template accepted; the next letter uses it.",
        "Templat ditolak": "Template refused", "pilih berkas DOCX": "choose a DOCX file",
        "Pola nomor": "Number pattern", "Pola bawaan (semua jenis)": "Default pattern (every kind)",
        "kosong: ikut pola bawaan": "empty: follows the default",
        "Nomor berikutnya": "Next number", "Kode unit": "Unit code",
        "Kode klasifikasi arsip": "Archive code",
        "Nomor urut berjalan per tahun, dipakai bersama semua jenis surat; tidak pernah "
        "dipakai ulang atau dilewati.":
            "One running number per year, shared by every kind of letter; never re-used or "
            "skipped.",
        "Pengaturan disimpan.": "Settings saved.",
        "Kop: instansi": "Letterhead: agency", "Kop: unit": "Letterhead: unit",
        "Kop: alamat (satu baris per baris)": "Letterhead: address (one line per line)",
        "Kota": "City", "Jabatan penanda tangan": "Signatory's position",
        "Nama penanda tangan": "Signatory's name", "NIP": "NIP",
        "Peran": "Role", "Unit": "Unit", "Aktif": "Active", "Nonaktif": "Deactivated",
        "Tambah pengguna": "Add a user", "Nama lengkap": "Full name", "Ubah": "Change",
        "Nonaktifkan": "Deactivate", "Aktifkan": "Reactivate",
        "Atur ulang kata sandi": "Reset the password", "Kata sandi baru": "New password",
        "Pengguna disimpan.": "User saved.",
        "Token API saya": "My API tokens", "Semua token API": "Every API token",
        "Buat token": "Create a token", "Untuk apa": "What it is for",
        "Salin token ini sekarang: token tidak akan ditampilkan lagi.":
            "Copy this token now: it will not be shown again.",
        "Dibuat": "Created", "Terakhir dipakai": "Last used", "Dicabut": "Revoked",
        "Cabut": "Revoke", "Token dicabut.": "Token revoked.", "Belum ada token.": "No tokens yet.",
        "belum pernah": "never", "Pemilik": "Owner", "Dibuat oleh": "Created by",
    }
)  # fmt: skip


# -- audit log --------------------------------------------------------------------------------


@bp.get("/audit")
@require_role("analyst")
def audit():
    where, before = _event_filter(), _int_arg("before")
    with db_session() as session:
        page = audit_log.events(session, where, before_seq=before, limit=_int_arg("limit") or 50)
        known_actions = audit_log.actions(session)
        rows = [(event, _details(event.before), _details(event.after)) for event in page.events]
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    newest = args if before is not None else None
    older = {**args, "before": page.next_before} if page.next_before else None
    return render_template("admin/audit.html", rows=rows, where=where, actions=known_actions,
                           newest=newest, older=older)  # fmt: skip


@bp.get("/audit/verify")
@require_role("analyst")
def verify_audit():
    engine = current_app.extensions["patroli.engine"]
    database = engine.url.render_as_string(hide_password=True)
    with db_session() as session:
        check = audit_log.check_chain(session, _data_dir() / audit_log.WITNESS, database)
    return render_template("admin/verify.html", check=check, broken=check.first_break)


def _event_filter() -> audit_log.EventFilter:
    args = request.args
    return audit_log.EventFilter(
        actor=args.get("actor", "").strip(), action=args.get("action", "").strip(),
        kind=args.get("kind", "").strip(), object_id=args.get("object_id", "").strip(),
        since=_date_arg("since"), until=_date_arg("until"),
    )  # fmt: skip


def _details(value) -> str:
    # Shown as text in <pre>: Jinja escapes it like any other string.
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


# -- settings ---------------------------------------------------------------------------------


@bp.get("/settings", endpoint="settings")  # the top bar links the area by this name
@require_role("admin")
def settings_index():
    return render_template("admin/settings.html")


@bp.route("/settings/holidays", methods=["GET", "POST"])
@require_role("admin")
def holidays():
    if request.method == "POST":
        day = _date_form("day")
        if day is None:
            return redirect(url_for(".holidays"))
        with _refusals(), db_session() as session, session.begin():
            if request.form.get("remove"):
                calendar.remove_override(session, day, actor=current_user.username)
            else:
                calendar.set_override(session, day, off=request.form.get("off") == "1",
                                      name=request.form.get("name", ""),
                                      actor=current_user.username)  # fmt: skip
        return redirect(url_for(".holidays", year=day.year))
    year = min(max(_int_arg("year") or date.today().year, 1990), 2100)
    start, days = _date_arg("start"), _int_arg("days")
    with db_session() as session:
        working = calendar.working_calendar(session)
        overrides = calendar.list_overrides(session)
        off_days = calendar_year.days_off(session, year, i18n.current_lang())
    due = working.add(start, days) if start and days is not None and days <= 400 else None
    return render_template("admin/holidays.html", overrides=overrides, year=year,
                           off_days=off_days, start=start, days=days, due=due)  # fmt: skip


@bp.get("/settings/templates")
@require_role("admin")
def letter_templates():
    office = _office()
    rows = [(kind, templates.is_own(office, kind), templates.versions(office, kind))
            for kind in templates.kinds()]  # fmt: skip
    return render_template("admin/templates.html", rows=rows, max_mb=templates.MAX_BYTES >> 20)


@bp.get("/settings/templates/<kind>.docx")
@require_role("admin")
def template_file(kind: str):
    with _refusals(abort_with=404):
        path = templates.current(_office(), kind)
    return send_file(path, mimetype=DOCX, as_attachment=True, download_name=f"{kind}.docx")


@bp.get("/settings/templates/<kind>/versions/<name>")
@require_role("admin")
def template_version_file(kind: str, name: str):
    with _refusals(abort_with=404):
        path = templates.version_path(_office(), kind, name)
    return send_file(path, mimetype=DOCX, as_attachment=True, download_name=f"{kind}-{name}")


@bp.post("/settings/templates/<kind>")
@require_role("admin")
def template_upload(kind: str):
    upload = request.files.get("template")
    if upload is None or not upload.filename:
        flash(t("Templat ditolak") + ": " + t("pilih berkas DOCX"), "error")
        return redirect(url_for(".letter_templates"))
    data = upload.stream.read(templates.MAX_BYTES + 1)
    try:
        with db_session() as session, session.begin():
            templates.upload(session, _office(), kind, data, filename=upload.filename,
                             actor=current_user.username)  # fmt: skip
        flash(t("Templat diterima dan dipakai untuk surat berikutnya."), "info")
    except REFUSED as error:
        flash(f"{t('Templat ditolak')} ({kind}): {error}", "error")
    return redirect(url_for(".letter_templates"))


@bp.post("/settings/templates/<kind>/revert")
@require_role("admin")
def template_revert(kind: str):
    with _refusals(), db_session() as session, session.begin():
        templates.revert(session, _office(), kind, request.form.get("version") or None,
                         actor=current_user.username)  # fmt: skip
    return redirect(url_for(".letter_templates"))


@bp.route("/settings/numbering", methods=["GET", "POST"])
@require_role("admin")
def numbering():
    if request.method == "POST":
        patterns = {"": request.form.get("pattern", "")}
        patterns.update({k: request.form.get(f"pattern.{k}", "") for k in templates.kinds()})
        with _refusals(), db_session() as session, session.begin():
            settings.update_numbering(session, _data_dir(), patterns,
                                      unit_code=request.form.get("unit_code", ""),
                                      archive_code=request.form.get("archive_code", ""),
                                      actor=current_user.username)  # fmt: skip
            flash(t("Pengaturan disimpan."), "info")
        return redirect(url_for(".numbering"))
    office = _office()
    with db_session() as session:
        own = office.settings.get("number_patterns") or {}
        rows = [(kind, own.get(kind, ""), _preview(session, office, kind))
                for kind in templates.kinds()]  # fmt: skip
    return render_template("admin/numbering.html", office=office, rows=rows)


def _preview(session, office, kind: str) -> str:
    try:
        return settings.preview_number(session, office, kind)
    except settings.SettingsError as error:
        return str(error)


@bp.route("/settings/office", methods=["GET", "POST"])
@require_role("admin")
def office_settings():
    if request.method == "POST":
        with _refusals(), db_session() as session, session.begin():
            settings.update_office(session, _data_dir(), request.form, actor=current_user.username)
            flash(t("Pengaturan disimpan."), "info")
        return redirect(url_for(".office_settings"))
    values = settings.office_values(_office())
    return render_template("admin/office.html", values=values, fields=settings.OFFICE_FIELDS)


# -- users ------------------------------------------------------------------------------------


@bp.get("/settings/users")
@require_role("admin")
def users_index():
    with db_session() as session:
        people, units = accounts.list_users(session), accounts.known_units(session)
    return render_template("admin/users.html", people=people, roles=ROLES, units=units)


@bp.post("/settings/users")
@require_role("admin")
def user_add():
    form = request.form
    with _refusals(), db_session() as session, session.begin():
        accounts.add_user(session, form.get("username", ""), form.get("password", ""),
                          form.get("role", ""), full_name=form.get("full_name", ""),
                          unit=form.get("unit", ""), actor=current_user.username)  # fmt: skip
        flash(t("Pengguna disimpan."), "info")
    return redirect(url_for(".users_index"))


@bp.post("/settings/users/<username>")
@require_role("admin")
def user_change(username: str):
    form = request.form
    with _refusals(), db_session() as session, session.begin():
        if "active" in form:
            accounts.set_active(session, username, form["active"] == "1",
                                actor=current_user.username)  # fmt: skip
        elif "password" in form:
            accounts.reset_password(session, username, form["password"],
                                    actor=current_user.username)  # fmt: skip
        else:
            accounts.change_user(session, username, role=form.get("role", ""),
                                 unit=form.get("unit", ""), full_name=form.get("full_name"),
                                 actor=current_user.username)  # fmt: skip
        flash(t("Pengguna disimpan."), "info")
    return redirect(url_for(".users_index"))


# -- API tokens -------------------------------------------------------------------------------


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    new_token = None
    if request.method == "POST":
        with _refusals(), db_session() as session, session.begin():
            _, new_token = users.create_token(session, current_user.username,
                                              name=request.form.get("name", ""),
                                              actor=current_user.username)  # fmt: skip
    with db_session() as session:
        own = accounts.tokens(session, username=current_user.username)
        everyone = accounts.tokens(session) if current_user.may("admin") else []
    page = render_template("admin/tokens.html", own=own, everyone=everyone, new_token=new_token)
    return page, 201 if new_token else 200, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    with _refusals(abort_with=404), db_session() as session, session.begin():
        theirs = accounts.token_owner(session, token_id) != current_user.username
        if theirs and not current_user.may("admin"):
            abort(404)  # another person's token answers as a missing one: ids are not probed
        users.revoke_token(session, token_id, actor=current_user.username)
        flash(t("Token dicabut."), "info")
    return redirect(url_for(".tokens"))


# -- helpers ----------------------------------------------------------------------------------


class _refusals:
    """A service's refusal becomes a flash message (or an abort) and the transaction rolls
    back: `with _refusals(), db_session() as session, session.begin(): ...`."""

    def __init__(self, abort_with: int | None = None) -> None:
        self.abort_with = abort_with

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if error is None or not isinstance(error, REFUSED):
            return False
        if self.abort_with:
            abort(self.abort_with)
        flash(str(error), "error")
        return True


def _office():
    return settings.office(_data_dir())


def _data_dir() -> Path:
    return Path(current_app.config["PATROLI"].data_dir)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def _date_arg(name: str) -> date | None:
    return _parse_date(request.args.get(name, ""))


def _date_form(name: str) -> date | None:
    day = _parse_date(request.form.get(name, ""))
    if day is None:
        flash(f"{name}: {t('Tanggal')} YYYY-MM-DD", "error")
    return day


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None
