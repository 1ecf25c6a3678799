"""REST API v1, offender profiling (SOP step 7): actors (pelaku, the offenders behind seller
accounts) with their profiles, merges and splits, the link suggestions an analyst confirms or
rejects, the identifier stoplist, relinking, referrals (Rekomendasi Pelaku) and the Dokumen
profiling, on the blueprint of web.api_v1.

Reading needs a viewer and shows only the actors the caller may see (access.actor_condition):
another unit's actor answers 404, as a missing one. Every decision, the stoplist and the papers
need an analyst. A decision the actor's or suggestion's state does not allow answers 409."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, g, request, send_file

from casebook.letters import office as letter_office
from casebook.models import CLASSIFICATIONS
from casebook.services import actor_profile, profiling, profiling_docs
from casebook.services.reports import ReportError
from web.api_v1 import (
    ApiError,
    answer_with,
    bp,
    collection,
    id_list,
    json_body,
    page_args,
    require_token,
    text_field,
)
from web.api_v1_actor_json import (
    actor_json,
    document_json,
    profile_json,
    relink_json,
    stop_json,
    suggestion_json,
)
from web.api_v1_letters import FILE_TYPES, letter_json
from web.api_v1_sop import day_field
from web.db import db_session

READER, DECIDER = "viewer", "analyst"
REFERRED_TO = ("dit_was", "dit_intelijen", "upt")  # who a Rekomendasi Pelaku goes to
# A Dokumen profiling's folder under reports/profiling: one actor's, or one period's.
DOCUMENT = re.compile(r"actor-\d{1,18}|\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d")

for _error, _status, _code in (
    (profiling.NoSuchActor, 404, "not_found"),
    (profiling.NoSuchSuggestion, 404, "not_found"),
    (profiling.ProfilingError, 422, "invalid"),
    (ReportError, 422, "invalid"),
    (letter_office.OfficeError, 422, "invalid"),
):
    bp.register_error_handler(_error, answer_with(_status, _code))


def _live(session, actor_id: int):
    """The actor the caller may see (else 404), not merged away (else 409: decide on the one
    it was merged into)."""
    actor = profiling.get_actor(session, actor_id, scope=g.caller.scope)
    if actor.merged_into_id is not None:
        merged = f"actor {actor_id} was merged into actor {actor.merged_into_id}"
        raise ApiError(409, "conflict", merged)
    return actor


def _office():
    return letter_office.load(current_app.config["PATROLI"].data_dir)


def _with_pdf() -> bool:
    # PDF needs LibreOffice; a deployment without it may switch PDFs off (DOCX stays).
    return current_app.config.get("PATROLI_LETTER_PDF", True)


def whole_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
        raise ApiError(400, "bad_request", f"{name}: a whole number from 0 to 100")
    return int(raw)


# -- actors ---------------------------------------------------------------------------------------


@bp.get("/actors")
@require_token(READER)
def actor_list():
    after_id, limit = page_args()
    with db_session() as session:
        found = profiling.actors(session, q=request.args.get("q") or None,
                                 platform=request.args.get("platform") or None,
                                 min_risk=whole_arg("min_risk"), scope=g.caller.scope,
                                 after_id=after_id, limit=limit)  # fmt: skip
        return collection(found, [a.id for a in found], limit, actor_json)


@bp.get("/actors/<int:actor_id>")
@require_token(READER)
def actor_show(actor_id: int):
    """The profile; an actor merged away answers its own with `merged_into` set."""
    with db_session() as session, session.begin():  # the profile caches its risk score
        profiling.get_actor(session, actor_id, scope=g.caller.scope)
        return profile_json(session, actor_profile.profile(session, actor_id), g.caller.scope)


@bp.post("/actors/<int:actor_id>/merge")
@require_token(DECIDER)
def actor_merge(actor_id: int):
    body = json_body()
    others, reason = id_list(body, "actor_ids"), text_field(body, "reason", required=False)
    with db_session() as session, session.begin():
        for one in dict.fromkeys((actor_id, *others)):
            _live(session, one)
        profiling.merge_actors(session, actor_id, others, actor=g.caller.name, reason=reason)
        return profile_json(session, actor_profile.profile(session, actor_id), g.caller.scope)


@bp.post("/actors/<int:actor_id>/split")
@require_token(DECIDER)
def actor_split(actor_id: int):
    body = json_body()
    sellers, reason = id_list(body, "seller_ids"), text_field(body, "reason", required=False)
    with db_session() as session, session.begin():
        _live(session, actor_id)
        made = profiling.split_actor(session, actor_id, sellers, actor=g.caller.name,
                                     reason=reason)  # fmt: skip
        actor_profile.refresh_risk(session, [actor_id])  # the list's risk filter reads it
        return profile_json(session, actor_profile.profile(session, made.id), g.caller.scope), 201


@bp.post("/actors/relink")
@require_token(DECIDER)
def actors_relink():
    """Link every account again now (pins, merges and splits hold); answers what changed."""
    with db_session() as session, session.begin():
        return relink_json(profiling.relink(session, actor=g.caller.name))


# -- the suggestion queue -------------------------------------------------------------------------


@bp.get("/actor-suggestions")
@require_token(READER)
def suggestion_list():
    after_id, limit = page_args()
    with db_session() as session:
        found = profiling.suggestions(session, status=request.args.get("status") or "pending",
                                      scope=g.caller.scope, after_id=after_id,
                                      limit=limit)  # fmt: skip
        return collection(found, [s.id for s in found], limit, suggestion_json)


@bp.post("/actor-suggestions/<int:suggestion_id>/<any(confirm, reject):decision>")
@require_token(DECIDER)
def suggestion_decide(suggestion_id: int, decision: str):
    """Confirm (the two accounts are one actor) or reject (they are not); pinned and audited."""
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    reason = text_field(body, "reason", required=False)
    decide = profiling.confirm_suggestion if decision == "confirm" else profiling.reject_suggestion
    with db_session() as session, session.begin():
        found = profiling.get_suggestion(session, suggestion_id)
        if found.status != "pending":
            raise ApiError(409, "conflict", f"suggestion {suggestion_id} was already "
                           f"{found.status} by {found.decided_by}")  # fmt: skip
        decide(session, suggestion_id, actor=g.caller.name, reason=reason)
        decided = profiling.get_suggestion(session, suggestion_id)
        # the risk scores the list filters on, of the actors the decision changed
        actor_profile.refresh_risk(session, {decided.a.actor_id, decided.b.actor_id} - {None})
        return suggestion_json(decided)


# -- the identifier stoplist ----------------------------------------------------------------------


@bp.get("/identifier-stoplist")
@require_token(DECIDER)
def stop_list():
    """Identifiers kept from linking; `?include_removed=true` also those taken off."""
    after_id, limit = page_args()
    everything = request.args.get("include_removed", "").lower() == "true"
    with db_session() as session:
        stops = profiling.stoplist(session, include_removed=everything)
        found = [s for s in stops if s.id > after_id][:limit]
        return collection(found, [s.id for s in found], limit, stop_json)


@bp.post("/identifier-stoplist")
@require_token(DECIDER)
def stop_add():
    body = json_body()
    kind, value = text_field(body, "kind"), text_field(body, "value")
    reason = text_field(body, "reason")
    with db_session() as session, session.begin():
        normal = profiling.normalise_identifier(kind, value)
        if any((s.kind, s.value) == (kind, normal) for s in profiling.stoplist(session)):
            raise ApiError(409, "conflict", f"{kind} {normal} is already on the stoplist")
        stop = profiling.add_stop(session, kind, value, reason=reason, actor=g.caller.name)
        return stop_json(stop), 201


@bp.delete("/identifier-stoplist/<int:stop_id>")
@require_token(DECIDER)
def stop_remove(stop_id: int):
    """Let the identifier link again; the entry stays, stamped removed."""
    with db_session() as session, session.begin():
        stops = {s.id: s for s in profiling.stoplist(session, include_removed=True)}
        if stop_id not in stops:
            raise ApiError(404, "not_found", f"no stoplist entry {stop_id}")
        if stops[stop_id].removed_at is not None:
            raise ApiError(409, "conflict", f"stoplist entry {stop_id} was removed already")
        return stop_json(profiling.remove_stop(session, stop_id, actor=g.caller.name))


# -- referrals and the Dokumen profiling ----------------------------------------------------------


@bp.post("/actors/<int:actor_id>/referrals")
@require_token(DECIDER)
def actor_refer(actor_id: int):
    """A Rekomendasi Pelaku (a letter); the draft already made for that recipient if any."""
    body = json_body()
    recipient = body.get("recipient")
    if recipient not in REFERRED_TO:
        raise ApiError(422, "invalid", f"recipient: one of {', '.join(REFERRED_TO)}")
    classification = text_field(body, "classification", required=False) or "biasa"
    if classification not in CLASSIFICATIONS:
        raise ApiError(422, "invalid", f"classification: one of {', '.join(CLASSIFICATIONS)}")
    with db_session() as session, session.begin():
        _live(session, actor_id)
        letter = profiling_docs.refer_actor(session, actor_id, recipient, actor=g.caller.name,
                                            office=_office(), classification=classification,
                                            with_pdf=_with_pdf())  # fmt: skip
        return letter_json(letter), 201


@bp.post("/actors/<int:actor_id>/documents")
@require_token(DECIDER)
def actor_document(actor_id: int):
    """The actor's Dokumen profiling, made now (made again, its files are replaced)."""
    with db_session() as session, session.begin():
        profiling.get_actor(session, actor_id, scope=g.caller.scope)
        made = profiling_docs.make_profiling_document(session, actor_id=actor_id,
                                                      actor=g.caller.name, office=_office(),
                                                      with_pdf=_with_pdf())  # fmt: skip
        return document_json(made), 201


@bp.post("/profiling-documents")
@require_token(DECIDER)
def period_document():
    """The Dokumen profiling of the actors seen from `since` to `until` (both days included),
    ranked by risk."""
    body = json_body()
    since, until = day_field(body, "since"), day_field(body, "until")
    with db_session() as session, session.begin():
        made = profiling_docs.make_profiling_document(session, since=since, until=until,
                                                      actor=g.caller.name, office=_office(),
                                                      with_pdf=_with_pdf())  # fmt: skip
        return document_json(made), 201


@bp.get("/profiling-documents/<name>/<any(docx, pdf, xlsx):kind>")
@require_token(DECIDER)
def profiling_document_file(name: str, kind: str):
    """A Dokumen profiling's file as last made: `actor-<id>` or `<since>_<until>`."""
    folder = Path(current_app.config["PATROLI"].data_dir) / "reports" / "profiling" / name
    made = sorted(folder.glob(f"*.{kind}")) if DOCUMENT.fullmatch(name) else []
    if not made:
        raise ApiError(404, "not_found", f"no {kind} of the profiling document {name}")
    return send_file(made[0], mimetype=FILE_TYPES[kind], as_attachment=True,
                     download_name=f"dokumen-profiling-{name}.{kind}")  # fmt: skip
