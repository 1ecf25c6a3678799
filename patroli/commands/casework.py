"""`patroli register`, `patroli takedown`, `patroli monitoring`: SOP steps 3, 4 and 8."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

import click

from casebook.letters import docx, office, pdf
from casebook.services import escalation, monitoring, register, reports, takedown
from patroli.commands.crawl import _run
from patroli.crawling import SpiderRun
from patroli.platforms import kind_of
from patroli.wiring import open_casebook

ACTOR_HELP = "who decides (recorded in the audit trail)"


def _ids(value: str, what: str) -> list[int]:
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of {what}") from None


def _casework(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session)
    except (register.RegisterError, takedown.TakedownError) as error:
        raise click.ClickException(str(error)) from None


@click.group("register")
def register_group() -> None:
    """Register Informasi (SOP step 3): evaluated listings, for takedown or intelligence."""


@register_group.command("decide")
@click.option("--ids", required=True, help="listing ids, comma-separated")
@click.option("--decision", required=True, type=click.Choice(["takedown", "intelligence",
                                                               "dismissed"]))  # fmt: skip
@click.option("--reason", default="", help="why (required to dismiss)")
@click.option("--source", default="patroli", help="where the information came from (a unit)")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def decide(ids: str, decision: str, reason: str, source: str, actor: str) -> None:
    """Decide listings into the register; deciding again updates the entry."""
    listing_ids = _ids(ids, "listing ids")
    entries = _casework(lambda s: [
        (e.id, e.listing_id, e.decision) for e in register.decide(
            s, listing_ids, decision, reason=reason, actor=actor, source=source)
    ])  # fmt: skip
    for entry_id, listing_id, chosen in entries:
        click.echo(f"entry {entry_id}: listing {listing_id} -> {chosen}")


@register_group.command("list")
@click.option("--decision", type=click.Choice(["takedown", "intelligence", "dismissed"]))
@click.option("--after", default=0, type=int, help="entries after this id (pages)")
@click.option("--limit", default=50, type=click.IntRange(1, 500))
def list_entries(decision: str | None, after: int, limit: int) -> None:
    """Register entries as JSON lines."""
    rows = _casework(lambda s: [
        {"id": e.id, "listing_id": e.listing_id, "decision": e.decision, "reason": e.reason,
         "decided_by": e.decided_by, "decided_at": _iso(e.decided_at), "version": e.version}
        for e in register.entries(s, decision=decision, after_id=after, limit=limit)
    ])  # fmt: skip
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


@click.group("takedown")
def takedown_group() -> None:
    """List takedown (SOP step 4): links recommended for takedown, re-checked before sending."""


@takedown_group.command("build")
@click.option("--entries", "entry_ids", required=True, help="register entry ids, comma-separated")
@click.option("--unit", default="", help="the unit the list belongs to")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def build(entry_ids: str, unit: str, actor: str) -> None:
    """A new takedown list of register entries decided `takedown`; prints its id."""
    ids = _ids(entry_ids, "entry ids")
    list_id = _casework(
        lambda s: takedown.build_list(s, ids, actor=actor, kind_of=kind_of, unit=unit).id
    )
    click.echo(f"takedown list {list_id}")
    _show(list_id)


@takedown_group.command("show")
@click.argument("list_id", type=int)
def show(list_id: int) -> None:
    """A list and its links, as JSON."""
    _show(list_id)


@takedown_group.command("verify")
@click.argument("list_id", type=int)
@click.option("--actor", default="cli", help=ACTOR_HELP)
@click.option("--base", "bases", multiple=True, metavar="SITE=URL",
              help="serve a site profile from another address (a mirror, the demo)")  # fmt: skip
def verify(list_id: int, actor: str, bases: tuple[str, ...]) -> None:
    """Re-check every link of the list now, then record each link's status."""
    ids = _casework(lambda s: takedown.listing_ids(s, list_id))
    _run([SpiderRun("recheck", {"ids": ",".join(map(str, ids)), "due": "0"})], bases=bases)
    _casework(lambda s: takedown.refresh_statuses(s, list_id, actor=actor))
    _show(list_id)


def _show(list_id: int) -> None:
    def read(session):
        found = takedown.get_list(session, list_id)
        return {
            "id": found.id, "status": found.status, "created_at": _iso(found.created_at),
            "links": [{
                "entry_id": link.entry_id, "listing_id": link.listing_id, "url": link.url,
                "platform": link.platform, "recipient": link.recipient,
                "link_status": link.link_status, "checked_at": _iso(link.checked_at),
                "proposal": link.proposal,
            } for link in found.links],
        }  # fmt: skip

    click.echo(json.dumps(_casework(read), ensure_ascii=False, indent=1))


@click.group("monitoring")
def monitoring_group() -> None:
    """Monitoring dan evaluasi (SOP step 8): what went down, what is proposed again."""


