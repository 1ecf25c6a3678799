"""End-to-end fixtures: the demo marketplace on ephemeral loopback ports, a fresh casebook in
a temporary data dir, and `patroli` run as a real subprocess against both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from patroli.demo import DemoMarketplace, build_world

DEMO_DATA = Path(__file__).parents[2] / "patroli" / "demo" / "data"
EPHEMERAL = {
    "pasarku": ("127.0.0.1", 0),
    "tokosehat": ("127.0.0.2", 0),
    "ceritaku": ("127.0.0.3", 0),
}


@dataclass
class Patroli:
    """A casebook in a temporary data dir and a way to run `patroli` against it."""

    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True, timeout: float = 600, **kwargs):
        result = subprocess.run(
            [sys.executable, "-m", "patroli", *args],
            env=self.env, capture_output=True, text=True, timeout=timeout, **kwargs,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(
                f"patroli {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-6000:]}"
            )
        return result

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "patroli", *args],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    @property
    def config(self) -> config_module.Config:
        return config_module.load(self.env)

    def sessions(self):
        return make_session_factory(make_engine(self.config.database_url))


def make_patroli(data_dir: Path) -> Patroli:
    env = {
        **os.environ,
        "PATROLI_DATA_DIR": str(data_dir),
        "PATROLI_ALLOW_PRIVATE": "1",
        "PATROLI_SECRET_KEY": "e2e-secret",
    }
    env.pop("PATROLI_DATABASE_URL", None)
    patroli = Patroli(data_dir, env)
    schema.upgrade(make_engine(patroli.config.database_url))
    patroli.run("registry", "import", str(DEMO_DATA / "registry.csv"))
    patroli.run("warnings", "import", str(DEMO_DATA / "warnings.csv"))
    return patroli


@pytest.fixture(scope="session")
def new_casebook():
    """A fresh casebook with the demo registry and warnings imported, at the path given."""
    return make_patroli


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def demo(world):
    with DemoMarketplace(world, EPHEMERAL) as market:
        yield market


def bases(demo) -> str:
    return json.dumps(demo.base_urls)
