"""Migration 0013 on a casebook with letters already answered: letters gain `actor_id` with
every row and every row pointing at them kept (SQLite copies the table to add the key), and a
failed upgrade leaves nothing half done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

from casebook import schema
from casebook.db import make_engine

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _at_0012_with_an_answered_letter(config):
    engine = make_engine(config.database_url)
    alembic = schema.alembic_config(config.database_url)
    schema.upgrade(engine)  # and back: the PostgreSQL test database comes migrated
    with engine.begin() as connection:
        alembic.attributes["connection"] = connection
        command.downgrade(alembic, "0012")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO letters (id, kind, recipient, number, year, seq, classification, "
            "status, link_count, files, created_by, created_at) VALUES (7, 'tembusan', "
            "'dit_was', 'B-7/2026', 2026, 7, 'biasa', 'sent', 0, '{}', 'ani', :at)"
        ), {"at": T0})  # fmt: skip
        connection.execute(text(
            "INSERT INTO letter_responses (id, letter_id, outcome, note, received_on, "
            "recorded_by, recorded_at) VALUES (3, 7, 'done', 'ok', '2026-11-03', 'ani', :at)"
        ), {"at": T0})  # fmt: skip
    return engine


def test_letters_answered_before_are_carried_over(config):
    engine = _at_0012_with_an_answered_letter(config)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    assert "actor_id" in {c["name"] for c in inspect(engine).get_columns("letters")}
    with engine.connect() as connection:
        letter = connection.execute(text("SELECT number, actor_id FROM letters")).one()
        response = connection.execute(text("SELECT letter_id FROM letter_responses")).one()
    assert tuple(letter) == ("B-7/2026", None) and tuple(response) == (7,)
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's DDL was always transactional
def test_a_failed_upgrade_leaves_the_casebook_as_it_was(config):
    engine = _at_0012_with_an_answered_letter(config)
    with engine.begin() as connection:  # a dangling row: the check before commit refuses it
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(text(
            "INSERT INTO letter_responses (id, letter_id, outcome, note, received_on, "
            "recorded_by, recorded_at) VALUES (4, 99, 'done', '', '2026-11-03', 'ani', :at)"
        ), {"at": T0})  # fmt: skip
    engine.dispose()
    engine = make_engine(config.database_url)
    with pytest.raises(schema.SchemaMismatch, match="pointing at nothing"):
        schema.upgrade(engine)
    assert schema.current_revision(engine) == "0012"
    assert "actors" not in inspect(engine).get_table_names()  # no table of 0013 left behind
    engine.dispose()
