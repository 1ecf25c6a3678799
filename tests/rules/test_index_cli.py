"""`patroli rules check|eval` keep a large registry's index in the data dir, keyed by the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synth import generate_listings, generate_registry, write_registry_csv
from patroli.cli import main

ROWS = 20_000  # the size from which an index is worth storing


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("world")
    rows = generate_registry(ROWS, seed=2)
    write_registry_csv(folder / "registry.csv", rows)
    with (folder / "registry.csv").open("a", encoding="utf-8") as out:
        out.write("NA1,Broken Row,Brand,kosmetik,,,,,valid\n")  # a bad NIE: named each run
    listings = generate_listings(30, rows, seed=2)
    (folder / "listings.jsonl").write_text("".join(json.dumps(x) + "\n" for x in listings))
    return {"registry": folder / "registry.csv", "listings": folder / "listings.jsonl"}


def run(data_dir: Path, *args: str):
    runner = CliRunner()
    return runner.invoke(main, ["rules", *args], env={"PATROLI_DATA_DIR": str(data_dir)},
                         catch_exceptions=False)  # fmt: skip


def check(data_dir: Path, registry: Path, listings: Path):
    return run(data_dir, "check", "--registry", str(registry), str(listings))


def test_a_second_run_reads_the_index_and_answers_the_same(world, tmp_path):
    first = check(tmp_path, world["registry"], world["listings"])
    [stored] = (tmp_path / "index").glob("registry-*.idx")
    made = stored.stat().st_mtime_ns
    second = check(tmp_path, world["registry"], world["listings"])
    assert first.exit_code == second.exit_code == 0
    assert second.stdout == first.stdout and len(second.stdout.splitlines()) == 30
    assert stored.stat().st_mtime_ns == made  # read, not written again
    bad_row = f"{world['registry']}:{ROWS + 2}: nie 'NA1' is not a well-formed NIE"
    assert bad_row in first.stderr and bad_row in second.stderr  # said on every run


def test_eval_reads_the_same_index(world, tmp_path):
    check(tmp_path, world["registry"], world["listings"])
    [stored] = (tmp_path / "index").glob("registry-*.idx")
    result = run(tmp_path, "eval", "--registry", str(world["registry"]), str(world["listings"]))
    assert result.exit_code == 0 and f"registry {ROWS} rows" in result.stdout
    assert list((tmp_path / "index").glob("registry-*.idx")) == [stored]


def test_a_changed_registry_file_is_indexed_anew(world, tmp_path):
    check(tmp_path, world["registry"], world["listings"])
    [before] = (tmp_path / "index").glob("registry-*.idx")
    changed = tmp_path / "changed.csv"
    changed.write_text(world["registry"].read_text().replace(",valid\n", ",expired\n", 1))
    result = check(tmp_path, changed, world["listings"])
    [after] = (tmp_path / "index").glob("registry-*.idx")
    assert result.exit_code == 0 and after != before


def test_a_damaged_index_is_reported_and_rebuilt(world, tmp_path):
    good = check(tmp_path, world["registry"], world["listings"])
    [stored] = (tmp_path / "index").glob("registry-*.idx")
    stored.write_bytes(stored.read_bytes()[:1000])
    again = check(tmp_path, world["registry"], world["listings"])
    assert again.stdout == good.stdout
    assert f"stored index {stored} not used: index header cut short; rebuilt" in again.stderr
    assert stored.stat().st_size > 1000
