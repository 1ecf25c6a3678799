"""`patroli actors show|document|refer`: an actor's profile, the Dokumen Profiling (one actor or
a period) and the Rekomendasi Pelaku (SOP step 7)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import click

from casebook.letters import bundle, content, docx, office, pdf, sign
from casebook.services import actor_profile, letters, profiling, profiling_docs, reports
from patroli.wiring import open_casebook

ACTOR_HELP = "who acts (recorded in the audit trail)"
ERRORS = (profiling.ProfilingError, profiling.NoSuchActor, letters.LetterError, reports.ReportError,
          office.OfficeError, docx.TemplateProblem, pdf.PdfError, bundle.EvidenceProblem,
          sign.SigningError)  # fmt: skip


def _transaction(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session, casebook.config.data_dir)
    except ERRORS as error:
        raise click.ClickException(str(error)) from None


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=option) from None


def _echo(row: object) -> None:
    click.echo(json.dumps(row, ensure_ascii=False, indent=1))


@click.command("show")
@click.argument("actor_id", type=int)
def show(actor_id: int) -> None:
    """An actor's profile as JSON: accounts, products, violations, takedowns, risk and reasons."""
    _echo(_transaction(lambda s, _: actor_profile.as_json(actor_profile.profile(s, actor_id))))


@click.command("document")
@click.option("--actor", "actor_id", type=int, help="the actor profiled")
@click.option("--since", help="or: the period's first day (YYYY-MM-DD)")
@click.option("--until", help="the period's last day, included (YYYY-MM-DD)")
@click.option("--classification", default="biasa", help="biasa, terbatas, rahasia (office.toml)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="the DOCX and XLSX only")
@click.option("--by", "by", default="cli",
              help=ACTOR_HELP + "; --actor names the actor profiled")  # fmt: skip
def document(actor_id: int | None, since: str | None, until: str | None, classification: str,
             no_pdf: bool, by: str) -> None:  # fmt: skip
    """The Dokumen Profiling of one actor, or of the actors active in a period ranked by risk:
    DOCX, PDF and the XLSX of their listings."""
    start, end = _day(since, "--since"), _day(until, "--until")
    made = _transaction(lambda session, data_dir: profiling_docs.make_profiling_document(
        session, actor_id=actor_id, since=start, until=end, actor=by,
        office=office.load(data_dir), classification=classification,
        with_pdf=not no_pdf))  # fmt: skip
    _echo(asdict(made))


@click.command("refer")
@click.argument("actor_id", type=int)
@click.option("--to", "recipient", required=True,
              type=click.Choice(content.KINDS[profiling_docs.KIND].recipients))  # fmt: skip
@click.option("--classification", default="biasa", help="biasa, terbatas, rahasia (office.toml)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="the DOCX and XLSX only")
@click.option("--actor", "by", default="cli", help=ACTOR_HELP)
def refer(actor_id: int, recipient: str, classification: str, no_pdf: bool, by: str) -> None:
    """The Rekomendasi Pelaku of an actor (again while a draft: that draft), as JSON; send and
    answer it with `patroli letters sent|response`."""

    def action(session, data_dir):
        letter = profiling_docs.refer_actor(session, actor_id, recipient, actor=by,
                                            office=office.load(data_dir),
                                            classification=classification,
                                            with_pdf=not no_pdf)  # fmt: skip
        return {"id": letter.id, "kind": letter.kind, "actor_id": letter.actor_id,
                "number": letter.number, "recipient": letter.recipient,
                "status": letter.status, "link_count": letter.link_count,
                "files": {k: v["path"] for k, v in letter.files.items()
                          if isinstance(v, dict)}}  # fmt: skip

    _echo(_transaction(action))


COMMANDS = [show, document, refer]
