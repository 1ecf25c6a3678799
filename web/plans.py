"""Patrol plans (SOP step 1) and the crawl runs they produced."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casebook.models import CLASSIFICATIONS, PLAN_STATUSES
from casebook.services import access, plans, runs
from web import i18n, jobs
from web.auth import current_scope, require_role
from web.db import db_session
from web.i18n import t

bp = Blueprint("plans", __name__)

PAGE = 50
BIGGEST_ID = 2**63 - 1  # a bigger number in a URL is no row of ours (and overflows SQLite)
# The buttons a plan shows in each status: the transitions services.plans allows.
ACTIONS = {"approved": "Setujui", "active": "Aktifkan", "closed": "Tutup"}
STATUS_LABELS = {"draft": "Draf", "approved": "Disetujui", "active": "Aktif", "closed": "Ditutup"}
# Short words other areas may translate differently in their context (i18n refuses two
# English words for one Indonesian word): translated here, for these pages only.
OWN_WORDS = {
    "Simpan": "Save",
    "Setujui": "Approve",
    "Aktifkan": "Activate",
    "Tutup": "Close",
    "Halaman": "Page",
    "Mulai": "Started",
    "Selesai": "Finished",
    "Durasi": "Duration",
    "Galat": "Errors",
    "Semua": "All",
    "Jalankan": "Run",
    "Draf": "Draft",
    "Disetujui": "Approved",
    "Aktif": "Active",
    "Ditutup": "Closed",
    "Klasifikasi": "Classification",
}

i18n.add_words(
    {
        "Rencana baru": "New plan",
        "Kata kunci": "Keywords",
        "Situs sasaran": "Target sites",
        "Ubah rencana": "Edit plan",
        "Nama rencana": "Plan name",
        "Dasar risiko (kajian risiko)": "Risk basis (risk assessment)",
        "Kategori produk": "Product categories",
        "Kata kunci (satu per baris)": "Keywords (one per line)",
        "Situs sasaran (satu per baris: SPIDER SITUS atau SPIDER URL)": (
            "Target sites (one per line: SPIDER SITE or SPIDER URL)"
        ),
        "Jadwal (cron: menit jam tanggal bulan hari, WIB)": (
            "Schedule (cron: minute hour day month weekday, WIB)"
        ),
        "Periode mulai": "Period start",
        "Periode selesai": "Period end",
        "Unit penanggung jawab": "Responsible unit",
        "Jalankan sekarang": "Run now",
        "Jadwal berikutnya (WIB)": "Next runs (WIB)",
        "Tanpa jadwal: dijalankan manual.": "No schedule: run by hand.",
        "Penelusuran (crawl run)": "Crawl runs",
        "Belum ada penelusuran.": "No crawl runs yet.",
        "Belum ada rencana patroli.": "No patrol plans yet.",
        "Halaman diambil": "Pages fetched",
        "Tautan disimpan": "Listings stored",
        "Dengan pelanggaran": "With violations",
        "Galat penelusuran": "Crawl errors",
        "Tidak ada galat.": "No errors.",
        "Statistik lengkap": "All statistics",
        "Disetujui oleh": "Approved by",
        "Dibuat oleh": "Created by",
        "Batas perencanaan (5 HK)": "Planning due (5 working days)",
        "Rencana tidak disimpan: {error}": "Plan not saved: {error}",
        "Rencana disimpan.": "Plan saved.",
        "Status rencana diubah: {status}.": "Plan status changed: {status}.",
        "Status tidak diubah: {error}": "Status not changed: {error}",
        "Penelusuran dijadwalkan (job {job}).": "Crawl queued (job {job}).",
        "Penelusuran tidak dijadwalkan: {error}": "Crawl not queued: {error}",
        "Hanya rencana aktif yang dapat dijalankan; rencana ini {status}.": (
            "Only an active plan can run; this plan is {status}."
        ),
        "Sudah ada rencana dengan nama ini.": "A plan with this name exists already.",
    }
)


@bp.get("/plans")
@require_role("viewer")
def index():
    status = request.args.get("status") if request.args.get("status") in PLAN_STATUSES else None
    after = min(max(request.args.get("after", 0, type=int), 0), BIGGEST_ID)
    scope = current_scope()
    with db_session() as session:
        found = plans.plans_after(
            session, access.plan_condition(scope), status=status, after_id=after, limit=PAGE + 1
        )
    now = datetime.now(UTC)
    rows = [(plan, plans.next_run(plan.schedule, now)) for plan in found[:PAGE]]
    more = found[PAGE - 1].id if len(found) > PAGE else None
    return render_template(
        "plans/index.html",
        rows=rows,
        status=status,
        more=more,
        statuses=PLAN_STATUSES,
        labels=STATUS_LABELS,
    )


@bp.get("/plans/<int:plan_id>")
@require_role("viewer")
def show(plan_id: int):
    with db_session() as session:
        plan = _visible(session, plan_id)
        plan_runs = plans.plan_runs(session, plan_id)
        due = plans.planning_due(plan)
    upcoming = plans.next_runs(plan.schedule, datetime.now(UTC))
    return render_template(
        "plans/show.html",
        plan=plan,
        runs=plan_runs,
        upcoming=upcoming,
        due=due,
        actions=_actions(plan),
        labels=STATUS_LABELS,
        job_id=request.args.get("job", type=int),
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@require_role("upt_officer")
def create():
    if request.method == "GET":
        return _form(None, {"unit": current_user.unit, "classification": "biasa"})
    with db_session() as session, session.begin():
        if plans.plan_named(session, request.form.get("name", "")) is not None:
            return _refused(None, "name: " + t("Sudah ada rencana dengan nama ini."))
        try:
            plan = _save(session, request.form)
        except plans.PlanError as error:
            session.rollback()
            return _refused(None, str(error))
        plan_id = plan.id
    flash(t("Rencana disimpan."), "ok")
    return redirect(url_for(".show", plan_id=plan_id))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@require_role("upt_officer")
def edit(plan_id: int):
    with db_session() as session, session.begin():
        plan = _visible(session, plan_id)
        if request.method == "GET":
            return _form(plan, _values(plan))
        try:
            _save(session, request.form, name=plan.name)
        except plans.PlanError as error:
            session.rollback()
            return _refused(plan, str(error))
    flash(t("Rencana disimpan."), "ok")
    return redirect(url_for(".show", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/status")
@require_role("upt_officer")
def change_status(plan_id: int):
    status = request.form.get("status", "")
    with db_session() as session, session.begin():
        _visible(session, plan_id)
        try:
            plans.set_status(session, plan_id, status, actor=current_user.username)
        except plans.PlanError as error:
            session.rollback()
            flash(t("Status tidak diubah: {error}").format(error=error), "error")
            return redirect(url_for(".show", plan_id=plan_id), 303)
    flash(t("Status rencana diubah: {status}.").format(status=word(STATUS_LABELS[status])), "ok")
    return redirect(url_for(".show", plan_id=plan_id), 303)


@bp.post("/plans/<int:plan_id>/run")
@require_role("upt_officer")
def run_now(plan_id: int):
    with db_session() as session:
        plan = _visible(session, plan_id)
    if plan.status != "active":
        message = t("Hanya rencana aktif yang dapat dijalankan; rencana ini {status}.")
        flash(message.format(status=word(STATUS_LABELS[plan.status])), "error")
        return redirect(url_for(".show", plan_id=plan_id), 303)
    try:
        job_id = jobs.start("crawl_plan", {"plan_id": plan_id})
    except ValueError as error:  # services.jobs.JobError: one line saying why
        flash(t("Penelusuran tidak dijadwalkan: {error}").format(error=error), "error")
        return redirect(url_for(".show", plan_id=plan_id), 303)
    flash(t("Penelusuran dijadwalkan (job {job}).").format(job=job_id), "ok")
    return redirect(url_for(".show", plan_id=plan_id, job=job_id), 303)


@bp.get("/runs/<int:run_id>")
@require_role("viewer")
def run(run_id: int):
    scope = current_scope()
    if run_id > BIGGEST_ID:
        abort(404)
    with db_session() as session:
        try:
            crawl = runs.visible_run(
                session, run_id, access.plan_condition(scope), national=scope.national
            )
        except (runs.RunNotFound, access.AccessError):
            abort(404)
    stats = crawl.stats or {}
    return render_template(
        "plans/run.html",
        run=crawl,
        summary=plans.run_summary(crawl),
        failures=stats.get("failures") or [],
        stats=sorted((k, v) for k, v in stats.items() if isinstance(v, int | float | str)),
    )


def word(text: str) -> str:
    """One of these pages' short words, in the user's language."""
    return OWN_WORDS.get(text, text) if i18n.current_lang() == "en" else text


def duration(run) -> str:
    """How long a run took, H:MM:SS; "–" while it runs."""
    if run.finished_at is None:
        return "–"
    seconds = max(0, int((run.finished_at - run.started_at).total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"word": word, "duration": duration}


def _visible(session, plan_id: int):
    if plan_id > BIGGEST_ID:
        abort(404)
    try:
        return plans.visible_plan(session, plan_id, access.plan_condition(current_scope()))
    except (plans.PlanNotFound, access.AccessError):
        abort(404)  # another unit's plan answers as a missing one


def _actions(plan) -> list[tuple[str, str]]:
    if not current_user.may("upt_officer"):
        return []
    return [(status, ACTIONS[status]) for status in plans.TRANSITIONS[plan.status]]


def _save(session, form, *, name: str | None = None):
    """The form through services.plans; an officer of an UPT plans for its own unit only,
    up to its clearance (else it could not see its own plan)."""
    scope = current_scope()
    unit = form.get("unit", "") if scope.national else scope.unit
    classification = form.get("classification", "biasa")
    if classification not in scope.cleared_for:
        raise plans.PlanError(f"classification: {classification!r} is above your clearance")
    return plans.save_plan(
        session,
        name if name is not None else form.get("name", ""),
        keywords=form.get("keywords", "").splitlines(),
        targets=plans.targets_from_text(form.get("targets", "")),
        categories=form.getlist("categories"),
        unit=unit,
        schedule=form.get("schedule", ""),
        risk_basis=form.get("risk_basis", ""),
        classification=classification,
        period_start=_date("period_start", form.get("period_start")),
        period_end=_date("period_end", form.get("period_end")),
        actor=current_user.username,
    )


def _date(field: str, text: str | None) -> date | None:
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise plans.PlanError(f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _values(plan) -> dict[str, object]:
    return {
        "name": plan.name,
        "risk_basis": plan.risk_basis,
        "categories": plan.categories,
        "keywords": "\n".join(plan.keywords),
        "targets": "\n".join(
            f"{x['spider']} {x.get('url') or x.get('site') or ''}".strip() for x in plan.targets
        ),
        "schedule": plan.schedule,
        "period_start": plan.period_start.isoformat() if plan.period_start else "",
        "period_end": plan.period_end.isoformat() if plan.period_end else "",
        "unit": plan.unit,
        "classification": plan.classification,
    }


def _form(plan, values: dict[str, object], *, error: str = "", field: str = "", code: int = 200):
    scope = current_scope()
    page = render_template(
        "plans/form.html",
        plan=plan,
        values=values,
        error=error,
        field=field,
        categories=plans.PRODUCT_CATEGORIES,
        classifications=[c for c in CLASSIFICATIONS if c in scope.cleared_for],
        national=scope.national,
        own_unit=scope.unit,
    )
    return page, code


def _refused(plan, error: str):
    """422 and the form as typed, the message naming the field (services.plans' words)."""
    field = error.split(":", 1)[0].split("[", 1)[0].strip()
    values = {key: request.form.get(key, "") for key in request.form}
    values["categories"] = request.form.getlist("categories")
    if plan is not None:
        values["name"] = plan.name
    message = t("Rencana tidak disimpan: {error}").format(error=error)
    return _form(plan, values, error=message, field=field, code=422)
