"""Letters (SOP steps 5-6): preview, DOCX/PDF/XLSX, mark sent, responses, Komdigi's stages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casebook.letters import office as letter_office
from casebook.letters.gather import WIB, local_date
from casebook.models.followup import ESCALATION_STAGES
from casebook.services import access, calendar, caseboard, escalation, letter_preview
from casebook.services import letters as letter_service
from web import i18n, jobs
from web.auth import require_role
from web.db import db_session
from web.i18n import t
from web.takedown import DOER, current_scope

bp = Blueprint("letters", __name__, url_prefix="/letters")
FILES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "screenshots": "application/zip",
    "wacz": "application/wacz",
}
KIND_LABELS = {
    "rekomendasi_takedown": "Surat Rekomendasi Takedown",
    "tembusan": "Surat Tembusan",
    "tindak_lanjut": "Surat Tindak Lanjut Hasil Pengawasan",
    "permintaan_data": "Surat Permintaan Data",
    "rekomendasi_pelaku": "Rekomendasi Pelaku",
}
OUTCOME_LABELS = {
    "done": "ditindaklanjuti",
    "refused": "ditolak",
    "more_info": "meminta informasi tambahan",
    "partial": "sebagian",
}
# Referrals a reviewer (Dit. Was, Dit. Intelijen) answers; the rest is the analysts' and UPTs'.
REFERRALS = frozenset({"tembusan", "tindak_lanjut", "rekomendasi_pelaku"})


@bp.app_template_global()
def letter_kind_label(kind: str) -> str:
    return t(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def outcome_label(outcome: str) -> str:
    return t(OUTCOME_LABELS.get(outcome, outcome))


@bp.app_template_global()
def stage_label(stage: str) -> str:
    return t(escalation.LABELS.get(stage, stage))


@bp.get("/")
@login_required
def index():
    status = request.args.get("status") if request.args.get("status") in ("draft", "sent") else None
    list_id = request.args.get("list", type=int)
    with db_session() as session:
        scope = current_scope(session)
        letters = caseboard.letters(
            session,
            access.letter_condition(scope),
            list_id=list_id,
            status=status,
            before_id=request.args.get("before", type=int),
        )
        return render_template(
            "letters/index.html",
            letters=letters,
            status=status,
            list_id=list_id,
            next_before=_next(letters),
        )


def _next(rows: list) -> int | None:
    return rows[-1].letter.id if len(rows) == caseboard.PAGE else None


@bp.get("/<int:letter_id>")
@login_required
def show(letter_id: int):
    data_dir = current_app.config["PATROLI"].data_dir
    with db_session() as session:
        scope = current_scope(session)
        letter = _visible(session, scope, letter_id)
        try:
            preview, problem = letter_preview.preview(data_dir, letter), None
        except letter_preview.PreviewError as error:
            preview, problem = None, str(error)
        row = caseboard.letter_rows(session, [letter])[0]
        today = local_date(datetime.now(UTC))
        return render_template(
            "letters/show.html",
            letter=letter,
            row=row,
            preview=preview,
            problem=problem,
            responses=letter_service.responses(session, letter_id),
            links=caseboard.letter_links(session, letter, letter_service.letter_link_ids(letter)),
            stages=escalation.stages(session, letter_id),
            all_stages=ESCALATION_STAGES,
            days_left=caseboard.working_days_left(
                calendar.working_calendar(session), letter.due_on, today
            ),
            deadline_wib=letter.deadline_at.astimezone(WIB) if letter.deadline_at else None,
            today=today,
            outcomes=letter_service.OUTCOMES,
            may_act=scope.may(DOER),
            may_answer=_may_answer(scope, letter),
            files=[k for k in FILES if k in letter.files],
            platform_hours=letter_office.load(data_dir).platform_hours,
            job_id=request.args.get("job", type=int),
        )


@bp.post("/<int:letter_id>/recheck")
@require_role(DOER)
def recheck(letter_id: int):
    """Monitoring (SOP 8): are the links this letter asked to take down still up? A background
    job re-checks them now (at most a job's 500; a bigger letter is re-checked by the sweep)."""
    with db_session() as session:
        letter = _visible(session, current_scope(session), letter_id)
        rows = caseboard.letter_links(session, letter, letter_service.letter_link_ids(letter))
        listing_ids = sorted({row.link.listing_id for row in rows})[:500]
    try:
        job_id = jobs.start("recheck", {"listing_ids": listing_ids})
    except ValueError as error:  # jobs.JobError, one line
        flash(str(error), "error")
        return redirect(url_for(".show", letter_id=letter_id), 303)
    return redirect(url_for(".show", letter_id=letter_id, job=job_id), 303)


@bp.get("/<int:letter_id>/<any(docx, pdf, xlsx, screenshots, wacz):kind>")
@login_required
def download(letter_id: int, kind: str):
    from flask import send_file

    data_dir = current_app.config["PATROLI"].data_dir.resolve()
    with db_session() as session:
        letter = _visible(session, current_scope(session), letter_id)
        made = (letter.files or {}).get(kind) or abort(404)
    path = (data_dir / made["path"]).resolve()
    if data_dir not in path.parents or not path.is_file():
        abort(404)
    name = f"surat-{letter_id}-{letter.number}".replace("/", "-") + Path(path).suffix
    return send_file(path, mimetype=FILES[kind], as_attachment=True, download_name=name)


@bp.post("/<int:letter_id>/sent")
@require_role(DOER)
def mark_sent(letter_id: int):
    settings = letter_office.load(current_app.config["PATROLI"].data_dir)

    def act(session, letter):
        letter_service.mark_sent(
            session,
            letter.id,
            _day("sent_on"),
            actor=current_user.username,
            platform_hours=settings.platform_hours,
            follow_up_days=settings.follow_up_days,
        )
        return t("Surat ditandai terkirim.")

    return _acting(letter_id, act)


@bp.post("/<int:letter_id>/responses")
@require_role("reviewer")
def record_response(letter_id: int):
    def act(session, letter):
        if not _may_answer(current_scope(session), letter):
            abort(403)
        chosen = request.form.getlist("link_id")
        letter_service.record_response(
            session,
            letter.id,
            request.form.get("outcome", ""),
            link_ids=[int(x) for x in chosen if x.isascii() and x.isdigit()] if chosen else None,
            note=request.form.get("note", "")[:2000],
            received_on=_day("received_on"),
            actor=current_user.username,
        )
        return t("Tanggapan dicatat.")

    return _acting(letter_id, act)


@bp.post("/<int:letter_id>/escalation")
@require_role(DOER)
def escalate(letter_id: int):
    def act(session, letter):
        escalation.escalate(
            session,
            letter.id,
            request.form.get("stage", ""),
            _day("reached_on"),
            actor=current_user.username,
            note=request.form.get("note", "")[:2000],
        )
        return t("Tahap eskalasi dicatat.")

    return _acting(letter_id, act)


ERRORS = (letter_service.LetterError, escalation.EscalationError, ValueError)


def _acting(letter_id: int, act):
    """Run one change in a transaction; a refused change is a flash naming why, nothing kept."""
    with db_session() as session:
        try:
            with session.begin():
                message = act(session, _visible(session, current_scope(session), letter_id))
        except ERRORS as error:
            flash(str(error), "error")
        else:
            flash(message, "ok")
    return redirect(url_for(".show", letter_id=letter_id), 303)


def _day(field: str) -> date:
    raw = request.form.get(field, "").strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError(t("Bukan tanggal (YYYY-MM-DD): {value}").format(value=raw[:40]))


def _may_answer(scope: access.Scope, letter) -> bool:
    if scope.may(DOER):
        return True
    # a reviewer answers the referrals addressed to its own directorate
    return letter.kind in REFERRALS and scope.reviews_for == letter.recipient


def _visible(session, scope: access.Scope, letter_id: int):
    found = caseboard.visible_letter(session, letter_id, access.letter_condition(scope))
    if found is None:
        abort(404)
    return found


i18n.add_words(
    {
        "Periksa ulang tautan surat ini": "Re-check this letter's links",
        "Surat Rekomendasi Takedown": "Takedown recommendation letter",
        "Surat Tembusan": "Copy letter",
        "Surat Tindak Lanjut Hasil Pengawasan": "Follow-up letter on the surveillance results",
        "Surat Permintaan Data": "Data request letter",
        "Rekomendasi Pelaku": "Offender referral",
        "ditindaklanjuti": "done",
        "ditolak": "refused",
        "meminta informasi tambahan": "asks for more information",
        "sebagian": "partly done",
        "Perintah": "Order",
        "Surat Teguran 1": "Warning letter 1",
        "Surat Teguran 2": "Warning letter 2",
        "Pemutusan akses": "Blocking",
        "Surat ditandai terkirim.": "Letter marked sent.",
        "Tanggapan dicatat.": "Response recorded.",
        "Tahap eskalasi dicatat.": "Escalation stage recorded.",
        "Bukan tanggal (YYYY-MM-DD): {value}": "Not a date (YYYY-MM-DD): {value}",
        "Nomor surat": "Letter number",
        "Jenis": "Kind",
        "draf": "draft",
        "Tanggal dikirim": "Sent on",
        "Jatuh tempo (HK)": "Due (working days)",
        "Batas waktu platform": "Platform deadline",
        "Lewat jatuh tempo": "Overdue",
        "Lewat batas waktu platform": "Past the platform deadline",
        "Belum ada surat.": "No letters yet.",
        "Semua surat": "All letters",
        "Surat lebih lama": "Older letters",
        "Pratinjau surat": "Letter preview",
        "Lampiran tautan": "Attached links",
        "Unduh": "Download",
        "Tandai terkirim": "Mark sent",
        "Tanggal kirim": "Date sent",
        "Catat tanggapan": "Record a response",
        "Hasil tanggapan": "Outcome",
        "Diterima pada": "Received on",
        "Semua tautan surat ini": "All links of this letter",
        "Tanggapan penerima": "Responses",
        "Belum ada tanggapan.": "No responses yet.",
        "Eskalasi Komdigi": "Komdigi escalation",
        "Tahap eskalasi": "Escalation stage",
        "Dicapai": "Reached on",
        "Catat tahap": "Record stage",
        "Tenggat surat": "Deadlines",
        "hari kerja lagi": "working days left",
        "hari kerja terlambat": "working days late",
        "jam setelah hari pengiriman": "hours after the sending day",
        "Belum dikirim.": "Not sent yet.",
        "baris lagi ada di XLSX": "more rows are in the XLSX",
        "Dicatat oleh": "Recorded by",
        "Tautan surat": "The letter's links",
        "Tanpa pilihan: semua tautan surat ini": "None chosen: every link of this letter",
    }
)
