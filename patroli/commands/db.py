"""`patroli db upgrade` and `patroli users add`: schema and accounts."""

from __future__ import annotations

import click

from casebook.models import ROLES
from casebook.services import users
from patroli.wiring import open_casebook


@click.group("db")
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def upgrade() -> None:
    """Create the database or migrate it to this version's schema."""
    casebook = open_casebook(migrate=True)
    click.echo(f"database ready: {casebook.engine.url.render_as_string(hide_password=True)}")


@click.group("users")
def users_group() -> None:
    """Casebook accounts."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="analyst", show_default=True)
@click.option("--full-name", default="")
@click.option("--unit", default="")
@click.password_option()
def add(username: str, role: str, full_name: str, unit: str, password: str) -> None:
    """Create a user."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            users.create_user(
                session, username, password, role, actor="cli", full_name=full_name, unit=unit
            )
    except users.UserExists as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user {username} ({role}) created")
