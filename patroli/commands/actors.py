"""`patroli actors`: offender profiling (SOP step 7) — seller accounts linked into actors.

The group gathers three areas, each in its own module: the pure linker over JSONL files
(`link`, `eval`), the casebook's linking and analyst decisions, and profiles, documents and
referrals. Each module exposes `COMMANDS`; a module not yet present adds nothing."""

from __future__ import annotations

from importlib import import_module

import click

AREAS = (
    "patroli.commands.actors_link",
    "patroli.commands.actors_casebook",
    "patroli.commands.actors_docs",
)


@click.group("actors")
def actors_group() -> None:
    """Seller accounts linked across platforms into actors (pelaku)."""


for _area in AREAS:
    try:
        _module = import_module(_area)
    except ModuleNotFoundError as error:
        if error.name != _area:
            raise
        continue
    for _command in _module.COMMANDS:
        actors_group.add_command(_command)
