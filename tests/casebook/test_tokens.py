"""API tokens: shown once, stored as a hash, revocable, acting as their user; and the roles."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from casebook.models import ROLES, ApiToken, AuditEvent, User
from casebook.services import audit, users
from patroli.cli import main

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def analyst(sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "ani", "kata-sandi-1", "analyst", actor="admin",
                          unit="Direktorat Siber Obat dan Makanan")  # fmt: skip
        users.create_user(session, "budi", "kata-sandi-2", "upt_officer", actor="admin",
                          unit="Balai Besar POM di Surabaya")  # fmt: skip
    return "ani"


def test_a_token_stands_for_its_user_and_only_its_hash_is_kept(sessions, analyst):
    with sessions() as session, session.begin():
        record, token = users.create_token(session, "ani", name="sistem registrasi",
                                           actor="admin", now=T0)  # fmt: skip
    assert token.startswith(users.TOKEN_PREFIX) and len(token) >= 40
    with sessions() as session, session.begin():
        user = users.authenticate_token(session, token, now=T0)
        assert (user.username, user.role, user.unit) == (
            "ani", "analyst", "Direktorat Siber Obat dan Makanan")  # fmt: skip
    with sessions() as session:
        stored = session.get(ApiToken, record.id)
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert stored.last_used_at == T0
        # The token is nowhere in the database: not in its row, not in the audit trail.
        rows = session.execute(text("SELECT * FROM api_tokens")).all()
        events = session.scalars(select(AuditEvent)).all()
        assert token not in repr(rows) + repr([(e.before, e.after, e.target) for e in events])
        assert [e.action for e in events][-1] == "token.create"


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "ptl_",
        "ptl_" + "A" * 43,  # well-formed, never issued
        "Bearer ptl_x",
        "x" * 10_000,
    ],
)
def test_anything_but_a_live_token_is_refused(sessions, analyst, presented):
    with sessions() as session, session.begin():
        users.create_token(session, "ani", actor="admin")
        assert users.authenticate_token(session, presented) is None


def test_a_revoked_token_or_a_deactivated_user_is_refused(sessions, analyst):
    with sessions() as session, session.begin():
        first, token_1 = users.create_token(session, "ani", name="satu", actor="admin")
        _, token_2 = users.create_token(session, "budi", name="dua", actor="admin")
        users.revoke_token(session, first.id, actor="admin", now=T0)
        users.revoke_token(session, first.id, actor="admin")  # again: no-op
        assert users.authenticate_token(session, token_1) is None
        assert users.authenticate_token(session, token_2).username == "budi"
        session.scalar(select(User).where(User.username == "budi")).active = False
        assert users.authenticate_token(session, token_2) is None
        with pytest.raises(users.UnknownUser, match="user 'budi' is deactivated"):
            users.create_token(session, "budi", actor="admin")
        with pytest.raises(users.UnknownUser, match="no user 'cici'"):
            users.create_token(session, "cici", actor="admin")
        with pytest.raises(users.UnknownToken, match="no API token 99"):
            users.revoke_token(session, 99, actor="admin")
        assert [t.name for t in users.list_tokens(session, "ani")] == ["satu"]
        assert session.get(ApiToken, first.id).revoked_at == T0
    with sessions() as session:
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.startswith("token.")).order_by(AuditEvent.seq)).all()  # fmt: skip
        assert actions == ["token.create", "token.create", "token.revoke"]
        assert audit.verify(session) == []


def test_the_roles_run_from_least_to_most_privileged(sessions):
    assert ROLES == ("viewer", "reviewer", "upt_officer", "analyst", "admin")
    with sessions() as session, session.begin():
        officer = users.create_user(session, "upt", "x", "upt_officer", actor="admin")
        reviewer = users.create_user(session, "was", "x", "reviewer", actor="admin")
        with pytest.raises(users.UnknownRole, match="unknown role 'supervisor'"):
            users.create_user(session, "old", "x", "supervisor", actor="admin")
    assert officer.may("reviewer") and not officer.may("analyst")
    assert reviewer.may("viewer") and not reviewer.may("upt_officer")


def _cli(config, *args):
    env = {"PATROLI_DATA_DIR": str(config.data_dir), "PATROLI_DATABASE_URL": config.database_url}
    return CliRunner().invoke(main, ["users", *args], env=env)


def test_the_token_commands(config, sessions):
    made = _cli(config, "add", "sari", "--role", "reviewer", "--unit", "Dit. Was",
                "--password", "kata-sandi-3")  # fmt: skip
    assert made.exit_code == 0, made.output
    issued = _cli(config, "token", "sari", "--name", "kanal aduan")
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert token.startswith("ptl_") and "\n" not in token
    assert "copy it now, it is not shown again" in issued.stderr
    with sessions() as session:
        assert users.authenticate_token(session, token).role == "reviewer"
    (listed,) = [json.loads(line) for line in _cli(config, "tokens", "sari").stdout.splitlines()]
    assert (listed["id"], listed["name"], listed["revoked_at"]) == (1, "kanal aduan", None)
    assert token not in _cli(config, "tokens", "sari").output
    assert _cli(config, "revoke-token", "1").output == "token 1 revoked\n"
    assert json.loads(_cli(config, "tokens", "sari").stdout)["revoked_at"] is not None
    with sessions() as session:
        assert users.authenticate_token(session, token) is None
    for args, message in [(["token", "nobody"], "Error: no user 'nobody'"),
                          (["tokens", "nobody"], "Error: no user 'nobody'"),
                          (["revoke-token", "7"], "Error: no API token 7")]:  # fmt: skip
        failed = _cli(config, *args)
        assert failed.exit_code == 1
        assert failed.output.strip().splitlines()[-1] == message
