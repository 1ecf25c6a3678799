"""`patroli audit verify`: walk the hash-chained audit trail; non-zero exit on any break."""

from __future__ import annotations

import click

from casebook.services import audit
from patroli.progress import progress
from patroli.wiring import open_casebook

WITNESS = "audit-head"


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
def verify() -> None:
    """Name every edited, deleted or inserted event; exit 1 on any. A clean run keeps the head
    in $PATROLI_DATA_DIR/audit-head, so a trail cut back later shows at the next verify."""
    casebook = open_casebook()
    database = casebook.engine.url.render_as_string(hide_password=True)
    witness_path = casebook.config.data_dir / WITNESS
    with casebook.sessions() as session:
        head = audit.recorded_head(session)
        with progress("audit verify", head.seq if head else None) as advance:
            breaks = audit.verify(session, progress=advance)
        witnessed = audit.read_witness(witness_path, database)
        if witnessed is not None:
            breaks += audit.check_witness(session, *witnessed)
        end = audit.chain_end(session)
    for problem in breaks:
        click.echo(str(problem))
    if breaks:
        raise click.ClickException(f"audit trail broken: {len(breaks)} problem(s) found")
    audit.write_witness(witness_path, database, end)
    click.echo(f"audit trail intact: {end.seq} events, head {end.hash[:16]}")