@monitoring_group.command("report")
@click.option("--since", help="links listed from this date (YYYY-MM-DD)")
@click.option("--until", help="links listed before this date (YYYY-MM-DD)")
def report(since: str | None, until: str | None) -> None:
    """Figures per platform, recipient and commodity, as JSON."""
    start, end = _day(since, "--since"), _day(until, "--until")

    def figures(session):
        monitoring.refresh_links(session)
        done = monitoring.report(session, since=start, until=end)
        return {
            "since": since, "until": until, "overall": done.overall.as_dict(),
            **{name: {key: f.as_dict() for key, f in sorted(groups.items())}
               for name, groups in (("by_platform", done.by_platform),
                                    ("by_recipient", done.by_recipient),
                                    ("by_commodity", done.by_commodity))},
        }  # fmt: skip

    click.echo(json.dumps(_casework(figures), ensure_ascii=False, indent=1))


@monitoring_group.command("repropose")
@click.option("--actor", default="cli", help=ACTOR_HELP)
@click.option("--as-of", "as_of", help="judge deadlines as at this UTC time (YYYY-MM-DDTHH:MM), "
              "e.g. to catch up after downtime; default now")  # fmt: skip
def repropose(actor: str, as_of: str | None) -> None:
    """Propose again, in a new list, the links still up after their letter's deadline."""
    moment = _day(as_of, "--as-of")

    def run(session):
        monitoring.refresh_links(session)
        new_list = monitoring.repropose(session, actor=actor, now=moment)
        return None if new_list is None else new_list.id

    list_id = _casework(run)
    if list_id is None:
        click.echo("no link is still up after its deadline")
    else:
        click.echo(f"takedown list {list_id} (re-proposal)")
        _show(list_id)


@monitoring_group.command("monev")
@click.option("--since", required=True, help="first day of the period (YYYY-MM-DD)")
@click.option("--until", required=True, help="last day of the period, included (YYYY-MM-DD)")
@click.option("--classification", default="biasa", help="biasa, terbatas, rahasia (office.toml)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="the DOCX and XLSX only")
def monev(since: str, until: str, classification: str, no_pdf: bool) -> None:
    """Hasil Monitoring dan Evaluasi of a period (a quarter for IdEA's monev): DOCX, PDF, XLSX."""
    start, end = _date(since, "--since"), _date(until, "--until")
    made = _reporting(lambda session, data_dir: reports.monev(
        session, office.load(data_dir), since=start, until=end,
        classification=classification, with_pdf=not no_pdf))  # fmt: skip
    click.echo(json.dumps(asdict(made), ensure_ascii=False, indent=1))


@monitoring_group.command("upt-report")
@click.option("--month", required=True, help="the month reported (YYYY-MM)")
@click.option("--unit", help="the UPT (or Dit. Siber) whose officers decided the entries; "
              "default every unit")  # fmt: skip
@click.option("--classification", default="biasa", help="biasa, terbatas, rahasia (office.toml)")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="the DOCX and XLSX only")
def upt_report(month: str, unit: str | None, classification: str, no_pdf: bool) -> None:
    """Monthly report on advertising of registered traditional medicine and supplements (only
    forbidden claims), to Deputi II's directorate (Dit Was): DOCX, PDF, XLSX."""
    first = _date(f"{month}-01", "--month", "YYYY-MM")
    made = _reporting(lambda session, data_dir: reports.upt_advertising(
        session, office.load(data_dir), month=first, unit=unit,
        classification=classification, with_pdf=not no_pdf))  # fmt: skip
    click.echo(json.dumps(asdict(made), ensure_ascii=False, indent=1))


@monitoring_group.command("escalate")
@click.argument("letter_id", type=int)
@click.option("--stage", required=True, type=click.Choice(["st1", "st2", "blocking"]),
              help="Komdigi's stage: warning letter ST1, ST2, or blocking")  # fmt: skip
@click.option("--on", "on", required=True, help="the day Komdigi reached it (YYYY-MM-DD)")
@click.option("--note", default="", help="e.g. the number of Komdigi's warning letter")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def escalate(letter_id: int, stage: str, on: str, note: str, actor: str) -> None:
    """Record the stage Komdigi reached on a sent letter's order (stages only move forward)."""
    day = _date(on, "--on")

    def run(session, _):
        escalation.escalate(session, letter_id, stage, day, actor=actor, note=note)
        return [{"stage": row.stage, "reached_on": row.reached_on.isoformat(), "note": row.note}
                for row in escalation.stages(session, letter_id)]  # fmt: skip

    click.echo(json.dumps({"letter_id": letter_id, "stages": _reporting(run)}, indent=1))


REPORT_ERRORS = (reports.ReportError, escalation.EscalationError, office.OfficeError,
                 docx.TemplateProblem, pdf.PdfError)  # fmt: skip


def _reporting(action):
    """Run a report or follow-up in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session, casebook.config.data_dir)
    except REPORT_ERRORS as error:
        raise click.ClickException(str(error)) from None


def _date(value: str, option: str, shape: str = "YYYY-MM-DD") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        shown = value[:-3] if shape == "YYYY-MM" else value
        raise click.BadParameter(f"not a date ({shape}): {shown!r}", param_hint=option) from None


def _day(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=option) from None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
