"""The `patroli` console script: one click group, one module per area under patroli/commands/."""

from __future__ import annotations

import os
from importlib import import_module

import click

from patroli.commands import COMMANDS


class Patroli(click.Group):
    """Finds a sub-command's module only when that command runs (or help lists it)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(import_module(module), attribute)


@click.group(cls=Patroli, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Patroli: cyber patrol of drug and food listings (BPOM SOP)."""
    # Services under systemd set PATROLI_LOG_FORMAT=json (docs/deployment.md): every command's
    # log lines become JSON objects for journald. Unset, commands print as they always have.
    if os.environ.get("PATROLI_LOG_FORMAT"):
        from patroli import logs

        try:
            logs.configure()
        except logs.FormatError as error:
            raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
