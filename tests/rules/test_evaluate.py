"""Precision/recall/F1 per code and overall, from (expected, predicted) pairs."""

from __future__ import annotations

import pytest

from rules.evaluate import evaluate, format_table


def test_counts_per_code_and_overall():
    report = evaluate(
        [
            (["no_nie"], ["no_nie"]),
            (["no_nie", "public_warning"], ["no_nie"]),
            ([], ["misleading_claim"]),
            (["expired_nie"], ["expired_nie", "public_warning"]),
            ([], []),
        ]
    )
    no_nie, warning = report.per_code["no_nie"], report.per_code["public_warning"]
    assert (no_nie.tp, no_nie.fp, no_nie.fn, no_nie.support) == (2, 0, 0, 2)
    assert (warning.tp, warning.fp, warning.fn) == (0, 1, 1)
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (3, 2, 1)
    assert report.overall.precision == pytest.approx(3 / 5)
    assert report.overall.recall == pytest.approx(3 / 4)
    assert report.overall.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert (report.listings, report.exact) == (5, 2)


def test_table_lists_every_code_with_support():
    table = format_table(evaluate([(["no_nie"], ["no_nie"])]))
    lines = table.splitlines()
    assert lines[0].split() == ["code", "support", "tp", "fp", "fn", "precision", "recall", "f1"]
    assert any(line.startswith("no_nie") and line.split()[1:5] == ["1", "1", "0", "0"]
               for line in lines)  # fmt: skip
    assert "overall (micro)" in table and "exactly right: 1" in table
