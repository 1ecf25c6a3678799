"""Sub-commands of `patroli`, one module per area; each exposes a click command or group."""

from __future__ import annotations

import click

from patroli.commands.rules import rules

COMMANDS: list[click.Command] = [rules]
