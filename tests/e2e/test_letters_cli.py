"""`patroli letters` as a real subprocess on a casebook in a temporary data dir: make (twice),
show, sent (twice), response, list; bad input is one line and a non-zero exit."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casebook.letters.gather import local_date
from casebook.sla import WorkingCalendar

_spec = importlib.util.spec_from_file_location(
    "letters_world", Path(__file__).parents[1] / "casebook" / "test_letters.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")


def lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def refused(patroli, *args: str, env: dict[str, str] | None = None) -> str:
    runner = dataclasses.replace(patroli, env={**patroli.env, **(env or {})})
    result = runner.run(*args, check=False)
    assert result.returncode != 0, result.stdout
    return result.stderr.strip()


def test_letters_from_the_command_line(new_casebook, tmp_path):
    patroli = new_casebook(tmp_path / "var")
    list_id = world.build_list(patroli.sessions(), patroli.data_dir, world.MIXED)

    made = lines(patroli.run("letters", "make", str(list_id), "--kind", "rekomendasi_takedown"))
    assert [(x["recipient"], x["link_count"], x["status"]) for x in made] == [
        ("idea", 2, "draft"),
        ("komdigi", 1, "draft"),
    ]
    for letter in made:
        assert set(letter["files"]) == {"docx", "pdf", "xlsx", "screenshots", "wacz"}
        assert all((patroli.data_dir / path).is_file() for path in letter["files"].values())
    again = lines(patroli.run("letters", "make", str(list_id), "--kind", "rekomendasi_takedown"))
    assert again == made  # the same letters, the same numbers

    today = local_date(datetime.now(UTC))
    idea = made[0]["id"]
    sent = lines(patroli.run("letters", "sent", str(idea), "--on", today.isoformat()))[0]
    assert (sent["status"], sent["due"]) == ("sent", WorkingCalendar().add(today, 20).isoformat())
    later = (today + timedelta(days=2)).isoformat()
    assert refused(patroli, "letters", "sent", str(idea), "--on", later) == (
        f"Error: letter {idea} ({made[0]['number']}) was already sent on {today.isoformat()}"
    )

    link_ids = _link_ids(patroli, idea)
    answer = ("--outcome", "partial", "--links", str(link_ids[0]), "--note", "satu turun")
    answered = lines(patroli.run("letters", "response", str(idea), *answer))[0]
    assert [(r["link_id"], r["outcome"], r["note"]) for r in answered["responses"]] == [
        (link_ids[0], "partial", "satu turun")
    ]
    shown = lines(patroli.run("letters", "show", str(idea)))[0]
    assert shown["responses"] == answered["responses"]
    listed = lines(patroli.run("letters", "list", "--list", str(list_id)))
    assert [x["id"] for x in listed] == [x["id"] for x in made]


@pytest.fixture(scope="module")
def refusing(new_casebook, tmp_path_factory):
    """One casebook for the refusals: none of them may leave a letter behind."""
    patroli = new_casebook(tmp_path_factory.mktemp("letters") / "var")
    return patroli, world.build_list(patroli.sessions(), patroli.data_dir, world.MIXED[:1])


NO_SOFFICE = {"PATROLI_SOFFICE": "/nowhere/soffice"}


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["letters", "make", "{list}", "--kind", "rekomendasi_pelaku", "--recipient", "idea"],
         None, "Error: a letter rekomendasi_pelaku goes to dit_was, dit_intelijen, upt, "
         "not 'idea'"),
        (["letters", "make", "{list}", "--kind", "tembusan"], NO_SOFFICE,
         "Error: LibreOffice not found: install it (Debian: apt-get install "
         "libreoffice-writer-nogui) or set PATROLI_SOFFICE to its soffice executable"),
        (["letters", "make", "4242", "--kind", "tembusan"], None, "Error: no takedown list 4242"),
        (["letters", "show", "99"], None, "Error: no letter 99"),
        (["letters", "response", "99", "--outcome", "done"], None, "Error: no letter 99"),
        (["letters", "sent", "99", "--on", "2026-13-01"], None, "not a date (YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_leaves_nothing(refusing, args, env, message):
    patroli, list_id = refusing
    said = refused(patroli, *[a.replace("{list}", str(list_id)) for a in args], env=env)
    assert message in said.splitlines()[-1]
    if said.startswith("Error:"):
        assert said == message  # a domain error: exactly one line
    assert lines(patroli.run("letters", "list")) == []


def _link_ids(patroli, letter_id: int) -> list[int]:
    from casebook.models import Letter
    from casebook.services.letters import letter_link_ids

    with patroli.sessions()() as session:
        return letter_link_ids(session.get(Letter, letter_id))
