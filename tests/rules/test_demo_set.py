"""The demo marketplace's ground truth: a second labelled set, written by another hand from
the same definitions (DESIGN.md §3). The rules must hold up on it as on the dev set."""

from __future__ import annotations

import json
from pathlib import Path

from rules.catalogue import load_catalogue
from rules.evaluate import evaluate
from rules.matcher import check
from rules.model import Listing
from rules.registry import RegistryIndex, WarningIndex
from rules.tables import read_registry, read_warnings

DEMO = Path(__file__).parents[2] / "patroli" / "demo" / "data"


def test_demo_ground_truth():
    with (DEMO / "registry.csv").open(encoding="utf-8") as lines:
        registry = RegistryIndex.build(read_registry(lines))
    with (DEMO / "warnings.csv").open(encoding="utf-8") as lines:
        warnings = WarningIndex.build(read_warnings(lines))
    catalogue = load_catalogue()
    pairs = []
    for line in (DEMO / "listings.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        verdict = check(Listing.from_dict(data), registry, warnings, catalogue)
        pairs.append((data["expected"], verdict.codes))
    report = evaluate(pairs)
    assert report.overall.precision >= 0.97 and report.overall.recall >= 0.95
    assert all(score.f1 >= 0.9 for score in report.per_code.values())
    assert report.exact >= 0.95 * report.listings
