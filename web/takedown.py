"""Takedown lists (SOP step 4): build from the register, verify now, export, make the letters."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

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

from casebook.letters import content, xlsx
from casebook.letters import office as letter_office
from casebook.letters.safe import cell
from casebook.services import access, caseboard, takedown, users
from casebook.services import letters as letter_service
from web import i18n, jobs, sharing
from web.auth import require_role
from web.db import db_session
from web.i18n import t

bp = Blueprint("takedown", __name__, url_prefix="/takedown")
DOER = "upt_officer"  # analysts for every unit, UPT officers for their own (list_condition)
LETTER_ERRORS = (letter_service.LetterError, letter_office.OfficeError)


def current_scope(session) -> access.Scope:
    """The reader's scope, with the unit as the casebook holds it now."""
    user = users.get_user(session, current_user.id)
    return access.Scope.of(user) if user is not None else access.Scope.of(current_user)


def id_values(values: list[str]) -> list[int]:
    """Ids from checkboxes and from a typed "1, 2 3" field; anything else is named and refused."""
    ids = []
    for value in values:
        for part in value.replace(",", " ").split():
            if not part.isascii() or not part.isdigit():
                raise ValueError(t("Bukan nomor entri: {part}").format(part=part[:40]))
            ids.append(int(part))
    return ids


