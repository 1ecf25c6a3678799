"""PATROLI_LOG_FORMAT through the real console script: any command, any bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PATROLI = str(Path(sys.executable).parent / "patroli")


def _patroli(tmp_path: Path, *args: str, fmt: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATROLI_")}
    env["PATROLI_DATA_DIR"] = str(tmp_path / "var")
    if fmt is not None:
        env["PATROLI_LOG_FORMAT"] = fmt
    return subprocess.run([PATROLI, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("fmt", "named"), [("xml", "'xml'"), ("JSONL", "'jsonl'"), (" ", "''")])
def test_a_wrong_log_format_is_one_line_before_any_work(tmp_path, fmt, named):
    done = _patroli(tmp_path, "db", "upgrade", fmt=fmt)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: PATROLI_LOG_FORMAT must be text or json, not {named}"
    ]
    assert not (tmp_path / "var" / "patroli.db").exists()  # nothing was done


@pytest.mark.parametrize(("fmt", "json_lines"), [("json", True), ("text", False), (None, False)])
def test_json_logs_are_one_object_per_line(tmp_path, fmt, json_lines):
    import json

    assert _patroli(tmp_path, "db", "upgrade", fmt=None).returncode == 0
    done = _patroli(tmp_path, "backup", str(tmp_path / "b.tar"), fmt=fmt)
    assert done.returncode == 0, done.stderr
    logged = [line for line in done.stderr.splitlines() if "backup written" in line]
    assert logged
    if json_lines:
        entry = json.loads(logged[0])
        assert entry["logger"] == "patroli.backup" and entry["path"] == str(tmp_path / "b.tar")
    else:
        assert not logged[0].startswith("{")
