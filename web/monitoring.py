"""Monitoring dan evaluasi (SOP step 8): figures, overdue letters, re-proposals, the reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from casebook.letters import docx, pdf
from casebook.letters import office as letter_office
from casebook.letters.gather import local_date
from casebook.reports import words
from casebook.services import access, caseboard, monitoring, reports
from web import i18n
from web.auth import require_role
from web.db import db_session
from web.i18n import t
from web.letters import FILES
from web.takedown import DOER, current_scope

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
GROUPS = (
    ("by_platform", "Per platform"),
    ("by_recipient", "Per penerima"),
    ("by_commodity", "Per komoditas"),
)
REPORT_ERRORS = (
    reports.ReportError,
    letter_office.OfficeError,
    docx.TemplateProblem,
    pdf.PdfError,
    ValueError,
)


@bp.get("/")
@login_required
def index():
    since, until = _period(request.args)
    with db_session() as session, session.begin():
        # the latest re-checks onto the links first, as the CLI report and the API do
        monitoring.refresh_links(session)
        scope = current_scope(session)
        # the links of the lists the user may see: an UPT officer's own unit's, the national
        # roles' every unit's (the page and GET /api/v1/monitoring count alike)
        figures = monitoring.report(session, since=_start(since), until=_start(until, 1),
                                    visible=access.list_condition(scope))  # fmt: skip
        return render_template(
            "monitoring/index.html",
            figures=figures,
            groups=GROUPS,
            since=since,
            until=until,
            overdue=caseboard.overdue_letters(session, access.letter_condition(scope)),
            may_act=scope.may(DOER),
            national=scope.national,
            commodities=words.COMMODITIES,
            this_month=local_date(datetime.now(UTC)).strftime("%Y-%m"),
        )


# Re-proposal and the monev report cover every unit's links (the services take no unit): they
# are Dit. Siber's work. An UPT officer reports on its own unit's advertising findings.
NATIONAL = "analyst"


@bp.post("/repropose")
@require_role(NATIONAL)
def repropose():
    with db_session() as session, session.begin():
        monitoring.refresh_links(session)
        scope = current_scope(session)
        made = monitoring.repropose(session, actor=current_user.username, unit=scope.unit)
        list_id = made.id if made is not None else None
    if list_id is None:
        flash(t("Tidak ada tautan aktif lewat batas waktu."), "ok")
        return redirect(url_for(".index"), 303)
    flash(t("Diusulkan kembali: list takedown {id}.").format(id=list_id), "ok")
    return redirect(url_for("takedown.show", list_id=list_id), 303)


@bp.post("/monev")
@require_role(NATIONAL)
def monev():
    kind = _file_kind()
    return _report(
        kind,
        lambda session, office: reports.monev(
            session, office, since=_day("since"), until=_day("until"), with_pdf=kind == "pdf"
        ),
    )


@bp.post("/upt-report")
@require_role(DOER)
def upt_report():
    kind = _file_kind()
    return _report(
        kind,
        lambda session, office: reports.upt_advertising(
            session,
            office,
            month=_day("month", suffix="-01"),
            unit=_report_unit(session),
            with_pdf=kind == "pdf",
        ),
    )


def _report(kind: str, make):
    """Make the report's files now and send the one asked for; a refusal is a flash."""
    data_dir = current_app.config["PATROLI"].data_dir
    with db_session() as session:
        try:
            with session.begin():
                made = make(session, letter_office.load(data_dir))
        except REPORT_ERRORS as error:
            flash(str(error), "error")
            return redirect(url_for(".index"), 303)
    chosen = made.files.get(kind)
    if chosen is None:  # a monev with no link still up has no attachment
        flash(t("Laporan ini tidak memiliki berkas {kind}.").format(kind=kind.upper()), "error")
        return redirect(url_for(".index"), 303)
    path = data_dir / chosen["path"]
    return send_file(
        path,
        mimetype=FILES[kind],
        as_attachment=True,
        download_name=f"{made.name}-{path.parent.name}{path.suffix}",
    )


def _report_unit(session) -> str | None:
    """The unit asked for; an UPT officer's own, whatever the form says."""
    scope = current_scope(session)
    asked = request.form.get("unit", "").strip() or None
    return asked if scope.national else scope.unit


def _file_kind() -> str:
    kind = request.form.get("format", "docx")
    return kind if kind in ("docx", "pdf", "xlsx") else "docx"


def _day(field: str, suffix: str = "") -> date:
    raw = request.form.get(field, "").strip()
    try:
        return date.fromisoformat(raw + suffix)
    except ValueError:
        raise ValueError(t("Bukan tanggal (YYYY-MM-DD): {value}").format(value=raw[:40])) from None


def _period(args) -> tuple[date | None, date | None]:
    out = []
    for name in ("since", "until"):
        raw = args.get(name, "")
        try:
            out.append(date.fromisoformat(raw) if len(raw) == 10 else None)
        except ValueError:
            out.append(None)
    return out[0], out[1]


def _start(day: date | None, plus: int = 0) -> datetime | None:
    """Midnight in Jakarta of `day` (+ days): the period's days are whole days, both included."""
    return words.midnight(day + timedelta(days=plus)) if day else None


i18n.add_words(
    {
        "Per platform": "By platform",
        "Per penerima": "By recipient",
        "Per komoditas": "By commodity",
        "Tidak ada tautan aktif lewat batas waktu.": "No link still up past its deadline.",
        "Diusulkan kembali: list takedown {id}.": "Proposed again: takedown list {id}.",
        "Laporan ini tidak memiliki berkas {kind}.": "This report has no {kind} file.",
        "Diusulkan": "Listed",
        "Diturunkan": "Taken down",
        "Masih aktif": "Still up",
        "Tidak diketahui": "Unknown",
        "Diusulkan ulang": "Proposed again",
        "Lewat batas waktu": "Overdue",
        "Tingkat takedown": "Takedown rate",
        "Median jam sampai takedown": "Median hours to takedown",
        "Jumlah seluruhnya": "Total",
        "Sejak": "Since",
        "Sampai": "Until",
        "Tampilkan": "Show",
        "Surat lewat tenggat": "Letters past their deadlines",
        "Tidak ada surat yang lewat tenggat.": "No letter is past its deadline.",
        "Usulkan ulang tautan yang masih aktif": "Propose again the links still up",
        "Usulan ulang": "Re-proposal",
        "Tautan aktif lewat tenggat masuk list baru.": "Links up past due go on a new list.",
        "Laporan monitoring": "Monitoring reports",
        "Hasil Monitoring dan Evaluasi": "Monitoring and evaluation results",
        "Laporan bulanan iklan UPT": "UPT monthly advertising report",
        "Bulan laporan": "Report month",
        "Format berkas": "File format",
        "Buat dan unduh": "Make and download",
        "semua unit": "every unit",
        "Belum ada tautan yang diusulkan pada periode ini.": "No links listed in this period.",
    }
)
