"""The admin's commands as a subprocess on a fresh casebook: users and tokens, a patrol plan,
holiday overrides and due dates, and an audit trail that verifies until someone tampers."""

from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture(scope="module")
def patroli(tmp_path_factory, new_casebook):
    return new_casebook(tmp_path_factory.mktemp("admin"))


def _database(patroli) -> sqlite3.Connection:
    return sqlite3.connect(patroli.data_dir / "patroli.db")


def test_an_admin_day(patroli):
    patroli.run("users", "add", "sari", "--role", "upt_officer", "--unit",
                "Balai Besar POM di Surabaya", "--password", "kata-sandi-uji")  # fmt: skip
    issued = patroli.run("users", "token", "sari", "--name", "skrip harian")
    token = issued.stdout.strip()
    assert token.startswith("ptl_")
    assert token not in patroli.run("users", "tokens", "sari").stdout
    with _database(patroli) as db:
        assert token not in repr(db.execute("SELECT * FROM api_tokens").fetchall())

    saved = patroli.run("plans", "add", "Patroli jamu BKO Jawa Timur", "--keyword", "jamu kuat",
                        "--keyword", "sildenafil", "--category", "obat_tradisional",
                        "--target", "marketplace:pasarku", "--unit", "Balai Besar POM di Surabaya",
                        "--schedule", "30 1 * * 1", "--risk-basis", "temuan BKO 2026",
                        "--classification", "terbatas", "--start", "2027-03-01",
                        "--end", "2027-03-31")  # fmt: skip
    plan_id = saved.stdout.split()[1]
    patroli.run("plans", "approve", plan_id, "--actor", "kabalai")
    shown = json.loads(patroli.run("plans", "show", plan_id).stdout)
    assert (shown["status"], shown["unit"]) == ("approved", "Balai Besar POM di Surabaya")
    assert shown["schedule"] == "30 1 * * 1"

    due = ("sla", "due", "--start", "2027-03-05", "--days", "1")
    assert patroli.run(*due).stdout == "2027-03-16\n"
    patroli.run("sla", "holidays", "add", "2027-03-16", "--off", "--name", "Cuti bersama (SKB)")
    assert patroli.run(*due).stdout == "2027-03-17\n"

    verified = patroli.run("audit", "verify")
    assert verified.stdout.startswith("audit trail intact: ")
    assert (patroli.data_dir / "audit-head").exists()


@pytest.mark.parametrize(
    "tamper, named",
    [
        # events 1 and 2 are the casebook's registry and warnings imports
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 4",
         "audit event 4 (token.create token:1 by mallory"),
        ("DELETE FROM audit_events WHERE seq = 5", "audit event 5: missing: this event is deleted"),
        ("INSERT INTO audit_events (seq, at, actor, action, target, prev_hash, hash) SELECT "
         "MAX(seq) + 1, '2027-01-01 00:00:00', 'mallory', 'plan.save', 'plan:1', 'f', 'f' "
         "FROM audit_events", "inserted"),
    ],
)  # fmt: skip
def test_tampering_is_named_by_audit_verify(tmp_path, new_casebook, tamper, named):
    patroli = new_casebook(tmp_path / "casebook")
    patroli.run("users", "add", "ani", "--role", "analyst", "--password", "kata-sandi-uji")
    patroli.run("users", "token", "ani")
    patroli.run("sla", "holidays", "add", "2027-03-16", "--off")
    patroli.run("audit", "verify")
    with _database(patroli) as db:
        db.execute(tamper)
    result = patroli.run("audit", "verify", check=False)
    assert result.returncode == 1
    assert named in result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith("Error: audit trail broken: ")
