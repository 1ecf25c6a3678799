"""REST API v1, casework after the list is made (SOP steps 4-8): takedown lists and letters as
collections, the links a letter covers, the recipients' responses, Komdigi's escalation stages,
and links proposed again, on the blueprint of web.api_v1."""

from __future__ import annotations

from flask import g, request

from casebook.models import Letter, LetterEscalation, LetterResponse, TakedownLink
from casebook.services import access, caseboard, escalation, monitoring, takedown
from casebook.services import letters as letter_service
from web.api_v1 import (
    bp,
    collection,
    id_arg,
    json_body,
    link_json,
    list_json,
    page_args,
    require_token,
    text_field,
    utc,
)
from web.api_v1_letters import letter_json
from web.api_v1_sop import day_field, list_field, scope
from web.db import db_session

# -- takedown lists and letters as collections ---------------------------------------------


@bp.get("/takedown-lists")
@require_token("viewer")
def list_collection():
    after_id, limit = page_args()
    with db_session() as session:
        found = caseboard.lists_after(session, access.list_condition(scope()), limit=limit,
                                      status=request.args.get("status") or None,
                                      after_id=after_id)  # fmt: skip
        return collection(found, [x.id for x in found], limit, list_json)


@bp.get("/letters")
@require_token("viewer")
def letter_collection():
    after_id, limit = page_args()
    with db_session() as session:
        found = letter_service.letters(session, list_id=id_arg("list_id"), limit=limit,
                                       status=request.args.get("status") or None,
                                       where=access.letter_condition(scope()),
                                       after_id=after_id)  # fmt: skip
        return collection(found, [x.id for x in found], limit, letter_json)


# -- letters: links, responses (SOP step 6), Komdigi's escalation stages ---------------------


def visible_letter(session, letter_id: int) -> Letter:
    """The letter, when the caller may see it (another unit's answers as a missing one)."""
    access.ensure_visible(session, scope(), "letter", letter_id)
    return letter_service.get_letter(session, letter_id)


def letter_link_json(link: TakedownLink) -> dict:
    """A link as a letter's answer needs it: the list's shape, with its id and what came of it."""
    return {
        "id": link.id,
        **link_json(link),
        "proposal": link.proposal,
        "response": link.response,
        "responded_at": utc(link.responded_at),
    }


def response_json(response: LetterResponse) -> dict:
    return {
        "id": response.id,
        "link_id": response.link_id,
        "outcome": response.outcome,
        "note": response.note,
        "received_on": response.received_on.isoformat(),
        "recorded_by": response.recorded_by,
        "recorded_at": utc(response.recorded_at),
    }


def escalation_json(stage: LetterEscalation) -> dict:
    return {
        "id": stage.id,
        "letter_id": stage.letter_id,
        "stage": stage.stage,
        "reached_on": stage.reached_on.isoformat(),
        "note": stage.note,
        "recorded_by": stage.recorded_by,
        "recorded_at": utc(stage.recorded_at),
    }


def whole(items: list, shape) -> dict:
    """A collection small enough to answer whole (one letter's links, responses, stages)."""
    return {"items": [shape(x) for x in items], "next_cursor": None}


@bp.get("/letters/<int:letter_id>/links")
@require_token("viewer")
def letter_links(letter_id: int):
    with db_session() as session:
        letter = visible_letter(session, letter_id)
        ids = set(letter_service.letter_link_ids(letter))
        if letter.list_id is None:
            return whole([], letter_link_json)
        links = [x for x in takedown.get_list(session, letter.list_id).links if x.id in ids]
        return whole(links, letter_link_json)


@bp.get("/letters/<int:letter_id>/responses")
@require_token("viewer")
def letter_responses(letter_id: int):
    with db_session() as session:
        visible_letter(session, letter_id)
        return whole(letter_service.responses(session, letter_id), response_json)


@bp.post("/letters/<int:letter_id>/responses")
@require_token("reviewer")
def letter_respond(letter_id: int):
    """The recipient's answer about some links of the letter (`link_ids`; all when absent). A
    reviewer answers the referrals addressed to its directorate."""
    body = json_body()
    outcome, note = text_field(body, "outcome"), text_field(body, "note", required=False)
    link_ids = list_field(body, "link_ids", of=int) if "link_ids" in body else None
    with db_session() as session, session.begin():
        visible_letter(session, letter_id)
        made = letter_service.record_response(session, letter_id, outcome, link_ids=link_ids,
                                              note=note, received_on=day_field(body, "received_on"),
                                              actor=g.caller.name)  # fmt: skip
        return {"items": [response_json(r) for r in made]}, 201


@bp.get("/letters/<int:letter_id>/escalations")
@require_token("viewer")
def letter_escalations(letter_id: int):
    with db_session() as session:
        visible_letter(session, letter_id)
        return whole(escalation.stages(session, letter_id), escalation_json)


@bp.post("/letters/<int:letter_id>/escalations")
@require_token("analyst")
def letter_escalate(letter_id: int):
    body = json_body()
    stage, note = text_field(body, "stage"), text_field(body, "note", required=False)
    with db_session() as session, session.begin():
        visible_letter(session, letter_id)
        row = escalation.escalate(session, letter_id, stage, day_field(body, "reached_on"),
                                  actor=g.caller.name, note=note)  # fmt: skip
        return escalation_json(row), 201


# -- monitoring: links still up after their deadline are proposed again (SOP step 8) ---------


@bp.post("/monitoring/reproposals")
@require_token("analyst")
def repropose():
    """201 with the new list, or 200 and no list when no link is due to be proposed again."""
    with db_session() as session, session.begin():
        monitoring.refresh_links(session)
        made = monitoring.repropose(session, actor=g.caller.name, unit=g.caller.unit)
        if made is None:
            return {"items": []}
        return {"items": [list_json(takedown.get_list(session, made.id))]}, 201
