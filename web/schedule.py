"""Scheduled patrols: each active plan's schedule with its next firings, and the scheduler's
run history (services.schedule), newest first; a plan's page shows its own runs too."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request

from casebook.models import SCHEDULED_STATUSES
from casebook.services import access, schedule, schedule_history
from casebook.services.plans import JAKARTA
from web import i18n
from web.auth import current_scope, require_role
from web.db import db_session

bp = Blueprint("schedule", __name__)
PAGE = 50
BIGGEST_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL: a bigger one in a URL is no row of ours
PLAN_RUNS = 10  # a plan's page shows its latest scheduled runs
STATUS_LABELS = {
    "running": "Sedang berjalan",
    "done": "Berhasil",
    "failed": "Gagal",
    "skipped": "Dilewati",
}

i18n.add_words(
    {
        "Jadwal": "Schedule",
        "Jadwal patroli": "Patrol schedule",
        "Rencana terjadwal": "Scheduled plans",
        "Riwayat jadwal": "Schedule history",
        "Sedang berjalan": "Running",
        "Berhasil": "Done",
        "Gagal": "Failed",
        "Dilewati": "Skipped",
        "Periksa ulang tautan": "Re-checking links",
        "Tiga jadwal berikutnya (WIB)": "Next three runs (WIB)",
        "Terakhir dijalankan": "Last run",
        "Untuk jadwal (WIB)": "Due (WIB)",
        "Dimulai (WIB)": "Started (WIB)",
        "Berakhir (WIB)": "Ended (WIB)",
        "Terlewat": "Missed",
        "Pekerjaan": "Job",
        "Proses patroli": "Crawl runs",
        "Alasan": "Reason",
        "Semua rencana": "All plans",
        "Semua status": "All statuses",
        "Belum pernah": "Never",
        "Belum ada rencana aktif yang terjadwal.": "No active plan has a schedule.",
        "Belum ada proses terjadwal.": "No scheduled runs yet.",
        "Penjadwal menjalankan rencana aktif yang berjadwal (WIB); jadwal yang terlewat "
        "dijalankan sekali, dan proses yang masih berjalan tidak ditumpuk.": (
            "The scheduler runs active plans that have a schedule (WIB); missed runs are run "
            "once, and a run still going is never overlapped."
        ),
        "Proses terjadwal": "Scheduled runs",
    }
)


@bp.get("/schedule")
@require_role("viewer")
def index():
    scope, where = current_scope(), access.plan_condition(current_scope())
    plan_id = min(max(request.args.get("plan", 0, type=int), 0), BIGGEST_ID) or None
    status = request.args.get("status")
    status = status if status in SCHEDULED_STATUSES else None
    before = min(max(request.args.get("before", 0, type=int), 0), BIGGEST_ID) or None
    with db_session() as session:
        planned = schedule_history.scheduled_plans(session, where)
        recheck = schedule_history.last_run(session, schedule.RECHECK) if scope.national else None
        rows = schedule_history.history(session, where, national=scope.national,
                                        newest_first=True, plan_id=plan_id, status=status,
                                        before_id=before, limit=PAGE + 1)  # fmt: skip
        shown = [r.plan_id for r in rows] + [p.plan.id for p in planned]
        names = schedule_history.plan_names(session, shown)
    more = rows[PAGE - 1].id if len(rows) > PAGE else None
    return render_template("schedule/index.html", planned=planned, recheck=recheck,
                           rows=rows[:PAGE], names=names, more=more, plan_id=plan_id,
                           status=status, labels=STATUS_LABELS)  # fmt: skip


@bp.app_template_global()
def scheduled_runs_of(plan_id: int) -> list:
    """A plan's latest scheduled runs, for its page (plans/show.html includes
    schedule/_plan_runs.html); only what the user may see of that plan."""
    scope = current_scope()
    with db_session() as session:
        where = access.plan_condition(scope)
        return schedule_history.history(session, where, national=scope.national,
                                        plan_id=plan_id, newest_first=True,
                                        limit=PLAN_RUNS)  # fmt: skip


@bp.app_template_filter("wib")
def wib(moment: datetime | None) -> str:
    """A moment as officers read it: Asia/Jakarta, to the minute."""
    return moment.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M") if moment else "–"


@bp.app_template_global()
def scheduled_status_label(status: str) -> str:
    return i18n.t(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def schedule_next(cron: str) -> list[datetime]:
    """A cron line's next three firings (WIB)."""
    return schedule.next_firings(cron, 3)
