"""Background jobs (re-checks, verifying a list, running a plan) and their progress.

`start(kind, args)` queues a job for whoever asks (the logged-in officer, or the API's
caller) and wakes a runner: the composition root puts a waker in
`app.config["PATROLI_JOB_WAKER"]` (patroli.jobs.job_waker; the web never imports the crawler).
Without one, jobs wait for `patroli jobs work`. Pages show a job with
`{% include "jobs/progress.html" %}` (`job_id` in the context), which polls
`GET /jobs/<id>.json` through static/jobs.js."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from flask_login import current_user

from casebook.services import jobs
from casebook.services.access import Scope
from web import i18n
from web.auth import require_role
from web.db import db_session

bp = Blueprint("jobs", __name__)

# Job kinds as the pages name them.
KIND_LABELS = {
    "verify_list": "Verifikasi list takedown",
    "recheck": "Periksa ulang tautan",
    "crawl_plan": "Jalankan rencana patroli",
}


def start(kind: str, args: dict, *, requested_by: str | None = None,
          scope: Scope | None = None) -> int:  # fmt: skip
    """Queue a job (committed) and wake a runner; returns its id. The requester and what they
    may see default to the API's caller or the logged-in user. Raises jobs.JobError (one line;
    JobNotFound for a list, listing or plan that does not exist or is not visible)."""
    who, scope = _requester(requested_by, scope)
    with db_session() as session, session.begin():
        job_id = jobs.enqueue(session, kind, args, who, scope=scope).id
    waker = current_app.config.get("PATROLI_JOB_WAKER")
    if waker is not None:
        try:
            waker(job_id)
        except OSError as error:  # the job stays queued for `patroli jobs work`
            current_app.logger.warning("job %s queued, runner not started: %s", job_id, error)
    return job_id


def _requester(requested_by: str | None, scope: Scope | None) -> tuple[str, Scope | None]:
    caller = g.get("caller")  # web.api_v1's bearer-token user
    if caller is not None:
        scope = scope or Scope(caller.name, caller.role, caller.unit)
    elif current_user and current_user.is_authenticated:
        scope = scope or current_user.scope
    if requested_by is None and scope is not None:
        requested_by = scope.username
    if requested_by is None:
        raise jobs.JobError("a job needs someone who asks for it")
    return requested_by, scope


def _visible_progress(job_id: int) -> dict:
    """A job the user may see (jobs.visible); another unit's job is a 404, as a missing one."""
    with db_session() as session, session.begin():  # a dead runner's job is marked failed
        try:
            job = jobs.visible(session, job_id, current_user.scope)
        except jobs.JobNotFound:
            abort(404)
        return jobs.public(jobs.progress(session, job))


@bp.app_template_global()
def job_status_of(job_id: int) -> str | None:
    """The job's status as the page renders, for the progress partial: a job that ends before
    the first poll still reloads the page that started it. None for a job one may not see."""
    with db_session() as session:
        try:
            return jobs.visible(session, job_id, current_user.scope).status
        except jobs.JobNotFound:
            return None


@bp.get("/jobs/<int:job_id>.json")
@require_role("viewer")
def status_json(job_id: int):
    return _visible_progress(job_id), 200, {"Cache-Control": "no-store"}


@bp.get("/jobs/<int:job_id>")
@require_role("viewer")
def show(job_id: int):
    job = _visible_progress(job_id)
    return render_template("jobs/show.html", job=job, job_id=job_id, kind_labels=KIND_LABELS)


i18n.add_words(
    {
        "Verifikasi list takedown": "Verifying a takedown list",
        "Periksa ulang tautan": "Re-checking links",
        "Jalankan rencana patroli": "Running a patrol plan",
        "Pekerjaan": "Job",
        "Diminta oleh": "Requested by",
        "Diminta (UTC)": "Requested (UTC)",
        "Dimulai (UTC)": "Started (UTC)",
        "Berakhir (UTC)": "Ended (UTC)",
        "Galat": "Error",
        "Memuat…": "Loading…",
        "Pekerjaan menunggu": "Job waiting",
        "Pekerjaan berjalan": "Job running",
        "Pekerjaan selesai": "Job done",
        "Pekerjaan gagal": "Job failed",
        "dari": "of",
        "Proses patroli": "Crawl runs",
        "Halaman diambil": "Pages fetched",
        "Tautan disimpan": "Listings stored",
        "Dengan pelanggaran": "With violations",
        "Gagal diambil": "Failed to fetch",
        "Sudah diperiksa": "Checked so far",
    }
)
