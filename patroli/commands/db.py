"""`patroli db upgrade` and `patroli users`: schema, accounts and their API tokens."""

from __future__ import annotations

import json

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


def _accounts(action):
    """Run a service call in one transaction; a domain error is one line and exit 1."""
    casebook = open_casebook()
    try:
        with casebook.sessions() as session, session.begin():
            return action(session)
    except ValueError as error:  # UnknownUser, UnknownToken, a bad name
        raise click.ClickException(str(error)) from None


@users_group.command("token")
@click.argument("username")
@click.option("--name", default="", help="what the token is for, e.g. the system using it")
@click.option("--actor", default="cli", help="who issues it (recorded in the audit trail)")
def token(username: str, name: str, actor: str) -> None:
    """Print a new API token for USERNAME (its role and unit apply). It is shown only now:
    the casebook keeps its hash."""
    token_id, secret = _accounts(lambda s: _issued(users.create_token(s, username, name=name,
                                                                      actor=actor)))  # fmt: skip
    click.echo(secret)
    click.echo(f"token {token_id} for {username}: copy it now, it is not shown again", err=True)


def _issued(made):
    record, secret = made
    return record.id, secret


@users_group.command("tokens")
@click.argument("username")
def tokens(username: str) -> None:
    """USERNAME's API tokens as JSON lines (never the tokens themselves)."""
    rows = _accounts(lambda s: [
        {"id": t.id, "name": t.name, "created_by": t.created_by, "created_at": _iso(t.created_at),
         "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
        for t in users.list_tokens(s, username)
    ])  # fmt: skip
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


@users_group.command("revoke-token")
@click.argument("token_id", type=int)
@click.option("--actor", default="cli", help="who revokes it (recorded in the audit trail)")
def revoke_token(token_id: int, actor: str) -> None:
    """Revoke an API token for good (revoking it again changes nothing)."""
    _accounts(lambda s: users.revoke_token(s, token_id, actor=actor))
    click.echo(f"token {token_id} revoked")


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
