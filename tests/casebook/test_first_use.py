"""A fresh data dir: nothing written that nobody asked for, the secret key private from its first
byte, and the database created on first use (while a database of another version still asks)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from casebook import config as config_module

REPO = Path(__file__).resolve().parents[2]


def _fresh(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATROLI_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin", **extra}


def test_loading_the_config_writes_no_secret_key(tmp_path):
    config = config_module.load(_fresh(tmp_path))
    assert config.secret_key is None
    assert not (tmp_path / "var" / "secret_key").exists()


def test_importing_the_crawler_settings_writes_no_secret_key(tmp_path):
    env = {**os.environ, **_fresh(tmp_path)}
    env.pop("PATROLI_SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", "import crawler.settings"], cwd=REPO, env=env,
                   check=True)  # fmt: skip
    assert not (tmp_path / "var" / "secret_key").exists()


def test_the_web_app_makes_a_private_key_once(tmp_path):
    from web import create_app

    config = config_module.load(_fresh(tmp_path))
    old_umask = os.umask(0)  # even a permissive umask must not expose the key
    try:
        first = create_app(config).config["SECRET_KEY"]
    finally:
        os.umask(old_umask)
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and path.read_text() == first
    assert create_app(config).config["SECRET_KEY"] == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no drafts left behind


def test_a_key_another_process_wrote_first_is_used(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("theirs\n")
    assert config_module.session_secret(config_module.load(_fresh(tmp_path))) == "theirs"


def test_the_environment_key_wins_and_nothing_is_written(tmp_path):
    config = config_module.load(_fresh(tmp_path, PATROLI_SECRET_KEY="from-env"))
    assert config_module.session_secret(config) == "from-env"
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_planted_symlink_is_not_followed(tmp_path):
    # Someone who can write the data dir points secret_key at a place they can read.
    (tmp_path / "var").mkdir()
    loot = tmp_path / "loot"
    (tmp_path / "var" / "secret_key").symlink_to(loot)
    with pytest.raises(config_module.SecretKeyError, match="secret_key"):
        config_module.session_secret(config_module.load(_fresh(tmp_path)))
    assert not loot.exists()


def test_a_key_left_readable_by_an_older_version_is_made_private(tmp_path):
    (tmp_path / "var").mkdir()
    path = tmp_path / "var" / "secret_key"
    path.write_text("old-key")
    path.chmod(0o644)
    assert config_module.session_secret(config_module.load(_fresh(tmp_path))) == "old-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
