"""`patroli actors relink|suggestions|confirm|reject|merge|split|stoplist`: the casebook's
linking of seller accounts into actors, and the analysts' decisions (each audited, each kept by
every later relink)."""

from __future__ import annotations

import json
from datetime import datetime

import click

from casebook.services import actor_profile, image_hashes, profiling
from casebook.services.profiling_relink import RELINK_STEPS
from patroli.progress import progress
from patroli.wiring import open_casebook
from rules.profiling import STRONG_KINDS

ACTOR_HELP = "who decides (recorded in the audit trail)"
_ERRORS = (profiling.ProfilingError, profiling.NoSuchActor, profiling.NoSuchSuggestion)


def _casework(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session)
    except _ERRORS as error:
        raise click.ClickException(str(error)) from None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@click.command("relink")
@click.option("--seller", "sellers", multiple=True, type=int,
              help="relink only what these sellers reach (repeatable); default: all")  # fmt: skip
@click.option("--actor", default="cli", help=ACTOR_HELP)
def relink_command(sellers: tuple[int, ...], actor: str) -> None:
    """Link the casebook's seller accounts into actors; decisions (pins) hold, ids stay.

    A full relink first hashes the product images of captures not yet hashed (a weak signal),
    and afterwards caches the risk score of every actor with findings (lists sort by it)."""
    casebook = open_casebook()
    try:
        if not sellers:
            with casebook.sessions() as session, session.begin():
                hashed = image_hashes.hash_new_images(session, data_dir=casebook.config.data_dir)
            if hashed:
                click.echo(f"{hashed} images hashed")
        with (
            progress("actors relink", RELINK_STEPS) as advance,
            casebook.sessions() as session,
            session.begin(),
        ):
            result = profiling.relink(session, actor=actor, progress=advance,
                                      seller_ids=list(sellers) if sellers else None)  # fmt: skip
        with casebook.sessions() as session, session.begin():
            if sellers:
                ids = actor_profile.actors_of_sellers(session, sellers)
                scored = len(actor_profile.refresh_risk(session, ids))
            else:
                scored = actor_profile.refresh_risk_of_offenders(session)
    except _ERRORS as error:
        raise click.ClickException(str(error)) from None
    scope = "all" if result.full else "reached"
    click.echo(f"{result.accounts} accounts ({scope}) in {result.actors} actors: "
               f"{len(result.created)} new, {len(result.merged)} merged, {result.moved} accounts "
               f"moved, links +{result.links_added}/-{result.links_removed}, "
               f"{result.suggested} new suggestions, {len(result.common)} identifiers too common "
               f"({sum(result.seconds.values()):.1f} s); {scored} actors' risk scored")  # fmt: skip


@click.command("suggestions")
@click.option(
    "--status", default="pending", type=click.Choice(["pending", "confirmed", "rejected"])
)
@click.option("--after", default=0, type=int, help="suggestions after this id (pages)")
@click.option("--limit", default=50, type=click.IntRange(1, 500))
def suggestions_command(status: str, after: int, limit: int) -> None:
    """Suggested links between accounts of different actors, as JSON lines."""
    rows = _casework(lambda s: [
        {"id": x.id, "score": round(x.score, 3), "reasons": list(x.reasons), "status": x.status,
         "a": _side(x.a), "b": _side(x.b), "decided_by": x.decided_by,
         "decided_at": _iso(x.decided_at)}
        for x in profiling.suggestions(s, status=status, after_id=after, limit=limit)
    ])  # fmt: skip
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def _side(account: profiling.AccountRow) -> dict:
    return {"seller_id": account.seller_id, "platform": account.platform, "name": account.name,
            "url": account.url, "actor_id": account.actor_id}  # fmt: skip


@click.command("confirm")
@click.argument("suggestion_id", type=int)
@click.option("--actor", default="cli", help=ACTOR_HELP)
def confirm_command(suggestion_id: int, actor: str) -> None:
    """The suggestion's two accounts are one actor (pinned together)."""
    actor_id = _casework(lambda s: profiling.actor_of_seller(
        s, profiling.confirm_suggestion(s, suggestion_id, actor=actor).seller_a_id))  # fmt: skip
    click.echo(f"suggestion {suggestion_id} confirmed: actor {actor_id}")


