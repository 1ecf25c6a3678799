"""`patroli rules check|eval` on real files: JSONL out, bad input reported by line, nothing lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from patroli.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "rules"

LISTINGS = [
    {"id": "L1", "title": "Bumi Lestari Jamu Linu Tulang", "description": "POM TR301234568"},
    {"id": "L2", "title": "Kencana Herbal Kapsul Sendi", "description": "BPOM TR 302 222 333"},
    {"id": "L3", "title": "Citra Rasa Food Keripik Tempe", "seller": {"phone": "0812-1"}},
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    shutil.copy(FIXTURES / "registry.csv", tmp_path / "registry.csv")
    shutil.copy(FIXTURES / "warnings.csv", tmp_path / "warnings.csv")
    listings = tmp_path / "listings.jsonl"
    lines = [json.dumps(LISTINGS[0]), "{not json", json.dumps(LISTINGS[1]), "", "[1, 2]"]
    listings.write_text("\n".join([*lines, json.dumps(LISTINGS[2])]) + "\n", encoding="utf-8")
    return {p.stem: p for p in tmp_path.iterdir()}


def run(*args: str):
    return CliRunner().invoke(main, ["rules", *args], catch_exceptions=False)


def test_check_writes_one_json_line_per_listing_and_reports_broken_lines(files):
    result = run("check", "--registry", str(files["registry"]), "--warnings",
                 str(files["warnings"]), str(files["listings"]))  # fmt: skip
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in out] == ["L1", "L2", "L3"]
    assert out[0]["nies"] == ["TR301234568"]
    [violation] = out[0]["violations"]
    assert (violation["type"], violation["rule"]) == ("expired_nie", "NIE-EXPIRED")
    assert violation["evidence"]["text"] == "TR301234568" and violation["score"] == 1.0
    assert [v["type"] for v in out[1]["violations"]] == ["unregistered_nie"]
    assert out[2]["violations"] == []
    assert f"{files['listings']}:2: not valid JSON" in result.stderr
    assert f"{files['listings']}:5: not a JSON object" in result.stderr


def test_bad_registry_rows_are_named_and_the_good_rows_kept(files):
    registry = files["registry"]
    with registry.open("a", encoding="utf-8") as out:
        out.write("TR1234,Rusak,Rusak,obat_tradisional,,,,,valid\n")
        out.write("TR312345678,Jamu Baru,Baru,obat_tradisional,,,2024-02-30,,valid\n")
    result = run("check", "--registry", str(registry), str(files["listings"]))
    assert result.exit_code == 0
    assert f"{registry}:15: nie 'TR1234' is not a well-formed NIE" in result.stderr
    assert f"{registry}:16: issued_on '2024-02-30' is not a YYYY-MM-DD date" in result.stderr
    first = json.loads(result.stdout.splitlines()[0])
    assert [v["type"] for v in first["violations"]] == ["expired_nie"]  # earlier rows kept


def test_today_flags_a_licence_past_its_expiry_date(tmp_path, files):
    listing = tmp_path / "one.jsonl"
    listing.write_text(json.dumps({"id": "x", "title": "Nusa Prima Vita Omega 3 Fish Oil",
                                   "description": "BPOM SI301234568"}) + "\n")  # fmt: skip
    args = ("check", "--registry", str(files["registry"]))
    assert json.loads(run(*args, str(listing)).stdout)["violations"] == []
    late = json.loads(run(*args, "--today", "2025-06-01", str(listing)).stdout)
    assert [v["rule"] for v in late["violations"]] == ["NIE-LAPSED"]


def test_eval_prints_the_table_and_exits_zero():
    dev = FIXTURES / "dev"
    result = run("eval", "--registry", str(dev / "registry.csv"), "--warnings",
                 str(dev / "warnings.csv"), str(dev / "listings.jsonl"))  # fmt: skip
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line}
    assert rows["no_nie"][1] == "9"  # support
    overall = next(line for line in result.stdout.splitlines() if line.startswith("overall"))
    precision, recall = (float(v) for v in overall.split()[-3:-1])
    assert precision >= 0.97 and recall >= 0.95


def test_eval_skips_lines_without_labels(tmp_path, files):
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(json.dumps({**LISTINGS[1], "expected": ["unregistered_nie"]}) + "\n"
                        + json.dumps(LISTINGS[0]) + "\n")  # fmt: skip
    result = run("eval", "--registry", str(files["registry"]), str(labelled))
    assert result.exit_code == 0
    assert f'{labelled}:2: no "expected" list' in result.stderr
    assert "listings: 1, exactly right: 1" in result.stdout