@bp.app_template_global()
def casework_href(url: str | None) -> str | None:
    """A crawled URL may be a link only if it is http(s); anything else is shown as text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and url == url.strip() else None


@bp.app_template_global()
def recipient_label(code: str) -> str:
    return t(RECIPIENT_LABELS.get(code, code))


RECIPIENT_LABELS = {
    "idea": "IdEA",
    "komdigi": "Komdigi",
    "dit_was": "Dit. Was",
    "dit_intelijen": "Dit. Intelijen",
    "upt": "UPT BPOM",
}
LIST_STATUS = {"draft": "konsep", "verified": "terverifikasi", "sent": "terkirim"}


@bp.app_template_global()
def list_status_label(status: str) -> str:
    return t(LIST_STATUS.get(status, status))


@bp.get("/")
@login_required
def index():
    with db_session() as session:
        return _index_page(session)


def _index_page(session, status: int = 200):
    scope = current_scope(session)
    before = request.args.get("before", type=int)
    rows = caseboard.lists(session, access.list_condition(scope), before_id=before)
    ready = (
        caseboard.ready_entries(session, access.entry_condition(scope)) if scope.may(DOER) else []
    )
    page = render_template(
        "takedown/index.html",
        rows=rows,
        ready=ready,
        may_build=scope.may(DOER),
        next_before=rows[-1].id if len(rows) == caseboard.PAGE else None,
    )
    return page, status


@bp.post("/")
@require_role(DOER)
def build():
    with db_session() as session:
        try:
            ids = id_values([*request.form.getlist("entry_id"), request.form.get("entry_ids", "")])
            with session.begin():
                scope = current_scope(session)
                access.require_visible(session, scope, "entry", ids)
                built = takedown.build_list(
                    session,
                    ids,
                    actor=current_user.username,
                    kind_of=kind_of,
                    unit=scope.unit,
                    note=request.form.get("note", "").strip()[:500],
                )
                list_id = built.id
        except (ValueError, takedown.TakedownError, access.AccessError) as error:
            flash(str(error), "error")
            return _index_page(session, 409 if isinstance(error, takedown.TakedownError) else 400)
    flash(t("List takedown {id} dibuat.").format(id=list_id), "ok")
    return redirect(url_for(".show", list_id=list_id), 303)


def kind_of(platform: str, url: str) -> str:
    """The platform's kind from the composition root's map (the web never imports the crawler)."""
    return current_app.config.get("PATROLI_PLATFORM_KINDS", {}).get(platform, "website")


@bp.get("/<int:list_id>")
@login_required
def show(list_id: int):
    with db_session() as session:
        scope = current_scope(session)
        found = _visible(session, scope, list_id)
        letters = caseboard.letters(session, access.letter_condition(scope), list_id=list_id)
        return render_template(
            "takedown/show.html",
            takedown_list=found,
            links=caseboard.link_rows(session, found),
            letters=letters,
            kinds=list(content.KINDS),
            may_act=scope.may(DOER),
            job_id=request.args.get("job", type=int),
            sharing=sharing.context(session, scope, "list", found),
            share_action=url_for(".share", list_id=list_id),
        )


@bp.post("/<int:list_id>/share")
@require_role(sharing.LEAST_ROLE)
def share(list_id: int):
    """Share the list with another unit, or take a share back (web.sharing)."""
    return sharing.from_form("list", list_id, url_for(".show", list_id=list_id))


@bp.post("/<int:list_id>/verify")
@require_role(DOER)
def verify(list_id: int):
    with db_session() as session:
        _visible(session, current_scope(session), list_id)
    try:
        job_id = jobs.start("verify_list", {"list_id": list_id})
    except ValueError as error:  # jobs.JobError: one line naming the list
        flash(str(error), "error")
        return redirect(url_for(".show", list_id=list_id), 303)
    flash(t("Verifikasi tautan dimulai."), "ok")
    return redirect(url_for(".show", list_id=list_id, job=job_id), 303)


@bp.get("/<int:list_id>/export.<any(xlsx, csv):kind>")
@login_required
def export(list_id: int, kind: str):
    with db_session() as session:
        rows = caseboard.export_rows(session, _visible(session, current_scope(session), list_id))
    name = f"list-takedown-{list_id}.{kind}"
    if kind == "xlsx":
        data = io.BytesIO()
        xlsx.write(rows, data, title=f"List takedown {list_id}")  # type: ignore[arg-type]
        data.seek(0)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return send_file(data, mimetype=mimetype, as_attachment=True, download_name=name)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(xlsx.HEADER)
    for number, row in enumerate(rows, start=1):
        writer.writerow([number, *(cell(value) for value in _values(row))])
    data = io.BytesIO(text.getvalue().encode("utf-8-sig"))  # Excel reads UTF-8 with the BOM
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name=name)


def _values(row: xlsx.Row) -> tuple[str, ...]:
    return (
        row.url,
        row.platform,
        row.seller,
        row.product,
        row.violations,
        row.legal_basis,
        row.evidence_sha256,
        row.captured_at,
        row.status,
    )


@bp.post("/<int:list_id>/letters")
@require_role(DOER)
def make_letters(list_id: int):
    kind = request.form.get("kind", "rekomendasi_takedown")
    config = current_app.config["PATROLI"]
    with db_session() as session:
        try:
            with session.begin():
                _visible(session, current_scope(session), list_id)
                made = letter_service.make_letters(
                    session,
                    list_id,
                    kind,
                    actor=current_user.username,
                    office=letter_office.load(config.data_dir),
                    with_pdf=current_app.config.get("PATROLI_LETTER_PDF", True),
                )
                numbers = ", ".join(letter.number for letter in made)
        except LETTER_ERRORS as error:
            flash(str(error), "error")
            return redirect(url_for(".show", list_id=list_id), 303)
    flash(t("Surat dibuat: {numbers}").format(numbers=numbers), "ok")
    return redirect(url_for("letters.index", list=list_id), 303)


def _visible(session, scope: access.Scope, list_id: int):
    """The list, or 404 for a list that does not exist or that this reader may not see."""
    found = caseboard.visible_list(session, list_id, access.list_condition(scope))
    if found is None:
        abort(404)
    return found


i18n.add_words(
    {
        "Bukan nomor entri: {part}": "Not an entry number: {part}",
        "List takedown {id} dibuat.": "Takedown list {id} created.",
        "Verifikasi tautan dimulai.": "Link verification started.",
        "Surat dibuat: {numbers}": "Letters made: {numbers}",
        "konsep": "draft",
        "terverifikasi": "verified",
        "terkirim": "sent",
        "Buat list takedown": "Build a takedown list",
        "Entri siap dimasukkan ke list": "Entries ready to be listed",
        "Nomor entri lain (pisahkan dengan koma)": "Other entry numbers (comma-separated)",
        "Keterangan list": "List note",
        "Buat list": "Build list",
        "Entri register": "Register entry",
        "Diputuskan oleh": "Decided by",
        "Tidak ada entri yang menunggu.": "No entries waiting.",
        "Unit": "Unit",
        "Dibuat pada": "Created",
        "Jumlah tautan": "Number of links",
        "Per penerima": "By recipient",
        "Per status tautan": "By link status",
        "Belum ada list takedown.": "No takedown lists yet.",
        "Daftar lebih lama": "Older lists",
        "Tautan (URL)": "Link (URL)",
        "Penerima": "Recipient",
        "Status tautan": "Link status",
        "Diperiksa (UTC)": "Checked (UTC)",
        "Usulan ke-": "Proposal no.",
        "Usulan sebelumnya": "Earlier proposals",
        "Produk": "Product",
        "Verifikasi sekarang": "Verify now",
        "Unduh XLSX": "Download XLSX",
        "Unduh CSV": "Download CSV",
        "Buat surat": "Make letters",
        "Jenis surat": "Kind of letter",
        "Surat dari list ini": "Letters of this list",
        "Diverifikasi (UTC)": "Verified (UTC)",
        "Dibuat oleh": "Created by",
        "list": "list",
        "usulan": "proposal",
        "Pilih": "Select",
    }
)
