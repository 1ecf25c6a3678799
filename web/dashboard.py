"""Dashboard in the operational-center spirit: counts per SOP stage, trends, charts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, render_template, request

from casebook.reports.words import COMMODITIES
from casebook.services import dashboard
from casebook.services.access import Scope
from web import charts, i18n
from web.auth import current_scope, require_role
from web.db import db_session
from web.i18n import t, violation_label

bp = Blueprint("dashboard", __name__)

# The SOP stages in order, with the words the page shows for them.
STAGE_LABELS = {
    "plans": "Rencana patroli",
    "found": "Tautan ditemukan",
    "with_findings": "Dengan temuan",
    "registered": "Register Informasi",
    "listed": "Masuk list takedown",
    "letters_sent": "Surat terkirim",
    "taken_down": "Sudah takedown",
}
DECISION_LABELS = {
    "takedown": "Takedown",
    "intelligence": "Intelijen",
    "dismissed": "Dikesampingkan",
}
TREND_LABELS = {
    "found": "Ditemukan",
    "listed": "Masuk list takedown",
    "taken_down": "Sudah takedown",
}
PRESETS = {"7": 7, "30": 30, "90": 90, "365": 365}
# Short words other areas may translate differently in their context (i18n refuses two
# English words for one Indonesian word): translated here, for this page only.
OWN_WORDS = {
    "Takedown": "Takedown",
    "Intelijen": "Intelligence",
    "Dikesampingkan": "Dismissed",
    "Obat": "Drugs",
    "Obat Tradisional": "Traditional medicine",
    "Suplemen Kesehatan": "Health supplements",
    "Kosmetik": "Cosmetics",
    "Pangan Olahan": "Processed food",
    "Pangan IRT": "Home-industry food",
    "Obat Kuasi": "Quasi drugs",
    "Lainnya": "Other",
    "lainnya": "other",
    "Unit": "Unit",
    "Periode": "Period",
    "jam": "hours",
    "hari": "days",
}

i18n.add_words(
    {
        "Tautan ditemukan": "Links found",
        "Dengan temuan": "With findings",
        "Masuk list takedown": "Listed for takedown",
        "Surat terkirim": "Letters sent",
        "Sudah takedown": "Taken down",
        "Tahapan SOP": "SOP stages",
        "Tingkat takedown": "Takedown rate",
        "Median waktu sampai takedown": "Median time to takedown",
        "Lewat batas waktu (SLA)": "SLA overdue",
        "tautan masih aktif setelah batas waktu platform": (
            "links still up after the platform's deadline"
        ),
        "surat tanpa jawaban setelah mutu baku": "letters unanswered after the service standard",
        "rencana draf lewat 5 HK": "draft plans past 5 working days",
        "Tren mingguan": "Weekly trend",
        "Per platform": "By platform",
        "Per komoditas": "By commodity",
        "Per jenis pelanggaran": "By violation type",
        "Per kota penjual": "By seller city",
        "Status tautan yang diusulkan": "Status of listed links",
        "Keputusan Register Informasi": "Register decisions",
        "Semua waktu": "All time",
        "7 hari terakhir": "Last 7 days",
        "30 hari terakhir": "Last 30 days",
        "90 hari terakhir": "Last 90 days",
        "365 hari terakhir": "Last 365 days",
        "Dari tanggal": "From",
        "Sampai tanggal": "Until",
        "Semua unit": "All units",
        "Terapkan": "Apply",
        "Belum ada data": "No data yet",
        "Unit berlaku untuk rencana patroli, list takedown dan surat.": (
            "The unit applies to patrol plans, takedown lists and letters."
        ),
        "Tanggal tidak dikenali: {value}": "Date not understood: {value}",
        "Angka dasbor": "Dashboard figures",
        "Pekan (ISO)": "ISO week",
    }
)


@bp.get("/dashboard")
@require_role("viewer")
def index():
    scope = current_scope()
    filters = _filters(request.args, scope)
    with db_session() as session:
        board = dashboard.figures(session, scope, filters)
        units = dashboard.units(session, scope)
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=_charts(board),
        chart_captions=_captions(),
        units=units,
        args=request.args,
        presets=PRESETS,
        stage_labels=STAGE_LABELS,
        commodity_label=_commodity,
        word=word,
    )


def _filters(args, scope: Scope) -> dashboard.Filters:
    """The period from a preset (last N days) or from/until dates (Jakarta days, inclusive)."""
    since = until = None
    days = PRESETS.get(args.get("periode", ""))
    if days:
        today = datetime.now(dashboard.JAKARTA).date()
        since = _start_of(today - timedelta(days=days - 1))
    start, end = _date(args.get("dari")), _date(args.get("sampai"))
    if start:
        since = _start_of(start)
    if end:
        until = _start_of(end + timedelta(days=1))
    unit = (args.get("unit") or "").strip()[:200] if scope.national else ""
    return dashboard.Filters(since=since, until=until, unit=unit)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or not 1970 <= day.year <= 9998:  # the edges of time overflow in UTC
        flash(t("Tanggal tidak dikenali: {value}").format(value=text[:40]), "error")
        return None
    return day


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, dashboard.JAKARTA)


def word(text: str) -> str:
    """One of this page's short words, in the user's language."""
    return OWN_WORDS.get(text, text) if i18n.current_lang() == "en" else text


def _commodity(code: str) -> str:
    return word(COMMODITIES.get(code, code))


def _captions() -> list[tuple[str, str]]:
    """The charts in the order shown, each with its visible caption."""
    return [
        ("trend", t("Tren mingguan")),
        ("stages", t("Tahapan SOP")),
        ("links", t("Status tautan yang diusulkan")),
        ("platform", t("Per platform") + " — " + t("Dengan temuan")),
        ("violation", t("Per jenis pelanggaran")),
        ("commodity", t("Per komoditas")),
        ("city", t("Per kota penjual")),
        ("decisions", t("Keputusan Register Informasi")),
    ]


def _charts(board: dashboard.Dashboard) -> dict[str, object]:
    empty = t("Belum ada data")
    platforms = sorted(board.by_platform.items(), key=lambda item: -item[1].with_findings)
    return {
        "stages": charts.bar_chart(
            t("Tahapan SOP"),
            [(t(STAGE_LABELS[s]), board.stages.get(s, 0)) for s in dashboard.STAGES],
            empty_text=empty,
        ),
        "trend": charts.line_chart(
            t("Tren mingguan"),
            board.weeks,
            [(t(TREND_LABELS[name]), values) for name, values in board.trend.items()],
            empty_text=empty,
        ),
        "platform": charts.bar_chart(
            t("Per platform") + " — " + t("Dengan temuan"),
            [(name, f.with_findings) for name, f in platforms[: dashboard.TOP]],
            empty_text=empty,
        ),
        "commodity": charts.bar_chart(
            t("Per komoditas"),
            [(_commodity(code), n) for code, n in board.by_commodity.items()],
            empty_text=empty,
        ),
        "violation": charts.bar_chart(
            t("Per jenis pelanggaran"),
            [(violation_label(code), n) for code, n in board.by_violation.items()],
            empty_text=empty,
        ),
        "city": charts.bar_chart(
            t("Per kota penjual"),
            [(word(city) if city == "lainnya" else city, n) for city, n in board.by_city],
            empty_text=empty,
        ),
        "links": charts.donut_chart(
            t("Status tautan yang diusulkan"),
            [(i18n.status_label(status), n) for status, n in board.link_statuses.items()],
            empty_text=empty,
        ),
        "decisions": charts.donut_chart(
            t("Keputusan Register Informasi"),
            [(word(DECISION_LABELS.get(d, d)), n) for d, n in board.decisions.items()],
            empty_text=empty,
        ),
    }


@bp.app_template_filter("angka")
def angka(value: float | int | None) -> str:
    """12345 -> "12.345" (Indonesian thousands); None -> "–"."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{int(value):,}".replace(",", ".")
