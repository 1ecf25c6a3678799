"""The OpenAPI 3.1 document of REST API v1, generated from the app's URL map.

Every /api/v1 route found in the map is looked up by its endpoint in `web.openapi_paths`
(summary, query, body, answers); its least role comes from the view itself (`require_token`
leaves it as `least_role`), its path parameters from the route's converters. A route nobody
described is left out of the document and named by `undocumented(app)`, which a test keeps empty.
The shapes below are DESIGN.md §3's, written as JSON Schema 2020-12 (the dialect of OAS 3.1).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from casebook.letters.content import KINDS as LETTER_KINDS
from casebook.models import (
    CLASSIFICATIONS,
    DECISIONS,
    LINK_STATUSES,
    PLAN_STATUSES,
    RECIPIENTS,
    ROLES,
)
from casebook.models.followup import ESCALATION_STAGES
from casebook.models.jobs import JOB_KINDS, JOB_STATUSES
from casebook.services.letters import OUTCOMES
from casebook.vocabulary import VIOLATION_CODES

PREFIX = "/api/v1"
# The catch-all that answers 404 in the error shape for any path the API does not have.
NOT_ROUTES = frozenset({"api_v1.no_such_endpoint"})
SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})

# -- schema builders -------------------------------------------------------------------------

STRING, INTEGER, NUMBER, BOOLEAN = ({"type": t} for t in ("string", "integer", "number", "boolean"))
ANY_OBJECT = {"type": "object"}
TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"}  # ISO 8601 UTC, a Z
DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def null(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, **more: Any) -> dict:
    return {"type": "array", "items": items, **more}


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def shape(**properties: dict) -> dict:
    """An object with exactly these members, all present (null where the schema allows)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def request(required: dict[str, dict], **optional: dict) -> dict:
    """A request body: these members required, the optional ones may be left out."""
    return {"type": "object", "properties": {**required, **optional}, "required": list(required)}


def collection(item: dict, **more: dict) -> dict:
    """`{"items": [...], "next_cursor": "..." | null}` (DESIGN.md §3)."""
    return shape(items=array(item), next_cursor=null(STRING), **more)


def items(item: dict) -> dict:
    """`{"items": [...]}`: what a POST made (DESIGN.md §3's POST /register)."""
    return shape(items=array(item))


FIGURES = {k: INTEGER for k in ("listed", "taken_down", "still_up", "unknown", "reproposed")}
JOB_REF = shape(id=INTEGER, url=STRING)

