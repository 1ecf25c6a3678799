"""REST API v1, the rest of the SOP: patrol plans and their crawl runs, the findings summary and
a listing's findings over time, the OpenAPI document, and the domain errors answered by type,
on the blueprint of web.api_v1. Lists, letters' links, responses and escalations and
re-proposals are in web.api_v1_casework; users, tokens, audit and imports in web.api_v1_admin."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, g, request, url_for

from casebook.models import CrawlRun, Hit, PatrolPlan
from casebook.services import access, calendar, escalation, findings, plans, runs
from casebook.services.access import Scope, plan_condition
from web import jobs, openapi
from web.api_v1 import (
    ApiError,
    answer_with,
    bp,
    collection,
    json_body,
    page_args,
    require_token,
    text_field,
    utc,
)
from web.db import db_session

# -- domain errors by type (Flask picks the handler of the most specific class) ---------------


for _error, _status, _code in (
    (plans.PlanNotFound, 404, "not_found"),
    (plans.PlanError, 422, "invalid"),
    (runs.RunNotFound, 404, "not_found"),
    (escalation.EscalationError, 422, "invalid"),
):
    bp.register_error_handler(_error, answer_with(_status, _code))


def scope() -> Scope:
    """The caller's role, unit and clearance, as casebook.services.access reads them."""
    return g.caller.scope


def day_field(body: dict, field: str) -> date:
    raw = body.get(field)
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ApiError(422, "invalid", f"{field}: a date YYYY-MM-DD")
    return day


def list_field(body: dict, field: str, *, of=str) -> list:
    value = body.get(field, [])
    if not isinstance(value, list) or not all(isinstance(x, of) for x in value):
        raise ApiError(422, "invalid", f"{field}: a list of {of.__name__}")
    return value


# -- plans (SOP step 1) and their crawl runs (step 2) ----------------------------------------

PLAN_TEXTS = ("unit", "schedule", "risk_basis", "classification")


def plan_json(session, plan: PatrolPlan) -> dict:
    shown = plans.public(plan, calendar.working_calendar(session))
    upcoming = plans.next_run(plan.schedule, datetime.now(UTC)) if plan.status == "active" else None
    return shown | {"next_run": utc(upcoming)}


def run_json(run: CrawlRun) -> dict:
    figures = plans.run_summary(run).public()
    return figures | {"plan_id": run.plan_id, "arguments": run.arguments, "stats": run.stats}


@bp.get("/plans")
@require_token("viewer")
def plan_list():
    after_id, limit = page_args()
    with db_session() as session:
        status = request.args.get("status") or None
        found = plans.plans_after(session, plan_condition(scope()), status=status,
                                  after_id=after_id, limit=limit)  # fmt: skip
        return collection(found, [p.id for p in found], limit, lambda p: plan_json(session, p))


@bp.get("/plans/<int:plan_id>")
@require_token("viewer")
def plan_show(plan_id: int):
    with db_session() as session:
        return plan_json(session, plans.visible_plan(session, plan_id, plan_condition(scope())))


@bp.post("/plans")
@require_token("upt_officer")
def plan_create():
    body, caller = json_body(), scope()
    name = text_field(body, "name")
    texts = {f: text_field(body, f, required=False) for f in PLAN_TEXTS if body.get(f) is not None}
    if not caller.national:  # an UPT plans for itself, at most at its clearance
        texts.setdefault("unit", caller.unit)
        if plans.responsible_unit(texts["unit"]) != caller.unit:
            raise ApiError(403, "forbidden", f"unit: you plan for {caller.unit!r} only")
    if texts.get("classification", "biasa") not in caller.cleared_for:
        raise ApiError(403, "forbidden", "classification: above your clearance")
    period = {
        f: day_field(body, f) if body.get(f) else None for f in ("period_start", "period_end")
    }
    with db_session() as session, session.begin():
        if plans.plan_named(session, name) is not None:
            raise ApiError(409, "conflict", f"a patrol plan named {name!r} exists")
        plan = plans.save_plan(session, name, keywords=list_field(body, "keywords"),
                               targets=list_field(body, "targets", of=dict),
                               categories=list_field(body, "categories"), **texts, **period,
                               actor=caller.username)  # fmt: skip
        return plan_json(session, plan), 201


