"""The `patroli` console script: one click group, one module per area under patroli/commands/."""

from __future__ import annotations

import click

from patroli.commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Patroli: cyber patrol of drug and food listings (BPOM SOP)."""


for command in COMMANDS:
    main.add_command(command)


if __name__ == "__main__":
    main()
