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


def _patroli(tmp_path: Path, *args: str):
    from click.testing import CliRunner

    from patroli.cli import main

    env = {"PATROLI_DATA_DIR": str(tmp_path / "var"), "PATROLI_DATABASE_URL": ""}
    return CliRunner().invoke(main, list(args), env=env)


def _engine(tmp_path: Path):
    from casebook.db import make_engine

    return make_engine(f"sqlite:///{tmp_path / 'var' / 'patroli.db'}")


@pytest.mark.parametrize("command", [["listings", "export"], ["evidence", "verify"]])
def test_a_fresh_data_dir_gets_its_database_on_first_use(tmp_path, command):
    from casebook import schema

    result = _patroli(tmp_path, *command)
    assert result.exit_code == 0, result.output
    engine = _engine(tmp_path)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


@pytest.mark.slow
def test_a_crawl_on_a_fresh_data_dir_starts_without_db_upgrade(tmp_path):
    from casebook import schema

    tips = tmp_path / "tips.txt"
    tips.write_text("http://[::1\n")  # nothing to fetch: the crawl itself is not the point
    env = {**os.environ, **_fresh(tmp_path), "PATH": os.environ["PATH"]}
    env.pop("PATROLI_DATABASE_URL", None)
    command = [sys.executable, "-m", "patroli", "crawl", "urls", str(tips)]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "db upgrade" not in result.stderr and "created database" in result.stderr
    assert "line 1: not a valid URL" in result.stderr
    engine = _engine(tmp_path)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


def _at_older_schema(engine) -> None:
    from alembic import command

    from casebook import schema

    config = schema.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")


def _at_unknown_schema(engine) -> None:
    from sqlalchemy import text

    from casebook import schema

    schema.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))


def _foreign_tables(engine) -> None:
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE orders (id INTEGER PRIMARY KEY)"))


@pytest.mark.parametrize(
    "prepare, says",
    [
        (_at_older_schema, "older schema (0001"),
        (_at_unknown_schema, "newer Patroli (schema ffffffffffff)"),
        (_foreign_tables, "holds tables but no Patroli schema version"),
    ],
)
def test_a_database_of_another_version_still_asks_in_one_line(tmp_path, prepare, says):
    from casebook import schema

    (tmp_path / "var").mkdir()
    engine = _engine(tmp_path)
    prepare(engine)
    before = schema.current_revision(engine)
    result = _patroli(tmp_path, "listings", "export")
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("Error: database ") and says in line, line
    assert schema.current_revision(engine) == before  # left as it was
    engine.dispose()
