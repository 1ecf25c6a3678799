"""What each REST API v1 endpoint takes and answers, by endpoint name, for web.openapi.

A route missing here is missing from /api/v1/openapi.json, and tests/web/test_openapi.py fails
naming it. Errors every route of its kind can give are added by `Operation.describe`: 401
(no live token) and 403 (role too low) where a token is needed, 400 for a bad cursor, limit or
body, 404 where the path names an object (missing, or another unit's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.letters.content import KINDS as LETTER_KINDS
from casebook.models import (
    CLASSIFICATIONS,
    DECISIONS,
    LINK_STATUSES,
    PLAN_STATUSES,
    ROLES,
    SHARE_KINDS,
)
from casebook.models.followup import ESCALATION_STAGES
from casebook.services.letters import OUTCOMES
from casebook.vocabulary import VIOLATION_CODES
from web.openapi import (
    BOOLEAN,
    DATE,
    INTEGER,
    JOB_REF,
    STRING,
    TIME,
    array,
    collection,
    enum,
    items,
    null,
    ref,
    request,
    shape,
)

ERRORS = {
    400: "Bad request: a query value, cursor or body that cannot be read",
    401: "No live bearer token",
    403: "The token's user has too low a role, or the object is not theirs",
    404: "No such object, or one the caller may not see",
    409: "The request does not fit the object's state",
    422: "A value that does not fit; the message names the field",
}
JSON = "application/json"
FILE = {"type": "string", "contentMediaType": "application/octet-stream"}
IDS = array(INTEGER, minItems=1)
SHARE = shape(kind=enum(SHARE_KINDS), id=INTEGER, unit=STRING, shared_by=STRING,
              shared_at=null(TIME))  # fmt: skip
SHARE_BODY = request({"kind": enum(SHARE_KINDS), "id": INTEGER, "unit": STRING})


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: dict[int, dict]  # status -> schema of a success answer
    errors: tuple[int, ...] = ()
    query: dict[str, dict] = field(default_factory=dict)
    body: dict | None = None
    paged: bool = False
    body_type: str = JSON
    answer_types: tuple[str, ...] = (JSON,)
    description: str = ""

    def describe(self, operation_id: str, role: str | None, path_parameters: list[dict]) -> dict:
        parameters = [
            *path_parameters,
            *(
                {"name": name, "in": "query", "schema": schema}
                for name, schema in self.query.items()
            ),
        ]
        if self.paged:
            parameters += [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                },
                {"name": "cursor", "in": "query", "schema": STRING},
            ]
        errors = set(self.errors)
        errors |= {401} | ({403} if role not in (None, "viewer") else set()) if role else set()
        errors |= {400} if self.paged or self.body is not None else set()
        errors |= {404} if path_parameters else set()
        responses = {
            str(status): {
                "description": "Success",
                "content": {kind: {"schema": schema} for kind in self.answer_types},
            }
            for status, schema in self.answers.items()
        }
        for status in sorted(errors):
            responses[str(status)] = {
                "description": ERRORS[status],
                "content": {JSON: {"schema": ref("Error")}},
            }
        found = {
            "operationId": operation_id,
            "summary": self.summary,
            "description": self.description + (f" Least role: {role}." if role else ""),
            "parameters": parameters,
            "responses": responses,
            "security": [{"bearer": []}] if role else [],
        }
        if role:
            found["x-least-role"] = role
        if self.body is not None:
            found["requestBody"] = {
                "required": True,
                "content": {self.body_type: {"schema": self.body}},
            }
        return found


def of(schema_name: str) -> dict:
    return collection(ref(schema_name))


LISTING_QUERY = {
    "code": enum(VIOLATION_CODES),
    "platform": STRING,
    "status": enum(LINK_STATUSES),
    "q": STRING,
    "has_violations": enum(("true", "false")),
}
PLAN_BODY = request(
    {"name": STRING, "keywords": array(STRING, minItems=1)},
    targets=array({"type": "object", "required": ["spider"]}),
    categories=array(STRING),
    unit=STRING,
    schedule=STRING,
    risk_basis=STRING,
    classification=enum(CLASSIFICATIONS),
    period_start=DATE,
    period_end=DATE,
)
AUDIT_QUERY = {
    "actor": STRING,
    "action": STRING,
    "kind": STRING,
    "object_id": STRING,
    "since": DATE,
    "until": DATE,
}

OPERATIONS: dict[str, Operation] = {
    # -- DESIGN.md §3 -----------------------------------------------------------------------
    "api_v1.listings": Operation(
        "Listings with their findings", {200: of("Listing")}, query=LISTING_QUERY, paged=True
    ),
    "api_v1.listing": Operation("One listing", {200: ref("Listing")}),
    "api_v1.decide": Operation(
        "Decide listings into the Register Informasi (deciding again updates the entry)",
        {201: items(ref("Entry"))},
        errors=(409, 422),
        body=request({"listing_ids": IDS, "decision": enum(DECISIONS)}, reason=STRING),
    ),
    "api_v1.register_entries": Operation(
        "Register Informasi entries",
        {200: of("Entry")},
        query={"decision": enum(DECISIONS)},
        paged=True,
    ),
    "api_v1.build_list": Operation(
        "Build a takedown list from entries decided takedown",
        {201: ref("TakedownList")},
        errors=(404, 409, 422),
        body=request({"entry_ids": IDS}),
    ),
    "api_v1.show_list": Operation("One takedown list", {200: ref("TakedownList")}),
    "api_v1.verify_list": Operation(
        "Re-check every link of the list now (a background job)",
        {202: ref("TakedownListWithJob")},
        errors=(422,),
        description="Answers at once; `link_status` and `checked_at` change as results land.",
    ),
    "api_v1.make_letters": Operation(
        "Letters of a list, one per recipient (asking again returns the same letters)",
        {201: items(ref("Letter"))},
        errors=(409, 422),
        body=request({}, kind=enum(LETTER_KINDS)),
    ),
    "api_v1.show_letter": Operation(
        "One letter with sent_on, due and responses", {200: ref("LetterDetail")}
    ),
    "api_v1.letter_file": Operation(
        "The letter's DOCX, PDF or XLSX",
        {200: FILE},
        answer_types=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ),
    "api_v1.letter_sent": Operation(
        "Mark the letter sent",
        {200: ref("LetterDetail")},
        errors=(409, 422),
        body=request({"sent_on": DATE}),
    ),
    "api_v1.recheck": Operation(
        "Re-check listings now (a background job)",
        {202: ref("Recheck")},
        errors=(404, 422),
        body=request({"listing_ids": IDS}),
        description="`status` and `status_checked_at` of the listings change as results land.",
    ),
    "api_v1.job": Operation(
        "A background job and its progress",
        {200: ref("Job")},
        description="Seen by who asked for it, the national roles, and whoever sees all of its "
        "work (the list, the plan, every listing); another's job answers 404, as a missing one.",
    ),
    "api_v1.monitoring_report": Operation(
        "Links listed in [since, until): taken down, still up, unknown, proposed again",
        {200: ref("Monitoring")},
        errors=(400,),
        query={"since": DATE, "until": DATE},
    ),
    "api_v1.registry_import": Operation(
        "Import a registry CSV (Cek BPOM style); bad lines reported, good ones kept",
        {200: ref("ImportReport")},
        body={"type": "string"},
        body_type="text/csv",
        query={"filename": STRING},
    ),
    # -- plans and runs ---------------------------------------------------------------------
    "api_v1.plan_list": Operation(
        "Patrol plans",
        {200: of("Plan")},
        query={"status": enum(PLAN_STATUSES)},
        paged=True,
        errors=(422,),
    ),
    "api_v1.plan_show": Operation("One patrol plan", {200: ref("Plan")}),
    "api_v1.plan_create": Operation(
        "A new patrol plan, in draft",
        {201: ref("Plan")},
        errors=(403, 409, 422),
        body=PLAN_BODY,
        description="An UPT officer plans for its own unit at most at its clearance.",
    ),
    "api_v1.plan_move": Operation(
        "Approve, activate or close a plan (draft -> approved -> active -> closed)",
        {200: ref("Plan")},
        errors=(422,),
        description="Approval needs an analyst and a risk basis, keywords and targets.",
    ),
    "api_v1.plan_run_now": Operation(
        "Run the plan's spiders now (a background job)",
        {202: shape(job=JOB_REF)},
        errors=(422,),
        description="A closed plan, or one without targets, cannot run (422).",
    ),
    "api_v1.plan_run_list": Operation("The crawl runs of a plan", {200: of("Run")}, paged=True),
    "api_v1.run_list": Operation("Crawl runs with their figures", {200: of("Run")}, paged=True),
    "api_v1.run_show": Operation("One crawl run with its statistics", {200: ref("Run")}),
    # -- letters: links, responses, escalation; re-proposals -------------------------------------
    "api_v1.list_collection": Operation(
        "Takedown lists",
        {200: of("TakedownList")},
        query={"status": enum(("draft", "verified", "sent"))},
        paged=True,
    ),
    "api_v1.letter_collection": Operation(
        "Letters",
        {200: of("Letter")},
        query={"list_id": INTEGER, "status": enum(("draft", "sent"))},
        paged=True,
    ),
    "api_v1.letter_links": Operation("The links a letter covers", {200: of("LetterLink")}),
    "api_v1.letter_responses": Operation(
        "Responses recorded for a letter", {200: of("LetterResponse")}
    ),
    "api_v1.letter_respond": Operation(
        "Record the recipient's response about some (default all) of the letter's links",
        {201: items(ref("LetterResponse"))},
        errors=(409, 422),
        body=request({"outcome": enum(OUTCOMES), "received_on": DATE}, link_ids=IDS, note=STRING),
    ),
    "api_v1.letter_escalations": Operation(
        "Komdigi's escalation stages on a letter's order", {200: of("Escalation")}
    ),
    "api_v1.letter_escalate": Operation(
        "Record an escalation stage (ST1, ST2, blocking) a sent Komdigi letter reached",
        {201: ref("Escalation")},
        errors=(422,),
        body=request({"stage": enum(ESCALATION_STAGES), "reached_on": DATE}, note=STRING),
    ),
    "api_v1.repropose": Operation(
        "Propose again, in a new list, the links still up after their letter's deadline",
        {201: items(ref("TakedownList")), 200: items(ref("TakedownList"))},
        description="201 with the new list; 200 and no items when no link is due.",
    ),
    # -- findings -------------------------------------------------------------------------------
    "api_v1.summary": Operation("Listings and current findings counted", {200: ref("Summary")}),
    "api_v1.listing_findings": Operation(
        "A listing's current and past findings", {200: ref("ListingFindings")}
    ),
    # -- administration -------------------------------------------------------------------------
    "api_v1.user_list": Operation("Users", {200: of("User")}, paged=True),
    "api_v1.user_create": Operation(
        "A new user",
        {201: ref("User")},
        errors=(409, 422),
        body=request(
            {"username": STRING, "password": STRING, "role": enum(ROLES)},
            unit=STRING,
            full_name=STRING,
        ),
    ),
    "api_v1.user_update": Operation(
        "Change a user's role, unit, name, or deactivate them",
        {200: ref("User")},
        errors=(409, 422),
        body=request({}, role=enum(ROLES), unit=STRING, full_name=STRING, active=BOOLEAN),
        description="Nobody deactivates themselves or takes the last admin's role (409).",
    ),
    "api_v1.token_list": Operation("The caller's API tokens", {200: of("Token")}, paged=True),
    "api_v1.token_create": Operation(
        "A new API token for the caller, shown this once",
        {201: ref("NewToken")},
        errors=(422,),
        body=request({}, name=STRING),
    ),
    "api_v1.token_revoke": Operation(
        "Revoke a token (one's own; an admin's for anyone)",
        {200: ref("Token")},
        description="Another person's token answers 404, as a missing one.",
    ),
    "api_v1.user_token_list": Operation("A user's API tokens", {200: of("Token")}, paged=True),
    "api_v1.user_token_create": Operation(
        "A new API token for a user, shown this once",
        {201: ref("NewToken")},
        errors=(422,),
        body=request({}, name=STRING),
    ),
    "api_v1.audit_events": Operation(
        "The audit trail, newest first",
        {200: of("AuditEvent")},
        query=AUDIT_QUERY,
        paged=True,
        description="`action` exact or a prefix ending in '.'; `kind`/`object_id` match the "
        "target (`letter:12`); `since`/`until` inclusive UTC days.",
    ),
    "api_v1.audit_verify": Operation(
        "Walk the hash-chained audit trail now", {200: ref("AuditCheck")}
    ),
    "api_v1.warnings_import": Operation(
        "Import a public-warning CSV; bad lines reported, good ones kept",
        {200: ref("ImportReport")},
        body={"type": "string"},
        body_type="text/csv",
        query={"filename": STRING},
    ),
    "api_v1.share_create": Operation(
        "Share a piece of work with another unit",
        {201: SHARE, 200: SHARE},
        errors=(404, 422),
        body=SHARE_BODY,
        description="201 when new, 200 when already shared with that unit. Analysts and admins "
        "share anything they see, an UPT officer its own unit's work (403); work the caller "
        "may not see answers 404. The unit's members then read it up to their own clearance.",
    ),
    "api_v1.share_delete": Operation(
        "Take a share back",
        {200: SHARE},
        errors=(404, 422),
        body=SHARE_BODY,
        description="Answers the share as it was; 404 when the work was not shared with that "
        "unit, or the caller may not see it.",
    ),
    "api_v1.openapi_document": Operation("This document", {200: {"type": "object"}}),
}

# The later areas are described beside their shapes, each in a module of its own: offender
# profiling (web.openapi_actors), alerts (web.openapi_alerts), the scheduler's runs
# (web.openapi_schedule).
from web import openapi as _openapi  # noqa: E402
from web import openapi_actors, openapi_alerts, openapi_schedule  # noqa: E402

for _area in (openapi_actors, openapi_alerts, openapi_schedule):
    _openapi.SCHEMAS.update(_area.SCHEMAS)
    OPERATIONS.update(_area.operations(Operation))
