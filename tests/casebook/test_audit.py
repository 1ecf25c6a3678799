from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select, text

from casebook.models import AuditEvent
from casebook.services import audit
from patroli.cli import main

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _three_events(sessions):
    with sessions() as session, session.begin():
        audit.record(session, "ani", "register.decide", "entry:1", {"d": None}, {"d": "takedown"})
        audit.record(session, "budi", "takedown_list.add", "list:1", None, {"entries": [1]})
        audit.record(session, "ani", "letter.issue", "letter:1", None, {"number": "B-1"})


def _forged(session, seq: int, prev_hash: str, target: str = "entry:9") -> dict:
    """An event as someone with database access would write it: a correct hash and all."""
    row = {"seq": seq, "at": T0, "actor": "mallory", "action": "register.decide",
           "target": target, "before": None, "after": {"d": "dismissed"},
           "prev_hash": prev_hash}  # fmt: skip
    row["hash"] = audit.event_hash(AuditEvent(**row))
    return row


def _insert(session, row: dict) -> None:
    session.execute(
        text("INSERT INTO audit_events (seq, at, actor, action, target, before, after, "
             "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :target, NULL, :after, "
             ":prev_hash, :hash)"),
        {**row, "after": json.dumps(row["after"])},
    )  # fmt: skip


def _hash_of(session, seq: int) -> str:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


def _edit(session):
    session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))


def _edit_and_rehash(session):
    # Rehashing the edited event moves the break to the event after it.
    event = session.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
    event.actor = "mallory"
    event.hash = audit.event_hash(event)


def _delete_middle(session):
    session.execute(text("DELETE FROM audit_events WHERE seq = 2"))


def _delete_last(session):
    session.execute(text("DELETE FROM audit_events WHERE seq = 3"))


def _delete_last_two(session):
    session.execute(text("DELETE FROM audit_events WHERE seq >= 2"))


def _insert_at_end(session):
    _insert(session, _forged(session, 4, _hash_of(session, 3)))


def _insert_two_at_end(session):
    _insert_at_end(session)
    _insert(session, _forged(session, 5, _hash_of(session, 4), target="entry:10"))


def _insert_in_the_middle(session):
    # Make room after event 1 and slip an event in (its prev_hash cannot be event 1's hash:
    # that is taken, and unique, by the event it would push aside).
    session.execute(text("UPDATE audit_events SET seq = seq + 100 WHERE seq >= 2"))
    session.execute(text("UPDATE audit_events SET seq = seq - 99 WHERE seq >= 100"))
    _insert(session, _forged(session, 2, "f" * 64))


def _insert_out_of_sequence(session):
    _insert(session, _forged(session, 0, "e" * 64))


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (_edit, [(2, "edited")]),
        (_edit_and_rehash, [(3, "does not follow event 2")]),
        (_delete_middle, [(2, "missing: this event is deleted")]),
        (_delete_last, [(3, "missing: this event is deleted from the end")]),
        (_delete_last_two, [(2, "missing: events 2-3 are deleted from the end")]),
        (_insert_at_end, [(4, "past the chain's recorded head")]),
        (_insert_two_at_end, [(4, "events 4-5 are past the chain's recorded head")]),
        (_insert_in_the_middle, [(2, "inserted")]),
        (_insert_out_of_sequence, [(0, "out of sequence")]),
    ],
)
def test_tampering_is_found_and_named(sessions, tamper, expected):
    _three_events(sessions)
    with sessions() as session, session.begin():
        tamper(session)
    with sessions() as session:
        breaks = audit.verify(session)
    assert [b.seq for b in breaks] == [seq for seq, _ in expected]
    for (_, words), found in zip(expected, breaks, strict=True):
        assert words in found.reason


def test_an_untouched_chain_verifies(sessions):
    _three_events(sessions)
    with sessions() as session:
        assert audit.verify(session) == []
        assert audit.chain_end(session) == audit.recorded_head(session)
        assert audit.chain_end(session).seq == 3


def test_an_edited_event_is_named_with_what_it_says(sessions):
    _three_events(sessions)
    with sessions() as session, session.begin():
        _edit(session)
    with sessions() as session:
        (found,) = audit.verify(session)
    assert str(found).startswith("audit event 2 (takedown_list.add list:1 by mallory at ")


def test_a_batch_is_chained_with_single_events_and_reads_nothing_per_event(sessions, engine):
    selects = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    with sessions() as session, session.begin():
        audit.record(session, "ani", "plan.save", "plan:1", None, {"name": "x"})
        event.listen(engine, "before_cursor_execute", count)
        try:
            written = audit.record_many(session, "ani", [
                ("register.decide", f"register:{n}", None, {"decision": "takedown"})
                for n in range(1, 2501)
            ], now=T0 + timedelta(hours=7))  # fmt: skip
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert audit.record_many(session, "ani", []) == 0
        audit.record(session, "budi", "letter.sent", "letter:1", None, None)
    assert written == 2500
    assert selects == []
    with sessions() as session:
        assert audit.verify(session) == []
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, 2503))
        assert session.scalar(select(AuditEvent.target).where(AuditEvent.seq == 2502)) == "letter:1"


