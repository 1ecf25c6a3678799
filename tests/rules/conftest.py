"""Shared fixtures for the rules tests: the packaged catalogue and a small invented registry."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from rules.catalogue import Catalogue, load_catalogue
from rules.matcher import check
from rules.model import Listing, Verdict
from rules.registry import RegistryIndex, WarningIndex
from rules.tables import read_registry, read_warnings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "rules"
ROOT = Path(__file__).parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ (the synthetic data) is a folder, not installed
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def registry() -> RegistryIndex:
    with (FIXTURES / "registry.csv").open(encoding="utf-8") as lines:
        return RegistryIndex.build(read_registry(lines))


@pytest.fixture(scope="session")
def warnings() -> WarningIndex:
    with (FIXTURES / "warnings.csv").open(encoding="utf-8") as lines:
        return WarningIndex.build(read_warnings(lines))


@pytest.fixture(scope="session")
def verdict(registry, warnings, catalogue):
    """check() on a listing given as title + description, against the fixture registry."""

    def run(title: str, description: str = "", today: date | None = None) -> Verdict:
        listing = Listing(id="t-1", title=title, description=description)
        return check(listing, registry, warnings, catalogue, today=today)

    return run
