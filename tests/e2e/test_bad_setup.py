"""Set-up problems get one line that says what to do, never a traceback wall. (The demo's own
set-up problems are in test_demo_command.py, the one file that runs the demo on its fixed
marketplace ports, so that parallel test workers never run two demos at once.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from sqlalchemy import text

from casebook.db import make_engine


def patroli(tmp_path, *args, **env):
    environment = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path / "var"), **env}
    environment.pop("PATROLI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "patroli", *args], env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.stderr
    for word in words:
        assert word in error[0]


def test_database_from_an_older_or_newer_version(tmp_path):
    assert patroli(tmp_path, "db", "upgrade").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'patroli.db'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    assert_one_line_error(patroli(tmp_path, "listings", "export"), "newer Patroli")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    assert_one_line_error(patroli(tmp_path, "listings", "export"), "patroli db upgrade")


def test_ui_port_in_use(tmp_path):
    assert patroli(tmp_path, "db", "upgrade").returncode == 0
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        result = patroli(tmp_path, "serve", "--port", str(port))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")
