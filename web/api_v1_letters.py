"""REST API v1, SOP steps 5-8: letters of a takedown list (made, shown, sent, files) and
monitoring figures, on the blueprint of web.api_v1."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app, g, request, send_file, url_for

from casebook.letters import office as letter_office
from casebook.models import Letter
from casebook.services import access, monitoring
from casebook.services import letters as letter_service
from web.api_v1 import ApiError, bp, error_answer, json_body, require_token
from web.db import db_session


@bp.errorhandler(letter_service.LetterError)
def _letter_error(error: letter_service.LetterError):
    if isinstance(error, letter_service.NoSuchLetter):
        return error_answer(ApiError(404, "not_found", str(error)))
    if isinstance(error, letter_service.LetterConflict):
        return error_answer(ApiError(409, "conflict", str(error)))
    return error_answer(ApiError(422, "invalid", str(error)))


# -- letters ----------------------------------------------------------------------------------

FILE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def letter_json(letter: Letter) -> dict:
    made = letter.files or {}
    return {
        "id": letter.id,
        "kind": letter.kind,
        "number": letter.number,
        "recipient": letter.recipient,
        "status": letter.status,
        "link_count": letter.link_count,
        "files": {
            kind: url_for(".letter_file", letter_id=letter.id, kind=kind, _external=True)
            for kind in FILE_TYPES
            if kind in made
        },
    }


def letter_detail(session, letter: Letter) -> dict:
    """The letter with when it went out, when its answer is due, and the answers so far."""
    return letter_json(letter) | {
        "sent_on": letter.sent_on.isoformat() if letter.sent_on else None,
        "due": letter.due_on.isoformat() if letter.due_on else None,
        "responses": [
            {
                "id": r.id,
                "link_id": r.link_id,
                "outcome": r.outcome,
                "note": r.note,
                "received_on": r.received_on.isoformat(),
            }
            for r in letter_service.responses(session, letter.id)
        ],
    }


@bp.post("/takedown-lists/<int:list_id>/letters")
@require_token("analyst")
def make_letters(list_id: int):
    body = json_body()
    kind = body.get("kind", "rekomendasi_takedown")
    if not isinstance(kind, str):
        raise ApiError(422, "invalid", "kind: a string")
    config = current_app.config["PATROLI"]
    # PDF needs LibreOffice; a deployment without it may switch PDFs off (DOCX stays).
    with_pdf = current_app.config.get("PATROLI_LETTER_PDF", True)
    with db_session() as session, session.begin():
        access.ensure_visible(session, g.caller.scope, "list", list_id)
        made = letter_service.make_letters(session, list_id, kind, actor=g.caller.name,
                                           office=letter_office.load(config.data_dir),
                                           with_pdf=with_pdf)  # fmt: skip
        return {"items": [letter_json(letter) for letter in made]}, 201


@bp.get("/letters/<int:letter_id>")
@require_token("viewer")
def show_letter(letter_id: int):
    with db_session() as session:
        access.ensure_visible(session, g.caller.scope, "letter", letter_id)
        return letter_detail(session, letter_service.get_letter(session, letter_id))


@bp.post("/letters/<int:letter_id>/sent")
@require_token("analyst")
def letter_sent(letter_id: int):
    raw = json_body().get("sent_on")
    try:
        sent_on = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        sent_on = None
    if sent_on is None:
        raise ApiError(422, "invalid", "sent_on: a date YYYY-MM-DD")
    # The office's platform hours and mutu baku, as the UI and the CLI use them.
    settings = letter_office.load(current_app.config["PATROLI"].data_dir)
    with db_session() as session, session.begin():
        access.ensure_visible(session, g.caller.scope, "letter", letter_id)
        letter = letter_service.mark_sent(
            session, letter_id, sent_on, actor=g.caller.name,
            platform_hours=settings.platform_hours, follow_up_days=settings.follow_up_days,
        )  # fmt: skip
        return letter_detail(session, letter)


@bp.get("/letters/<int:letter_id>/<any(docx, pdf, xlsx):kind>")
@require_token("viewer")
def letter_file(letter_id: int, kind: str):
    with db_session() as session:
        access.ensure_visible(session, g.caller.scope, "letter", letter_id)
        letter = letter_service.get_letter(session, letter_id)
        made = (letter.files or {}).get(kind)
        if not made:
            raise ApiError(404, "not_found", f"letter {letter_id} has no {kind} file")
    path = Path(current_app.config["PATROLI"].data_dir) / made["path"]
    return send_file(path, mimetype=FILE_TYPES[kind], as_attachment=True,
                     download_name=f"surat-{letter_id}.{kind}")  # fmt: skip


# -- monitoring -------------------------------------------------------------------------------

FIGURES = ("listed", "taken_down", "still_up", "unknown", "reproposed")


def day_arg(name: str) -> datetime | None:
    """A `YYYY-MM-DD` query value as the start of that day in UTC (as `patroli monitoring`)."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ApiError(400, "bad_request", f"{name}: a date YYYY-MM-DD")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@bp.get("/monitoring")
@require_token("viewer")
def monitoring_report():
    """Links listed from `since` (inclusive) to `until` (exclusive) on the takedown lists the
    caller may see (as the monitoring page): what went down, what is up."""
    since, until = day_arg("since"), day_arg("until")
    visible = access.list_condition(g.caller.scope)
    with db_session() as session, session.begin():
        monitoring.refresh_links(session)  # the latest re-checks first, as the CLI report does
        report = monitoring.report(session, since=since, until=until, visible=visible)
        return {
            "by_platform": [
                {"platform": name} | {key: getattr(f, key) for key in FIGURES}
                for name, f in sorted(report.by_platform.items())
            ],
            "by_recipient": [
                {"recipient": name} | {key: getattr(f, key) for key in FIGURES}
                for name, f in sorted(report.by_recipient.items())
            ],
            "overdue": report.overall.overdue,
        }
