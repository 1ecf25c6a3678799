"""`patroli actors link|eval` as a real subprocess over JSONL files (DESIGN §3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEV = Path(__file__).parents[1] / "fixtures" / "profiling" / "dev" / "accounts.jsonl"


def patroli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "patroli", "actors", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "accounts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def account(id: str, text: str, **fields) -> str:
    return json.dumps({"id": id, "platform": "shopee", "shop_name": "", "shop_url": "",
                       "text": text, **fields})  # fmt: skip


def test_link_writes_one_line_per_account_with_actor_and_links(tmp_path):
    path = write(tmp_path, [
        account("s2", "WA 0812-3456-7001"),
        account("s1", "hub +62 812 3456 7001 | Email: toko@mail.id"),
        account("s3", "toko [at] mail [dot] id"),
        account("s4", "Kurir JNE: 0812-3456-7001"),
        account("s5", "BCA 1234567890"),
    ])  # fmt: skip
    result = patroli("link", str(path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["actor"]) for x in lines] == [
        ("s2", "s1"), ("s1", "s1"), ("s3", "s1"), ("s4", "s4"), ("s5", "s5"),
    ]  # fmt: skip
    assert lines[0]["links"] == [
        {"kind": "phone", "value": "+6281234567001", "accounts": ["s1", "s2"]}
    ]
    assert lines[3]["links"] == [] and lines[4]["links"] == []


BAD_LINES = [  # (line, the message naming it)
    ("{broken", "accounts.jsonl:2: not valid JSON"),
    ('["a list"]', "accounts.jsonl:3: not a JSON object"),
    ('{"platform": "shopee", "text": "x"}', 'accounts.jsonl:4: no "id"'),
    (account("s1", "again"), "accounts.jsonl:5: duplicate id 's1' (first on line 1)"),
    ('{"id": "s9", "text": 12}', 'accounts.jsonl:6: "text" is not a string'),
]


def test_each_bad_line_is_named_and_the_good_lines_are_kept(tmp_path):
    path = write(tmp_path, [account("s1", "WA 0812-3456-7001"), *(line for line, _ in BAD_LINES),
                            account("s2", "wa.me/6281234567001")])  # fmt: skip
    result = patroli("link", str(path))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == len(BAD_LINES)
    for error, (_, message) in zip(errors, BAD_LINES, strict=True):
        assert message in error and error.endswith("; skipped")
    assert [json.loads(line)["actor"] for line in result.stdout.splitlines()] == ["s1", "s1"]


def test_stoplist_file_and_suggestions(tmp_path):
    path = write(tmp_path, [
        account("s1", "WA 0812-3456-7001", shop_name="Cendana Alami Store"),
        account("s2", "WA 0812-3456-7001", shop_name="Cendana Alami Official"),
    ])  # fmt: skip
    stops = tmp_path / "stops.tsv"
    stops.write_text("# courier\nphone\t+6281234567001\n", encoding="utf-8")
    result = patroli("link", "--stoplist", str(stops), "--suggestions", str(path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x.get("actor") for x in lines[:2]] == ["s1", "s2"]
    assert lines[2]["suggestion"] == ["s1", "s2"]
    assert "similar shop names" in lines[2]["reasons"][0]


def test_a_bad_stoplist_line_is_named(tmp_path):
    path = write(tmp_path, [account("s1", "x")])
    stops = tmp_path / "stops.tsv"
    stops.write_text("phone only\n", encoding="utf-8")
    result = patroli("link", "--stoplist", str(stops), str(path))
    assert result.returncode != 0 and "stops.tsv:1:" in result.stderr and result.stdout == ""


def test_eval_prints_pairwise_scores_and_false_links(tmp_path):
    result = patroli("eval", str(DEV))
    assert result.returncode == 0, result.stderr
    assert "precision 1.000  recall 1.000" in result.stdout
    path = write(tmp_path, [
        account("s1", "WA 0812-3456-7001", actor_truth="A"),
        account("s2", "wa.me/6281234567001", actor_truth="B"),
        account("s3", "BCA 1234567890", actor_truth="A"),
    ])  # fmt: skip
    result = patroli("eval", str(path))
    assert "precision 0.000  recall 0.000" in result.stdout
    assert "false link s1 (A) - s2 (B): phone +6281234567001" in result.stdout
    assert "missed s1 - s3 (A)" in result.stdout


def test_eval_names_the_hubs_it_kept_out(tmp_path):
    """A customer-service number written bare on five strangers' shops is kept out as a hub,
    with its reason; the shops stay apart."""
    cities = ("Medan", "Bandung", "Makassar", "Padang", "Kupang")
    path = write(tmp_path, [
        account(f"s{n}", f"WA 0813-000{n}-4321 | 0811-2200-3300 | Kirim dari {city}",
                shop_name=f"Toko {name}", actor_truth=f"A{n}")
        for n, (city, name) in enumerate(zip(cities, ("Melati", "Surya", "Bintang", "Kenanga",
                                                      "Permata"), strict=True))
    ])  # fmt: skip
    result = patroli("eval", str(path))
    assert result.returncode == 0, result.stderr
    assert "precision 1.000  recall 1.000" in result.stdout
    assert "kept out as a hub: phone +6281122003300 (5 accounts): 5 accounts in 5 unrelated" in (
        result.stdout
    )
