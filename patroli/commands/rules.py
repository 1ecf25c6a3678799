"""`patroli rules check|eval`: run the rule catalogue over JSONL listings from files."""

from __future__ import annotations

import click


@click.group("rules")
def rules() -> None:
    """Check listings against the registry, warnings and the rule catalogue."""
