"""Migration 0006 on a casebook with history: events numbered in chain order, the head
anchored, old roles mapped, existing plans kept running."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import select, text

from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import AuditEvent, User
from casebook.services import audit, plans


def test_an_older_casebook_is_carried_over(config):
    engine = make_engine(config.database_url)
    alembic = schema.alembic_config(config.database_url)
    schema.upgrade(engine)  # and back: the PostgreSQL test database comes migrated
    with engine.begin() as connection:
        alembic.attributes["connection"] = connection
        command.downgrade(alembic, "0005")
    t0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
    prev = audit.GENESIS
    with engine.begin() as connection:
        # ids with a hole, as a rolled-back insert leaves on PostgreSQL
        for n, row_id in enumerate((1, 2, 5)):
            event = AuditEvent(
                at=t0 + timedelta(minutes=n),
                actor="ani",
                action="plan.save",
                target=f"plan:{n}",
                before=None,
                after={"n": n},
                prev_hash=prev,
            )
            prev = audit.event_hash(event)
            connection.execute(
                text("INSERT INTO audit_events (id, at, actor, action, target, after, prev_hash,"
                     " hash) VALUES (:id, :at, 'ani', 'plan.save', :target, :after, :prev, :hash)"),
                {"id": row_id, "at": event.at, "target": event.target, "after": f'{{"n": {n}}}',
                 "prev": event.prev_hash, "hash": prev},
            )  # fmt: skip
        if engine.dialect.name == "postgresql":  # ids given by hand: move the sequence on
            connection.execute(text("SELECT setval('audit_events_id_seq', 5)"))
        user = (
            "INSERT INTO users (id, username, full_name, unit, password_hash, role, active, "
            "created_at) VALUES (1, 'kasi', '', '', 'x', 'supervisor', :yes, :at)"
        )
        connection.execute(text(user), {"at": t0, "yes": True})
        plan = (
            "INSERT INTO patrol_plans (id, name, unit, categories, keywords, targets, "
            "schedule, created_by, created_at) "
            "VALUES (1, 'lama', '', '[]', '[\"obat\"]', '[]', '', 'ani', :at)"
        )
        connection.execute(text(plan), {"at": t0})
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        assert audit.verify(session) == []
        assert session.scalars(select(AuditEvent.seq).order_by(AuditEvent.id)).all() == [1, 2, 3]
        assert audit.recorded_head(session) == audit.Head(3, prev)
        assert session.get(User, 1).role == "reviewer"
        plan = plans.get_plan(session, 1)
        assert (plan.status, plan.classification, plan.risk_basis) == ("active", "biasa", "")
    with sessions() as session, session.begin():
        audit.record(session, "ani", "plan.save", "plan:9")
    with sessions() as session:
        assert audit.verify(session) == []
        assert audit.chain_end(session).seq == 4
    engine.dispose()
