"""Shared wiring for the commands: configuration, the database, one-line errors."""

from __future__ import annotations

from dataclasses import dataclass

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from casebook import config as config_module
from casebook import schema
from casebook.config import Config
from casebook.db import make_engine, make_session_factory


@dataclass
class Casebook:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]


def open_casebook(*, migrate: bool = False, config: Config | None = None) -> Casebook:
    """The configured database, migrated (`migrate=True`) or checked to be current; an empty
    one is created on first use, so a fresh data dir needs no `patroli db upgrade`."""
    config = config or config_module.load()
    engine = make_engine(config.database_url)
    try:
        if migrate:
            schema.upgrade(engine)
        elif schema.ensure_ready(engine):
            where = engine.url.render_as_string(hide_password=True)
            click.echo(f"created database {where} (schema {schema.head_revision()})", err=True)
    except schema.SchemaMismatch as error:
        engine.dispose()
        raise click.ClickException(str(error)) from None
    except OperationalError as error:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise click.ClickException(f"cannot open database {where}: {error.orig}") from None
    context = click.get_current_context(silent=True)
    if context is not None:  # the pool's connections close with the command, not at exit
        context.call_on_close(engine.dispose)
    return Casebook(config, engine, make_session_factory(engine))
