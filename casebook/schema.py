"""Database schema lifecycle: Alembic migrations run from code, and the version check at start."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.pool import NullPool

# Full-text search lives in objects SQLAlchemy cannot declare (migrations 0009, 0011): FTS5
# tables and their shadow tables on SQLite; on PostgreSQL the listings' generated tsvector column
# and the GIN indexes. Comparing the models with the database leaves them out.
SEARCH_OBJECTS = ("listing_search", "seller_search", "ix_listings_search", "ix_sellers_search",
                  "search_vector")  # fmt: skip


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's name filter: everything but the full-text search objects."""
    return not (name or "").startswith(SEARCH_OBJECTS)


class SchemaMismatch(RuntimeError):
    """The database was made by another version of Patroli; the message says what to do."""


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", "casebook:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Create or migrate the database to the newest schema; a newer one is left alone."""
    current = current_revision(engine)
    if current is not None and current not in _known_revisions():
        _refuse_newer(engine, current)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return
    migrating = _sqlite_migration_engine(engine.url)
    try:
        with migrating.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:  # raising rolls the whole upgrade back
                raise SchemaMismatch(
                    f"the upgrade would leave {len(broken)} rows pointing at "
                    f"nothing (first: {tuple(broken[0])}); nothing was changed"
                )
    finally:
        migrating.dispose()


def _sqlite_migration_engine(url) -> Engine:
    """An engine for migrating SQLite: batch mode copies a table and drops the old one, which
    fails with foreign keys on once other tables' rows point at it (letters, entries...); and
    pysqlite runs DDL outside any transaction, so a failure would leave half a migration behind.
    Here keys are off while the tables are copied (and checked before commit), and everything
    runs in one explicit transaction: an upgrade is all or nothing."""
    migrating = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(migrating, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the BEGIN below is ours, DDL included
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(migrating, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migrating


def ensure_ready(engine: Engine) -> bool:
    """A database with no tables at all is created at the newest schema (first use; True);
    any other database must already be current (ensure_current)."""
    if current_revision(engine) is None and not inspect(engine).get_table_names():
        upgrade(engine)
        return True
    ensure_current(engine)
    return False


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code expects."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        if inspect(engine).get_table_names():
            raise SchemaMismatch(
                f"database {where} holds tables but no Patroli schema version: run "
                "`patroli db upgrade` first, or point PATROLI_DATABASE_URL at another database"
            )
        raise SchemaMismatch(f"database {where} is empty: run `patroli db upgrade` first")
    if current in _known_revisions():
        raise SchemaMismatch(
            f"database {where} is at an older schema ({current}, expected {head}): "
            "run `patroli db upgrade`"
        )
    _refuse_newer(engine, current)


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def _refuse_newer(engine: Engine, current: str) -> None:
    where = engine.url.render_as_string(hide_password=True)
    raise SchemaMismatch(
        f"database {where} was made by a newer Patroli (schema {current}): "
        "upgrade Patroli or point PATROLI_DATABASE_URL at another database"
    )
