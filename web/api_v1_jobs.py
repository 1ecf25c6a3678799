"""REST API v1, work that runs in the background: verifying a takedown list, re-checking
listings, and the jobs that carry them, on the blueprint of web.api_v1.

A POST answers 202 at once with what the casebook holds now, and a `Location` header (and a
`job` member) for `GET /api/v1/jobs/{id}`; the statuses change as the re-check's results land."""

from __future__ import annotations

from flask import g, url_for

from casebook.services import jobs, takedown
from web.api_v1 import ApiError, bp, error_answer, id_list, json_body, list_json, require_token
from web.db import db_session
from web.jobs import start

DOER = "upt_officer"  # analysts and admins for every unit, UPT officers for their own


@bp.errorhandler(jobs.JobNotFound)
def _job_target_missing(error: jobs.JobNotFound):
    return error_answer(ApiError(404, "not_found", str(error)))


@bp.errorhandler(jobs.JobError)
def _job_refused(error: jobs.JobError):
    return error_answer(ApiError(422, "invalid", str(error)))


def _job_ref(job_id: int) -> tuple[dict, dict]:
    """The `job` member and the Location header of a 202."""
    url = url_for("api_v1.job", job_id=job_id)
    return {"id": job_id, "url": url}, {"Location": url}


@bp.post("/takedown-lists/<int:list_id>/verify")
@require_token(DOER)
def verify_list(list_id: int):
    job_id = start("verify_list", {"list_id": list_id})
    with db_session() as session:
        shown = list_json(takedown.get_list(session, list_id))
    ref, headers = _job_ref(job_id)
    return {**shown, "job": ref}, 202, headers


@bp.post("/recheck")
@require_token(DOER)
def recheck():
    ids = list(dict.fromkeys(id_list(json_body(), "listing_ids")))
    if len(ids) > jobs.MAX_LISTINGS:
        raise ApiError(422, "invalid", f"listing_ids: at most {jobs.MAX_LISTINGS}, not {len(ids)}")
    job_id = start("recheck", {"listing_ids": ids})
    with db_session() as session:
        statuses = jobs.listing_statuses(session, ids)
    ref, headers = _job_ref(job_id)
    items = [{"listing_id": i, "status": statuses[i]} for i in ids]
    return {"items": items, "job": ref}, 202, headers


@bp.get("/jobs/<int:job_id>")
@require_token("viewer")
def job(job_id: int):
    """A job and its progress for whoever may see it (jobs.visible); else 404, as a missing one."""
    with db_session() as session, session.begin():  # a dead runner's job is marked failed
        found = jobs.visible(session, job_id, g.caller.scope)
        return jobs.public(jobs.progress(session, found))
