"""Alerts on anomalous crawls (services.alerts): a plan's item count drops, its errors climb, a
site starts blocking. The list, newest first; analysts acknowledge them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casebook.services import alerts
from web import i18n
from web.auth import current_scope, require_role
from web.db import db_session
from web.i18n import t

bp = Blueprint("alerts", __name__)
PAGE = 50
BIGGEST_ID = 2**63 - 1
ACKNOWLEDGER = "analyst"  # Dit. Siber's analysts watch the crawls of every unit
KIND_LABELS = {
    "item_drop": "Jumlah item turun",
    "error_rate": "Galat melonjak",
    "blocking": "Situs memblokir",
}
# What each kind measured, from its figures (services.alerts).
DESCRIPTIONS = {
    "item_drop": "{stored} item disimpan, biasanya {usual} (median {runs} penelusuran terakhir).",
    "error_rate": "{failed} URL gagal dari {pages} ({rate}), biasanya {usual}.",
    "blocking": "{blocked} dari {pages} permintaan diblokir ({share}: HTTP 401/403/429 atau "
    "captcha), biasanya {usual}.",
}

i18n.add_words(
    {
        DESCRIPTIONS["item_drop"]: (
            "{stored} items stored, usually {usual} (median of the last {runs} crawl runs)."
        ),
        DESCRIPTIONS["error_rate"]: "{failed} URLs failed of {pages} ({rate}), usually {usual}.",
        DESCRIPTIONS["blocking"]: (
            "{blocked} of {pages} requests blocked ({share}: HTTP 401/403/429 or a captcha), "
            "usually {usual}."
        ),
        "Peringatan": "Alerts",
        "Jumlah item turun": "Item count dropped",
        "Galat melonjak": "Errors climbed",
        "Situs memblokir": "Site blocking",
        "Terbuka": "Open",
        "Semua peringatan": "All alerts",
        "Dicatat": "Raised",
        "Situs": "Site",
        "Keterangan": "Note",
        "Penelusuran": "Crawl run",
        "Ad hoc": "Ad hoc",
        "Diketahui oleh {who}": "Acknowledged by {who}",
        "Tandai sudah diketahui": "Acknowledge",
        "Peringatan {id} ditandai sudah diketahui.": "Alert {id} acknowledged.",
        "Tidak ada peringatan terbuka.": "No open alerts.",
        "{n} peringatan terbuka": "{n} open alerts",
        "Belum ada peringatan.": "No alerts yet.",
        "Peringatan muncul bila penelusuran jauh berbeda dari biasanya.": (
            "Alerts are raised when a crawl run differs far from the usual."
        ),
    }
)


@bp.get("/alerts")
@require_role("viewer")
def index():
    show_all = request.args.get("show") == "all"
    after = min(max(request.args.get("after", 0, type=int), 0), BIGGEST_ID)
    with db_session() as session:
        found = alerts.alerts(session, scope=current_scope(), open_only=not show_all,
                              after_id=after, limit=PAGE + 1)  # fmt: skip
        plan_names = alerts.plan_names(session, found[:PAGE])
    more = found[PAGE - 1].id if len(found) > PAGE else None
    return render_template(
        "alerts/index.html",
        rows=found[:PAGE],
        plan_names=plan_names,
        show_all=show_all,
        more=more,
        labels=KIND_LABELS,
        may_acknowledge=current_user.may(ACKNOWLEDGER),
        describe=describe,
    )


@bp.post("/alerts/<int:alert_id>/acknowledge")
@require_role(ACKNOWLEDGER)
def acknowledge(alert_id: int):
    with db_session() as session, session.begin():
        try:
            alerts.get_alert(session, alert_id, scope=current_scope())
        except alerts.AlertNotFound:
            abort(404)
        alerts.acknowledge(session, alert_id, actor=current_user.username)
    flash(t("Peringatan {id} ditandai sudah diketahui.").format(id=alert_id), "ok")
    return redirect(url_for(".index", show=request.args.get("show") or None), 303)


def describe(alert) -> str:
    """What the alert measured, in the reader's language; the stored message (English, as the
    logs and the API give it) when its figures are not the ones expected."""
    f = alert.figures or {}
    try:
        if alert.kind == "item_drop":
            return t(DESCRIPTIONS["item_drop"]).format(
                stored=f["stored"], usual=f"{f['usual']:g}", runs=len(f["history"])
            )
        if alert.kind == "error_rate":
            return t(DESCRIPTIONS["error_rate"]).format(
                failed=f["failed"], pages=max(f["pages"], f["failed"]), rate=_share(f["rate"]),
                usual=_share(f["usual"]),
            )  # fmt: skip
        if alert.kind == "blocking":
            return t(DESCRIPTIONS["blocking"]).format(
                blocked=f["blocked"], pages=f["pages"], share=_share(f["share"]),
                usual=_share(f["usual"]),
            )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        pass
    return alert.message


def _share(value: float) -> str:
    return f"{value:.0%}"


@bp.app_context_processor
def _open_alerts():
    """`open_alert_count()` for a page that shows it (the dashboard's alerts/_open.html): asked
    only when that page renders."""

    def open_alert_count() -> int:
        if not current_user.is_authenticated:
            return 0
        with db_session() as session:
            return alerts.open_count(session, scope=current_scope())

    return {"open_alert_count": open_alert_count}
