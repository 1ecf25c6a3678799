"""Fixtures of the demo-marketplace tests."""

from __future__ import annotations

import pytest

from patroli.demo import World, build_world


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()