@bp.post("/plans/<int:plan_id>/<any(approve, activate, close):move>")
@require_token("upt_officer")
def plan_move(plan_id: int, move: str):
    """approve needs an analyst (Dit. Siber signs off on the risk basis); activate and close
    may be done by the plan's own UPT."""
    if move == "approve" and not scope().may("analyst"):
        raise ApiError(403, "forbidden", "this needs the role analyst or higher")
    status = {"approve": "approved", "activate": "active", "close": "closed"}[move]
    with db_session() as session, session.begin():
        plans.visible_plan(session, plan_id, plan_condition(scope()))
        plan = plans.set_status(session, plan_id, status, actor=g.caller.name)
        return plan_json(session, plan)


@bp.post("/plans/<int:plan_id>/run")
@require_token("upt_officer")
def plan_run_now(plan_id: int):
    """202: the plan's spiders run in the background; GET the job (Location) for progress."""
    job_id = jobs.start("crawl_plan", {"plan_id": plan_id})
    url = url_for("api_v1.job", job_id=job_id)
    return {"job": {"id": job_id, "url": url}}, 202, {"Location": url}


@bp.get("/plans/<int:plan_id>/runs")
@require_token("viewer")
def plan_run_list(plan_id: int):
    after_id, limit = page_args()
    caller = scope()
    with db_session() as session:
        plans.visible_plan(session, plan_id, plan_condition(caller))
        found = runs.runs_after(session, plan_condition(caller), national=caller.national,
                                plan_id=plan_id, after_id=after_id, limit=limit)  # fmt: skip
        return collection(found, [r.id for r in found], limit, run_json)


@bp.get("/runs")
@require_token("viewer")
def run_list():
    after_id, limit = page_args()
    caller = scope()
    with db_session() as session:
        found = runs.runs_after(session, plan_condition(caller), national=caller.national,
                                after_id=after_id, limit=limit)  # fmt: skip
        return collection(found, [r.id for r in found], limit, run_json)


@bp.get("/runs/<int:run_id>")
@require_token("viewer")
def run_show(run_id: int):
    caller = scope()
    with db_session() as session:
        return run_json(runs.visible_run(session, run_id, plan_condition(caller),
                                         national=caller.national))  # fmt: skip


# -- findings: the summary the old /api/summary gave, a listing's findings over time ----------


def finding_json(hit: Hit) -> dict:
    return {
        "type": hit.code,
        "rule": hit.rule,
        "score": hit.score,
        "evidence": hit.evidence,
        "catalogue_version": hit.catalogue_version,
        "found_at": utc(hit.found_at),
        "superseded_at": utc(hit.superseded_at),
        "superseded_version": hit.superseded_version,
    }


@bp.get("/summary")
@require_token("viewer")
def summary():
    """The listings the caller may read, and their current findings, counted."""
    with db_session() as session:
        return findings.summary(session, access.listing_condition(g.caller.scope)).__dict__


@bp.get("/listings/<int:listing_id>/findings")
@require_token("viewer")
def listing_findings(listing_id: int):
    """Current findings and the past ones a later verdict superseded (findings are records)."""
    with db_session() as session:
        access.ensure_visible(session, scope(), "listing", listing_id)
        found = findings.get_listing(session, listing_id)
        if found is None:
            raise ApiError(404, "not_found", f"no listing {listing_id}")
        return {
            "listing_id": listing_id,
            "read_by": found.read_by,
            "catalogue_version": found.catalogue_version,
            "current": [finding_json(h) for h in found.hits],
            "past": [finding_json(h) for h in found.past_hits],
        }


@bp.get("/openapi.json")
def openapi_document():
    """Served without a token: integrators read it before they have one."""
    return openapi.document(current_app)


from web import api_v1_admin, api_v1_casework  # noqa: E402, F401  (their routes join `bp`)
