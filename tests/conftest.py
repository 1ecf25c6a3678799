"""Shared fixtures: a real SQLite casebook in a temporary data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def config(tmp_path: Path) -> config_module.Config:
    return config_module.load(
        {
            "PATROLI_DATA_DIR": str(tmp_path / "var"),
            "PATROLI_ALLOW_PRIVATE": "1",
            "PATROLI_SECRET_KEY": "test-secret",
            "PATH": "/usr/bin:/bin",
        }
    )


@pytest.fixture
def engine(config):
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


def chromium_path() -> str | None:
    return shutil.which("chromium")
