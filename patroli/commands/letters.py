"""`patroli letters`: the letters of SOP steps 5-6 — made, shown, sent, answered."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import click

from casebook.letters import bundle, content, docx, office, pdf, sign
from casebook.letters.gather import local_date
from casebook.models import RECIPIENTS
from casebook.services import letters
from patroli.wiring import open_casebook

ACTOR_HELP = "who acts (recorded in the audit trail)"
ERRORS = (letters.LetterError, office.OfficeError, docx.TemplateProblem, pdf.PdfError,
          bundle.EvidenceProblem, sign.SigningError)  # fmt: skip


def _transaction(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session, casebook.config.data_dir)
    except ERRORS as error:
        raise click.ClickException(str(error)) from None


def _day(value: str | None, option: str) -> date:
    if value is None:
        return local_date(datetime.now(UTC))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=option) from None


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a comma-separated list of link ids", param_hint="--links"
        ) from None


def _json(letter, responses=None) -> dict[str, object]:
    out = {
        "id": letter.id, "kind": letter.kind, "list_id": letter.list_id,
        "number": letter.number, "recipient": letter.recipient, "status": letter.status,
        "link_count": letter.link_count,
        "files": {k: v["path"] for k, v in letter.files.items() if isinstance(v, dict)},
        "sent_on": letter.sent_on.isoformat() if letter.sent_on else None,
        "due": letter.due_on.isoformat() if letter.due_on else None,
        "deadline_at": _iso(letter.deadline_at),
    }  # fmt: skip
    if responses is not None:
        out["responses"] = [
            {"link_id": r.link_id, "outcome": r.outcome, "note": r.note,
             "received_on": r.received_on.isoformat(), "recorded_by": r.recorded_by}
            for r in responses
        ]  # fmt: skip
    return out


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None


def _echo(row: dict[str, object]) -> None:
    click.echo(json.dumps(row, ensure_ascii=False))


@click.group("letters")
def letters_group() -> None:
    """Letters (SOP steps 5-6): takedown recommendations, copies, follow-up, data requests."""


@letters_group.command("make")
@click.argument("list_id", type=int)
@click.option("--kind", required=True, type=click.Choice(list(content.KINDS)))
@click.option("--recipient", type=click.Choice(RECIPIENTS), help="only or other than the default")
@click.option("--classification", default="biasa", show_default=True,
              help="biasa, terbatas, rahasia, sangat_rahasia (office.toml)")  # fmt: skip
@click.option("--actor", default="cli", help=ACTOR_HELP)
def make(list_id: int, kind: str, recipient: str | None, classification: str, actor: str) -> None:
    """Make the letters of KIND for a takedown list (again: the ones already made); JSON lines."""

    def action(session, data_dir):
        made = letters.make_letters(session, list_id, kind, actor=actor, recipient=recipient,
                                    office=office.load(data_dir),
                                    classification=classification)  # fmt: skip
        return [_json(letter) for letter in made]

    for row in _transaction(action):
        _echo(row)


@letters_group.command("show")
@click.argument("letter_id", type=int)
def show(letter_id: int) -> None:
    """A letter with its files, dates and responses, as JSON."""
    _echo(_transaction(lambda s, _: _json(letters.get_letter(s, letter_id),
                                          letters.responses(s, letter_id))))  # fmt: skip


@letters_group.command("sent")
@click.argument("letter_id", type=int)
@click.option("--on", "sent_on", required=True, help="the day it was sent, YYYY-MM-DD")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def sent(letter_id: int, sent_on: str, actor: str) -> None:
    """Mark a letter sent: due in 20 working days, the platform's deadline in hours."""
    day = _day(sent_on, "--on")

    def action(session, data_dir):
        settings = office.load(data_dir)
        letter = letters.mark_sent(session, letter_id, day, actor=actor,
                                   platform_hours=settings.platform_hours,
                                   follow_up_days=settings.follow_up_days)  # fmt: skip
        return _json(letter)

    _echo(_transaction(action))


@letters_group.command("response")
@click.argument("letter_id", type=int)
@click.option("--outcome", required=True, type=click.Choice(letters.OUTCOMES))
@click.option("--links", "link_ids", help="link ids, comma-separated (default: all the letter's)")
@click.option("--note", default="", help="what the recipient said")
@click.option("--on", "received_on", help="the day it arrived, YYYY-MM-DD (default: today)")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def response(letter_id: int, outcome: str, link_ids: str | None, note: str,
             received_on: str | None, actor: str) -> None:  # fmt: skip
    """Record a recipient's answer: done, refused, more_info (asks for more) or partial."""
    ids, day = _ids(link_ids), _day(received_on, "--on")

    def action(session, _):
        letters.record_response(session, letter_id, outcome, link_ids=ids, note=note,
                                received_on=day, actor=actor)  # fmt: skip
        return _json(letters.get_letter(session, letter_id), letters.responses(session, letter_id))

    _echo(_transaction(action))


@letters_group.command("list")
@click.option("--list", "list_id", type=int, help="only the letters of this takedown list")
@click.option("--after", default=0, type=int, help="letters after this id (pages)")
@click.option("--limit", default=50, type=click.IntRange(1, 500))
def list_letters(list_id: int | None, after: int, limit: int) -> None:
    """Letters as JSON lines."""
    rows = _transaction(lambda s, _: [_json(x) for x in letters.letters(
        s, list_id=list_id, after_id=after, limit=limit)])  # fmt: skip
    for row in rows:
        _echo(row)
