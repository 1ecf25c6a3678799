"""`patroli backup` and `patroli restore` through the installed console script: a casebook with
captures and audit events backed up, refused over a casebook that is not empty, restored into an
empty one and verified; a damaged archive refused in one line naming the member."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory

PATROLI = Path(sys.executable).with_name("patroli")  # the console script pip installed
_spec = importlib.util.spec_from_file_location(
    "letters_world", Path(__file__).parents[1] / "casebook" / "test_letters.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATROLI_")}
    return {**env, "PATROLI_DATA_DIR": str(data_dir), "PATROLI_SECRET_KEY": "e2e-secret"}


def patroli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PATROLI), *args], env=environment(data_dir), capture_output=True,
                          text=True, timeout=300)  # fmt: skip


@pytest.fixture
def casebook(tmp_path) -> Path:
    data_dir = tmp_path / "var"
    config = config_module.load(environment(data_dir))
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    world.build_list(make_session_factory(engine), data_dir, world.MIXED)
    engine.dispose()
    return data_dir


def test_backup_then_restore_into_an_empty_casebook(casebook, tmp_path):
    made = patroli(casebook, "backup", str(tmp_path))
    assert made.returncode == 0, made.stderr
    (archive,) = tmp_path.glob("patroli-backup-*.tar")
    assert made.stdout.startswith(f"backup {archive}: sqlite database (schema ")

    refused = patroli(casebook, "restore", str(archive))
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: the casebook is not empty (")
    assert "--force" in refused.stderr and len(refused.stderr.splitlines()) == 1

    restored = patroli(tmp_path / "new", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "evidence: 4 captures checked, 0 problems" in restored.stdout
    assert "audit trail intact: " in restored.stdout
    assert "held before" not in restored.stdout  # an empty casebook is not worth keeping

    again = patroli(tmp_path / "new", "evidence", "verify")
    assert again.returncode == 0 and again.stdout.startswith("4 captures checked, 0 problems")
    assert patroli(tmp_path / "new", "audit", "verify").returncode == 0


@pytest.mark.parametrize("cut", ["halfway", "in the manifest"])
def test_a_damaged_archive_is_one_line_and_changes_nothing(casebook, tmp_path, cut):
    assert patroli(casebook, "backup", str(tmp_path / "b.tar")).returncode == 0
    damaged = tmp_path / "damaged.tar"
    raw = (tmp_path / "b.tar").read_bytes()
    with tarfile.open(tmp_path / "b.tar") as tar:
        manifest = tar.getmember("manifest.json")
    at = len(raw) // 2 if cut == "halfway" else manifest.offset_data + manifest.size // 2
    damaged.write_bytes(raw[:at])
    refused = patroli(tmp_path / "new", "restore", str(damaged))
    assert refused.returncode == 1
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"Error: {damaged}: ") and "nothing was restored" in line
    assert not (tmp_path / "new" / "evidence").exists()


def test_restore_without_a_file_says_so(tmp_path):
    missing = patroli(tmp_path / "new", "restore", str(tmp_path / "nope.tar"))
    assert missing.returncode == 1
    assert missing.stderr == f"Error: {tmp_path / 'nope.tar'}: no such backup file\n"


def test_backup_without_a_casebook_says_so(tmp_path):
    missing = patroli(tmp_path / "none", "backup", str(tmp_path / "b.tar"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ") and "no casebook database here" in missing.stderr
    assert len(missing.stderr.splitlines()) == 1 and not (tmp_path / "b.tar").exists()


def test_a_gzipped_backup_round_trips(casebook, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert patroli(casebook, "backup", str(archive)).returncode == 0
    assert archive.read_bytes()[:2] == b"\x1f\x8b"  # gzip, as the name asks
    refused = patroli(casebook, "backup", str(archive))
    assert refused.returncode == 1 and "exists" in refused.stderr  # never overwritten
    restored = patroli(tmp_path / "new", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "evidence: 4 captures checked, 0 problems" in restored.stdout