@click.command("reject")
@click.argument("suggestion_id", type=int)
@click.option("--actor", default="cli", help=ACTOR_HELP)
def reject_command(suggestion_id: int, actor: str) -> None:
    """The suggestion's two accounts are not one actor (pinned apart, never suggested again)."""
    _casework(lambda s: profiling.reject_suggestion(s, suggestion_id, actor=actor))
    click.echo(f"suggestion {suggestion_id} rejected")


@click.command("merge")
@click.argument("into", type=int)
@click.argument("others", type=int, nargs=-1, required=True)
@click.option("--reason", default="", help="why (recorded with the pins)")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def merge_command(into: int, others: tuple[int, ...], reason: str, actor: str) -> None:
    """Merge actors OTHERS into actor INTO (their accounts pinned together)."""
    accounts = _casework(lambda s: profiling.accounts_of(
        s, profiling.merge_actors(s, into, others, actor=actor, reason=reason).id))  # fmt: skip
    click.echo(f"actor {into}: {len(accounts)} accounts ({', '.join(map(str, accounts))})")


@click.command("split")
@click.argument("actor_id", type=int)
@click.argument("sellers", type=int, nargs=-1, required=True)
@click.option("--reason", default="", help="why (recorded with the pins)")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def split_command(actor_id: int, sellers: tuple[int, ...], reason: str, actor: str) -> None:
    """Split accounts SELLERS off actor ACTOR_ID into a new actor (pinned apart)."""
    new_id = _casework(
        lambda s: profiling.split_actor(s, actor_id, sellers, actor=actor, reason=reason).id
    )
    click.echo(f"actor {new_id}: accounts {', '.join(map(str, sorted(set(sellers))))} "
               f"split off actor {actor_id}")  # fmt: skip


@click.group("stoplist")
def stoplist_group() -> None:
    """Identifiers too common to link accounts (a marketplace's CS, a courier, a rekber)."""


@stoplist_group.command("list")
@click.option("--all", "everything", is_flag=True, help="also the entries removed")
def stoplist_list(everything: bool) -> None:
    """The casebook's stoplist as JSON lines (the linker's default stoplist applies besides)."""
    rows = _casework(lambda s: [
        {"id": x.id, "kind": x.kind, "value": x.value, "reason": x.reason,
         "added_by": x.added_by, "added_at": _iso(x.added_at), "removed_by": x.removed_by,
         "removed_at": _iso(x.removed_at)}
        for x in profiling.stoplist(s, include_removed=everything)
    ])  # fmt: skip
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


@stoplist_group.command("add")
@click.argument("kind", type=click.Choice(sorted(STRONG_KINDS)))
@click.argument("value")
@click.option("--reason", required=True, help="why it links nothing (whose number it is)")
@click.option("--actor", default="cli", help=ACTOR_HELP)
def stoplist_add(kind: str, value: str, reason: str, actor: str) -> None:
    """Keep KIND VALUE from linking accounts; what it joined is relinked."""
    stop = _casework(lambda s: _stop_line(
        profiling.add_stop(s, kind, value, reason=reason, actor=actor)))  # fmt: skip
    click.echo(f"stop {stop}")


@stoplist_group.command("remove")
@click.argument("stop_id", type=int)
@click.option("--actor", default="cli", help=ACTOR_HELP)
def stoplist_remove(stop_id: int, actor: str) -> None:
    """Let stoplist entry STOP_ID link again (the entry is kept, stamped removed)."""
    stop = _casework(lambda s: _stop_line(profiling.remove_stop(s, stop_id, actor=actor)))
    click.echo(f"removed stop {stop}")


def _stop_line(stop) -> str:
    return f"{stop.id}: {stop.kind} {stop.value}"


COMMANDS = [
    relink_command,
    suggestions_command,
    confirm_command,
    reject_command,
    merge_command,
    split_command,
    stoplist_group,
]
