"""The labelled dev set (a copy of shared/data/rules-dev): the quality bar of issue 3."""

from __future__ import annotations

import json
from pathlib import Path

from rules.evaluate import evaluate
from rules.matcher import check
from rules.model import Listing
from rules.registry import RegistryIndex, WarningIndex
from rules.tables import read_registry, read_warnings

DEV = Path(__file__).parents[1] / "fixtures" / "rules" / "dev"


def test_dev_set_meets_the_quality_bar(catalogue):
    with (DEV / "registry.csv").open(encoding="utf-8") as lines:
        registry = RegistryIndex.build(read_registry(lines))
    with (DEV / "warnings.csv").open(encoding="utf-8") as lines:
        warnings = WarningIndex.build(read_warnings(lines))
    pairs = []
    for line in (DEV / "listings.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        verdict = check(Listing.from_dict(data), registry, warnings, catalogue)
        pairs.append((data["expected"], verdict.codes))
    report = evaluate(pairs)
    assert report.overall.precision >= 0.97 and report.overall.recall >= 0.95
    for code, counts in report.per_code.items():
        assert counts.f1 >= 0.9, code
