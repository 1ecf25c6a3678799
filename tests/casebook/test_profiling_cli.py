"""`patroli actors relink|suggestions|confirm|reject|merge|split|stoplist` on a real casebook:
what each prints, and a domain error as one line with exit status 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casebook.models import ActorAccount, AuditEvent
from casebook.services import listings
from casebook.services.listings import SellerRecord
from patroli.cli import main

SHOPS = [
    ("pasarku", "Cendana Alami", (("phone", "+6281211112222"),)),
    ("ceritaku", "Cendana Alami 2", (("phone", "+6281211112222"),)),
    ("pasarku", "Kencana Obat Murah", (("phone", "+6281233334444"),)),
    ("tokosehat", "Kencana Obat Murah 88", (("email", "kencana@mail.test"),)),
]


@pytest.fixture
def patroli(config, engine, sessions):
    with sessions() as session, session.begin():
        listings.record_sellers(session, [
            SellerRecord(platform, name, f"https://{platform}.test/{name.replace(' ', '')}", "",
                         ids)
            for platform, name, ids in SHOPS
        ])  # fmt: skip
    env = {"PATROLI_DATA_DIR": str(config.data_dir), "PATROLI_DATABASE_URL": config.database_url}

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(main, ["actors", *args], env=env)
        assert result.exit_code == code, result.output
        return result.output

    return run


def actors(sessions) -> dict[int, int]:
    with sessions() as session:
        return dict(session.execute(select(ActorAccount.seller_id, ActorAccount.actor_id)).all())


def test_the_casebook_commands_end_to_end(patroli, sessions):
    assert patroli("relink").startswith("4 accounts (all) in 3 actors: 3 new")
    lines = [json.loads(line) for line in patroli("suggestions").splitlines()]
    [suggestion] = [x for x in lines if {x["a"]["seller_id"], x["b"]["seller_id"]} == {3, 4}]
    assert suggestion["status"] == "pending" and suggestion["reasons"]
    assert f"suggestion {suggestion['id']} confirmed" in patroli("confirm", str(suggestion["id"]))
    assert "already confirmed" in patroli("reject", str(suggestion["id"]), code=1)
    linked = actors(sessions)
    assert linked[3] == linked[4] != linked[1] == linked[2]
    assert "split off actor" in patroli("split", str(linked[3]), "4", "--reason", "two")
    assert actors(sessions)[4] not in (linked[3], linked[1])
    merged = patroli("merge", str(linked[1]), str(linked[3]))
    assert merged == f"actor {linked[1]}: 3 accounts (1, 2, 3)\n"
    assert len(set(actors(sessions).values()) - {actors(sessions)[4]}) == 1
    assert "stop 1: phone +6281211112222" in patroli(
        "stoplist", "add", "phone", "0812 1111 2222", "--reason", "template"
    )
    [stop] = [json.loads(x) for x in patroli("stoplist", "list").splitlines()]
    assert (stop["value"], stop["reason"], stop["added_by"]) == (
        "+6281211112222",
        "template",
        "cli",
    )
    assert "removed stop 1" in patroli("stoplist", "remove", "1")
    assert patroli("stoplist", "list") == ""
    assert patroli("relink").startswith("4 accounts (all) in 2 actors")
    with sessions() as session:
        done = set(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "cli")))
    assert {"actors.relink", "suggestion.confirm", "actor.split", "actor.merge", "stoplist.add",
            "stoplist.remove"} <= done  # fmt: skip


@pytest.mark.parametrize(
    "args, message",
    [
        (["confirm", "999"], "no suggestion 999"),
        (["merge", "999", "1"], "no actor 999"),
        (["split", "1", "999"], "not accounts of actor 1"),
        (["stoplist", "add", "phone", "12", "--reason", "r"], "not an Indonesian mobile number"),
        (["stoplist", "remove", "7"], "no stoplist entry 7"),
    ],
)
def test_a_bad_decision_is_one_line_and_exit_1(patroli, args, message):
    patroli("relink")
    output = patroli(*args, code=1)
    assert message in output and len(output.strip().splitlines()) == 1