def test_a_rolled_back_append_leaves_no_gap(sessions):
    _three_events(sessions)
    with sessions() as session, session.begin():
        audit.record(session, "ani", "plan.save", "plan:1")
        session.rollback()
    with sessions() as session, session.begin():
        audit.record(session, "ani", "plan.save", "plan:2")
    with sessions() as session:
        assert audit.verify(session) == []
        assert audit.chain_end(session).seq == 4


def test_concurrent_writers_take_turns_at_the_tail(sessions):
    # Without the head lock two writers read the same tail and the second fails on the unique
    # prev_hash (or forks the chain).
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(name: str) -> None:
        try:
            start.wait()
            for n in range(15):
                with sessions() as session, session.begin():
                    if n % 5 == 4:
                        audit.record_many(session, name, [("bulk", f"{name}:{n}:{k}", None, None)
                                                          for k in range(3)])  # fmt: skip
                    else:
                        audit.record(session, name, "single", f"{name}:{n}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as session:
        assert audit.verify(session) == []
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 4 * (12 + 3 * 3)


def _verify_command(config, *args):
    env = {"PATROLI_DATA_DIR": str(config.data_dir), "PATROLI_DATABASE_URL": config.database_url}
    return CliRunner().invoke(main, ["audit", "verify", *args], env=env)


@pytest.mark.parametrize(
    "tamper, named",
    [
        (None, None),
        (_edit, "audit event 2 (takedown_list.add list:1 by mallory"),
        (_delete_middle, "audit event 2: missing"),
        (
            _insert_at_end,
            "audit event 4 (register.decide entry:9 by mallory at 2026-11-30T08:00:00Z): is past",
        ),
    ],
)
def test_the_verify_command_names_each_broken_event(config, sessions, tamper, named):
    _three_events(sessions)
    if tamper is not None:
        with sessions() as session, session.begin():
            tamper(session)
    result = _verify_command(config)
    if named is None:
        assert result.exit_code == 0, result.output
        assert "audit trail intact: 3 events" in result.output
    else:
        assert result.exit_code == 1
        assert named in result.output
        assert "audit trail broken: 1 problem(s)" in result.output


def test_a_trail_cut_back_with_its_head_is_caught_by_the_witness(config, sessions):
    _three_events(sessions)
    assert _verify_command(config).exit_code == 0  # the witness now holds event 3
    with sessions() as session, session.begin():
        # Someone who knows the head row: delete the last event and roll the head back.
        second = _hash_of(session, 2)
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        session.execute(text("UPDATE audit_head SET seq = 2, hash = :h"), {"h": second})
    with sessions() as session:
        assert audit.verify(session) == []  # the database alone cannot tell
    result = _verify_command(config)
    assert result.exit_code == 1
    assert "audit event 3: was the chain's head at the last verify" in result.output
    assert "is missing: cut back or rewritten" in result.output


def test_login_tries_are_audited_without_their_passwords(sessions):
    from casebook.services import logins, users

    rule = logins.Throttle(failures_per_name=2, failures_per_address=10)
    tries = [("analis", "tebakan-1", "198.51.100.7"), ("nobody", "tebakan-2", "198.51.100.7"),
             ("analis", "tebakan-3", "198.51.100.8"), ("analis", "rahasia-1", "198.51.100.9"),
             ("tamu", "rahasia-2", "2001:db8::1")]  # fmt: skip
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="admin")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="admin")
        for n, (name, password, address) in enumerate(tries):
            logins.log_in(session, name, password, address, throttle=rule,
                          now=T0 + timedelta(minutes=n))  # fmt: skip
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("auth.")).order_by(AuditEvent.id)
        ).all()
        assert audit.verify(session) == []
    seen = [(e.action, e.actor, e.target, e.after["username"], e.after["address"], e.at.minute)
            for e in events]  # fmt: skip
    assert seen == [
        ("auth.login_failed", "anonymous", "login:analis", "analis", "198.51.100.7", 0),
        ("auth.login_failed", "anonymous", "login:nobody", "nobody", "198.51.100.7", 1),
        ("auth.login_failed", "anonymous", "login:analis", "analis", "198.51.100.8", 2),
        # the right password, refused: two failures for the name already
        ("auth.login_refused", "anonymous", "login:analis", "analis", "198.51.100.9", 3),
        ("auth.login", "tamu", "user:2", "tamu", "2001:db8::1", 4),
    ]
    stored = " ".join(json.dumps([e.before, e.after, e.target, e.actor]) for e in events)
    assert not any(password in stored for _, password, _ in tries)
