"""The probe set (tests/fixtures/rules/probes): listings in other styles, written for issue 7
from its classes of misses. It is tuned on, so it shows the classes stay fixed; how the rules
generalise is measured on the held-out set, which no test reads."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rules.evaluate import evaluate
from rules.matcher import check
from rules.model import Listing
from rules.registry import RegistryIndex, WarningIndex
from rules.tables import read_registry, read_warnings

PROBES = Path(__file__).parents[1] / "fixtures" / "rules" / "probes"


def run_probes(catalogue):
    registry = RegistryIndex.build(
        read_registry(io.StringIO((PROBES / "registry.csv").read_text(encoding="utf-8")))
    )
    warnings = WarningIndex.build(
        read_warnings(io.StringIO((PROBES / "warnings.csv").read_text(encoding="utf-8")))
    )
    pairs = []
    for line in (PROBES / "listings.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        pairs.append((data["expected"], check(Listing.from_dict(data), registry, warnings,
                                               catalogue).codes))  # fmt: skip
    return evaluate(pairs)


def test_probe_set_meets_the_bar(catalogue):
    report = run_probes(catalogue)
    assert report.listings == 459
    assert report.overall.precision >= 0.96 and report.overall.recall >= 0.96
    for code, counts in report.per_code.items():
        assert counts.f1 is None or counts.f1 >= 0.9, code


def test_each_class_of_miss_is_fixed(catalogue):
    report = run_probes(catalogue)
    for code in ("hazardous_ingredient", "misleading_claim", "prescription_drug"):
        assert report.per_code[code].recall >= 0.95, code


def test_registry_side_codes_hold_on_their_batch(catalogue):
    """Batches 5 and 6 (P5-, P6-): NIEs in every writing, bundles, siblings, borrowed and
    generic names. Precision first: a borrowed NIE is only reported when the listing offers
    another product; three borrowed numbers on a brand written after the product words or
    on a variant the brand never registered are still missed (README)."""
    report = run_probes(catalogue)
    for code in ("malformed_nie", "unregistered_nie", "expired_nie"):
        counts = report.per_code[code]
        assert counts.precision >= 0.95 and counts.recall >= 0.95, code
    mismatch = report.per_code["nie_mismatch"]
    assert mismatch.precision >= 0.95 and mismatch.recall >= 0.8
    assert report.per_code["no_nie"].precision >= 0.95