SCHEMAS: dict[str, dict] = {
    "Error": shape(error=shape(code=STRING, message=STRING)),
    "Violation": shape(type=enum(VIOLATION_CODES), rule=STRING, score=NUMBER, evidence=ANY_OBJECT),
    "Listing": shape(
        id=INTEGER,
        url=STRING,
        platform=STRING,
        title=null(STRING),
        price=null(NUMBER),
        currency=null(STRING),
        status=null(enum(LINK_STATUSES)),
        status_checked_at=null(TIME),
        seller=null(shape(id=INTEGER, name=null(STRING), url=null(STRING))),
        nies=array(STRING),
        violations=array(ref("Violation")),
        captures=array(shape(id=INTEGER, sha256=STRING, captured_at=TIME)),
    ),
    "Entry": shape(
        id=INTEGER,
        listing_id=INTEGER,
        decision=enum(DECISIONS),
        reason=STRING,
        decided_by=STRING,
        decided_at=TIME,
    ),
    "TakedownList": shape(
        id=INTEGER,
        status=enum(("draft", "verified", "sent")),
        created_at=TIME,
        links=array(
            shape(
                entry_id=INTEGER,
                listing_id=INTEGER,
                url=STRING,
                platform=STRING,
                recipient=enum(RECIPIENTS),
                link_status=enum(LINK_STATUSES),
                checked_at=null(TIME),
            )
        ),
    ),
    "Letter": shape(
        id=INTEGER,
        kind=enum(LETTER_KINDS),
        number=STRING,
        recipient=enum(RECIPIENTS),
        status=enum(("draft", "sent")),
        link_count=INTEGER,
        files={
            "type": "object",
            "additionalProperties": STRING,
            "propertyNames": enum(("docx", "pdf", "xlsx")),
        },
    ),
    "LetterResponse": shape(
        id=INTEGER,
        link_id=null(INTEGER),
        outcome=enum(OUTCOMES),
        note=STRING,
        received_on=DATE,
        recorded_by=STRING,
        recorded_at=TIME,
    ),
    "LetterLink": shape(
        id=INTEGER,
        entry_id=INTEGER,
        listing_id=INTEGER,
        url=STRING,
        platform=STRING,
        recipient=enum(RECIPIENTS),
        link_status=enum(LINK_STATUSES),
        checked_at=null(TIME),
        proposal=INTEGER,
        response=null(enum(OUTCOMES)),
        responded_at=null(TIME),
    ),
    "Escalation": shape(
        id=INTEGER,
        letter_id=INTEGER,
        stage=enum(ESCALATION_STAGES),
        reached_on=DATE,
        note=STRING,
        recorded_by=STRING,
        recorded_at=TIME,
    ),
    "Monitoring": shape(
        by_platform=array(shape(platform=STRING, **FIGURES)),
        by_recipient=array(shape(recipient=enum(RECIPIENTS), **FIGURES)),
        overdue=INTEGER,
    ),
    "Plan": shape(
        id=INTEGER,
        name=STRING,
        status=enum(PLAN_STATUSES),
        keywords=array(STRING),
        targets=array(ANY_OBJECT),
        categories=array(STRING),
        unit=STRING,
        schedule=STRING,
        risk_basis=STRING,
        classification=enum(CLASSIFICATIONS),
        period_start=null(DATE),
        period_end=null(DATE),
        approved_by=null(STRING),
        approved_at=null(TIME),
        created_by=STRING,
        created_at=TIME,
        planning_due=DATE,
        next_run=null(TIME),
    ),
    "Run": shape(
        id=INTEGER,
        plan_id=null(INTEGER),
        spider=STRING,
        site=STRING,
        status=STRING,
        started_at=TIME,
        finished_at=null(TIME),
        pages=INTEGER,
        stored=INTEGER,
        with_violations=INTEGER,
        failed=INTEGER,
        arguments=ANY_OBJECT,
        stats=ANY_OBJECT,
    ),
    "Summary": shape(
        listings=INTEGER,
        with_hits=INTEGER,
        by_code={
            "type": "object",
            "additionalProperties": INTEGER,
            "propertyNames": enum(VIOLATION_CODES),
        },
        by_platform={"type": "object", "additionalProperties": INTEGER},
    ),
    "Finding": shape(
        type=enum(VIOLATION_CODES),
        rule=STRING,
        score=NUMBER,
        evidence=ANY_OBJECT,
        catalogue_version=STRING,
        found_at=TIME,
        superseded_at=null(TIME),
        superseded_version=null(STRING),
    ),
    "User": shape(
        id=INTEGER,
        username=STRING,
        full_name=STRING,
        role=enum(ROLES),
        unit=STRING,
        active=BOOLEAN,
        created_at=TIME,
    ),
    "Token": shape(
        id=INTEGER,
        username=STRING,
        name=STRING,
        created_by=STRING,
        created_at=TIME,
        last_used_at=null(TIME),
        revoked_at=null(TIME),
    ),
    "AuditEvent": shape(
        seq=INTEGER,
        at=TIME,
        actor=STRING,
        action=STRING,
        target=STRING,
        before=null(ANY_OBJECT),
        after=null(ANY_OBJECT),
        hash=STRING,
    ),
    "ImportReport": shape(
        new=INTEGER,
        updated=INTEGER,
        unchanged=INTEGER,
        errors=array(shape(line=INTEGER, reason=STRING)),
    ),
    "Job": shape(
        id=INTEGER,
        kind=enum(JOB_KINDS),
        args=ANY_OBJECT,
        status=enum(JOB_STATUSES),
        requested_by=STRING,
        requested_at=TIME,
        started_at=null(TIME),
        finished_at=null(TIME),
        error=null(STRING),
        result=null(ANY_OBJECT),
        progress={
            "type": "object",
            "required": ["done", "total"],
            "properties": {"done": INTEGER, "total": INTEGER},
        },
    ),
}
SCHEMAS["LetterDetail"] = {
    **SCHEMAS["Letter"],
    "properties": {
        **SCHEMAS["Letter"]["properties"],
        "sent_on": null(DATE),
        "due": null(DATE),
        "responses": array(
            shape(
                id=INTEGER,
                link_id=null(INTEGER),
                outcome=enum(OUTCOMES),
                note=STRING,
                received_on=DATE,
            )
        ),
    },
    "required": [*SCHEMAS["Letter"]["required"], "sent_on", "due", "responses"],
}
SCHEMAS["NewToken"] = {
    **SCHEMAS["Token"],
    "properties": {**SCHEMAS["Token"]["properties"], "token": STRING},
    "required": [*SCHEMAS["Token"]["required"], "token"],
}
SCHEMAS["ListingFindings"] = shape(
    listing_id=INTEGER,
    read_by=null(STRING),
    catalogue_version=null(STRING),
    current=array(ref("Finding")),
    past=array(ref("Finding")),
)
SCHEMAS["AuditCheck"] = shape(
    ok=BOOLEAN,
    events=INTEGER,
    head_hash=STRING,
    breaks=array(shape(seq=INTEGER, event_id=null(INTEGER), reason=STRING, summary=STRING)),
)
SCHEMAS["TakedownListWithJob"] = {
    **SCHEMAS["TakedownList"],
    "properties": {**SCHEMAS["TakedownList"]["properties"], "job": JOB_REF},
    "required": [*SCHEMAS["TakedownList"]["required"], "job"],
}
SCHEMAS["Recheck"] = shape(
    items=array(shape(listing_id=INTEGER, status=null(enum(LINK_STATUSES)))), job=JOB_REF
)

