"""What the offender-profiling endpoints (web.api_v1_actors) take and answer, for web.openapi:
their shapes (joined to `openapi.SCHEMAS`) and operations (joined to `openapi_paths.OPERATIONS`).
"""

from __future__ import annotations

from casebook.models import CLASSIFICATIONS, MEMBERSHIP_HOWS, SUGGESTION_STATUSES
from casebook.services.profiling_decisions import STRONG_KINDS
from casebook.vocabulary import VIOLATION_CODES
from web.openapi import (
    BOOLEAN,
    DATE,
    INTEGER,
    NUMBER,
    STRING,
    TIME,
    array,
    collection,
    enum,
    null,
    ref,
    request,
    shape,
)

FILES = {
    "type": "object",
    "additionalProperties": STRING,
    "propertyNames": enum(("docx", "pdf", "xlsx")),
}
SIDE = shape(
    seller_id=INTEGER,
    platform=STRING,
    name=STRING,
    url=STRING,
    city=STRING,
    actor_id=null(INTEGER),
)
ACCOUNT = shape(
    seller_id=INTEGER,
    platform=STRING,
    name=STRING,
    url=STRING,
    city=STRING,
    first_seen=TIME,
    last_seen=TIME,
    listings=INTEGER,
    listings_with_violations=INTEGER,
    how=enum(MEMBERSHIP_HOWS),
    joined_at=TIME,
)
REAPPEARANCE = shape(
    listing_id=INTEGER,
    url=STRING,
    seller_id=INTEGER,
    taken_down_at=TIME,
    by_seller_id=INTEGER,
    seen_at=TIME,
    how=enum(("new_account", "kept_selling")),
)

SCHEMAS: dict[str, dict] = {
    "Actor": shape(
        id=INTEGER,
        name=STRING,
        risk_score=INTEGER,
        account_count=INTEGER,
        platforms=array(STRING),
        created_at=TIME,
        updated_at=TIME,
    ),
    "ActorProfile": shape(
        id=INTEGER,
        name=STRING,
        note=STRING,
        merged_into=null(INTEGER),
        risk_score=INTEGER,
        risk_reasons=array(shape(points=INTEGER, text=shape(id=STRING, en=STRING))),
        first_seen=null(TIME),
        last_seen=null(TIME),
        listings=INTEGER,
        listings_with_violations=INTEGER,
        accounts=array(ACCOUNT),
        platforms=array(shape(platform=STRING, accounts=INTEGER)),
        products=array(shape(title=STRING, listings=INTEGER, accounts=INTEGER)),
        violations=array(shape(type=enum(VIOLATION_CODES), label=STRING, listings=INTEGER)),
        takedowns=shape(
            listed=INTEGER,
            taken_down=INTEGER,
            still_up=INTEGER,
            unknown=INTEGER,
            reappeared=INTEGER,
            reappearances=array(REAPPEARANCE),
        ),
        identifiers=array(
            shape(kind=STRING, value=STRING, seller_ids=array(INTEGER), joins=BOOLEAN)
        ),
        suggestions=array(
            shape(
                id=INTEGER,
                seller_a_id=INTEGER,
                seller_b_id=INTEGER,
                score=NUMBER,
                reasons=array(STRING),
            )
        ),
        referrals=array(ref("Letter")),
    ),
    "ActorSuggestion": shape(
        id=INTEGER,
        seller_a=SIDE,
        seller_b=SIDE,
        score=NUMBER,
        reasons=array(STRING),
        status=enum(SUGGESTION_STATUSES),
        created_at=TIME,
        decided_by=null(STRING),
        decided_at=null(TIME),
    ),
    "IdentifierStop": shape(
        id=INTEGER,
        kind=enum(sorted(STRONG_KINDS)),
        value=STRING,
        reason=STRING,
        added_by=STRING,
        added_at=TIME,
        removed_by=null(STRING),
        removed_at=null(TIME),
    ),
    "Relink": shape(
        full=BOOLEAN,
        accounts=INTEGER,
        actors=INTEGER,
        created=array(INTEGER),
        merged=array(shape(actor_id=INTEGER, into=INTEGER)),
        moved=INTEGER,
        links_added=INTEGER,
        links_removed=INTEGER,
        suggested=INTEGER,
        withdrawn=INTEGER,
        common=array(shape(kind=STRING, value=STRING, accounts=INTEGER)),
    ),
    "ProfilingDocument": shape(number=STRING, actor_ids=array(INTEGER), files=FILES),
}


