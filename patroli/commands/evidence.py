"""`patroli evidence verify`: re-hash every evidence file; non-zero exit on any mismatch."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from casebook.models import Capture
from casebook.services import evidence
from patroli.progress import progress
from patroli.wiring import open_casebook


@click.group("evidence")
def evidence_group() -> None:
    """Captured evidence (WARC, rendered HTML, screenshots, manifests)."""


@evidence_group.command("verify")
def verify() -> None:
    """Re-hash every capture against its manifest and the casebook; exit 1 on any mismatch."""
    casebook = open_casebook()
    checked = bad = 0
    with casebook.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Capture))
        with progress("evidence verify", total) as advance:
            for _manifest, problems in evidence.verify_all(session, casebook.config.data_dir):
                advance(1)
                checked += 1
                for problem in problems:
                    bad += 1
                    click.echo(f"MISMATCH {problem.where}: {problem.reason}", err=True)
    click.echo(f"{checked} captures checked, {bad} problems")
    sys.exit(1 if bad else 0)