# -- the document ------------------------------------------------------------------------------


def document(app: Flask) -> dict:
    """The OpenAPI 3.1 document of every described /api/v1 route of `app`."""
    from web.openapi_paths import OPERATIONS

    paths: dict[str, dict] = {}
    for rule, method in api_routes(app):
        operation = OPERATIONS.get(rule.endpoint)
        if operation is not None:
            role = getattr(app.view_functions[rule.endpoint], "least_role", None)
            path, parameters = openapi_path(rule)
            paths.setdefault(path, {})[method.lower()] = operation.describe(
                rule.endpoint.removeprefix("api_v1."), role, parameters
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Patroli REST API",
            "version": "1",
            "description": (
                "The casebook of BPOM's cyber patrol (DESIGN.md §3). JSON in and out; "
                "`Authorization: Bearer TOKEN` (a user's token: that user's role and unit "
                'apply). Errors answer `{"error": {"code", "message"}}`; collections '
                '`{"items", "next_cursor"}` with `?limit=` (default 50, max 500) and '
                "`?cursor=`. Times are ISO 8601 UTC (`...Z`), dates `YYYY-MM-DD`."
            ),
        },
        "servers": [{"url": PREFIX}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def undocumented(app: Flask) -> list[str]:
    """ "METHOD /path (endpoint)" of every /api/v1 route with no description."""
    from web.openapi_paths import OPERATIONS

    return [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method in api_routes(app)
        if rule.endpoint not in OPERATIONS
    ]


def api_routes(app: Flask) -> list[tuple[Rule, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/") and rule.endpoint not in NOT_ROUTES:
            routes.extend((rule, m) for m in sorted((rule.methods or set()) - SKIPPED_METHODS))
    return sorted(routes, key=lambda pair: (pair[0].rule, pair[1]))


def openapi_path(rule: Rule) -> tuple[str, list[dict]]:
    """`/plans/<int:plan_id>` as `/plans/{plan_id}`, with its path parameters."""
    path = re.sub(r"<(?:[^<>]*:)?([A-Za-z_]\w*)>", r"{\1}", rule.rule).removeprefix(PREFIX)
    parameters = []
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer", "minimum": 0}
        elif isinstance(converter, AnyConverter):
            schema = enum(sorted(converter.items))
        else:
            schema = STRING
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return path, parameters