def operations(Operation) -> dict:  # the class is passed in: openapi_paths imports this module
    """The profiling endpoints' descriptions, by endpoint name."""
    ids = array(INTEGER, minItems=1)
    decided = "Pinned (re-linking keeps it) and audited."
    return {
        "api_v1.actor_list": Operation(
            "Actors (pelaku): the offenders behind seller accounts, live ones only",
            {200: collection(ref("Actor"))},
            query={
                "q": STRING,
                "platform": STRING,
                "min_risk": {"type": "integer", "minimum": 0, "maximum": 100},
            },
            paged=True,
            description="`q` matches the actor's or an account's name; `platform` keeps actors "
            "with an account there; `min_risk` the cached risk score (the last profile's). "
            "An UPT sees an actor with an account whose listing it reads.",
        ),
        "api_v1.actor_show": Operation(
            "An actor's profile: accounts, identifiers, violations, takedowns, risk, referrals",
            {200: ref("ActorProfile")},
            description="An actor merged away answers with `merged_into` set.",
        ),
        "api_v1.actor_merge": Operation(
            "Merge other actors into this one (they are superseded, never deleted)",
            {200: ref("ActorProfile")},
            errors=(409, 422),
            body=request({"actor_ids": ids}, reason=STRING),
            description=f"{decided} An actor merged away already answers 409.",
        ),
        "api_v1.actor_split": Operation(
            "Split some accounts off into a new actor",
            {201: ref("ActorProfile")},
            errors=(409, 422),
            body=request({"seller_ids": ids}, reason=STRING),
            description=f"{decided} Answers the new actor; sellers not of this actor, or all "
            "of them, answer 422.",
        ),
        "api_v1.actors_relink": Operation(
            "Link every seller account again now (analysts' decisions hold)",
            {200: ref("Relink")},
            description="Synchronous: answers what changed once it is done.",
        ),
        "api_v1.suggestion_list": Operation(
            "The suggestion queue: account pairs weak signals say may be one actor",
            {200: collection(ref("ActorSuggestion"))},
            query={"status": enum(SUGGESTION_STATUSES)},
            paged=True,
            errors=(422,),
            description="`status` defaults to pending; an UPT sees pairs whose both actors it "
            "may see.",
        ),
        "api_v1.suggestion_decide": Operation(
            "Confirm (one actor) or reject (not one actor) a suggestion",
            {200: ref("ActorSuggestion")},
            errors=(409,),
            body=request({}, reason=STRING),
            description=f"{decided} The body may be left out; a decided suggestion answers 409.",
        ),
        "api_v1.stop_list": Operation(
            "The identifier stoplist: identifiers too common to link accounts",
            {200: collection(ref("IdentifierStop"))},
            query={"include_removed": enum(("true", "false"))},
            paged=True,
        ),
        "api_v1.stop_add": Operation(
            "Keep an identifier from linking anything (the accounts it joined are relinked)",
            {201: ref("IdentifierStop")},
            errors=(409, 422),
            body=request({"kind": enum(sorted(STRONG_KINDS)), "value": STRING, "reason": STRING}),
            description="The value is normalised as the linker reads it (+62 numbers, "
            "bank:digits, @handle); one in force already answers 409.",
        ),
        "api_v1.stop_remove": Operation(
            "Let a stoplisted identifier link again (the entry stays, stamped removed)",
            {200: ref("IdentifierStop")},
            errors=(409,),
        ),
        "api_v1.actor_refer": Operation(
            "Refer the actor (Rekomendasi Pelaku) to Dit. Was, Dit. Intelijen or an UPT",
            {201: ref("Letter")},
            errors=(409, 422),
            body=request(
                {"recipient": enum(("dit_was", "dit_intelijen", "upt"))},
                classification=enum(CLASSIFICATIONS),
            ),
            description="A letter, numbered like every letter and sent and answered through "
            "/letters; asking again while its draft exists answers that draft.",
        ),
        "api_v1.actor_document": Operation(
            "Make the actor's Dokumen profiling now (DOCX, PDF, XLSX attachment)",
            {201: ref("ProfilingDocument")},
            errors=(422,),
            description="Made again, its files are replaced.",
        ),
        "api_v1.period_document": Operation(
            "Make the Dokumen profiling of the actors seen in a period, ranked by risk",
            {201: ref("ProfilingDocument")},
            errors=(422,),
            body=request({"since": DATE, "until": DATE}),
            description="Both days included (Jakarta time).",
        ),
        "api_v1.profiling_document_file": Operation(
            "A Dokumen profiling's file as last made (`actor-<id>` or `<since>_<until>`)",
            {200: {"type": "string", "contentMediaType": "application/octet-stream"}},
            answer_types=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ),
    }
