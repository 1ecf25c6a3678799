from __future__ import annotations

import pytest
from sqlalchemy import text

from casebook import schema
from casebook.db import make_engine


def test_upgrade_creates_the_current_schema(engine):
    assert schema.current_revision(engine) == schema.head_revision()
    schema.ensure_current(engine)


def test_upgrade_twice_is_harmless(engine):
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()


def test_empty_database_is_refused_with_the_command_to_run(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(schema.SchemaMismatch, match="patroli db upgrade"):
        schema.ensure_current(engine)


def test_database_from_a_newer_version_is_refused(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(schema.SchemaMismatch, match="newer Patroli"):
        schema.ensure_current(engine)


def test_upgrade_refuses_a_database_from_a_newer_version(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(schema.SchemaMismatch, match="newer Patroli"):
        schema.upgrade(engine)


def test_migrations_build_exactly_the_models(engine):
    # A column added to a model without a migration (or the reverse) shows up here.
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from casebook.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": schema.include_name}
        )
        assert compare_metadata(context, Base.metadata) == []
