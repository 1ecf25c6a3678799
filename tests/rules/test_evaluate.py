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


@pytest.mark.parametrize(
    "pairs, code, precision, recall, f1",
    [
        # no example and never predicted: nothing measured, not a perfect score
        ([(["no_nie"], ["no_nie"])], "expired_nie", None, None, None),
        ([([], [])], "no_nie", None, None, None),
        # only ever predicted wrongly: precision and F1 are a measured 0, recall has no data
        ([([], ["expired_nie"])], "expired_nie", 0.0, None, 0.0),
        # present but never predicted: recall 0, precision has no data
        ([(["malformed_nie"], [])], "malformed_nie", None, 0.0, 0.0),
        # measured both ways
        ([(["no_nie"], ["no_nie"]), ([], ["no_nie"])], "no_nie", 0.5, 1.0, 2 / 3),
        ([(["no_nie"], ["no_nie"])], "no_nie", 1.0, 1.0, 1.0),
    ],
)
def test_a_score_without_data_is_not_applicable(pairs, code, precision, recall, f1):
    counts = evaluate(pairs).per_code[code]
    assert (counts.precision, counts.recall) == (precision, recall)
    assert counts.f1 == (None if f1 is None else pytest.approx(f1))


def test_codes_without_data_show_na_and_stay_out_of_macro_averages():
    report = evaluate([(["no_nie"], ["no_nie"]), (["malformed_nie"], ["expired_nie"])])
    # measured: no_nie (P 1, R 1, F1 1), malformed_nie (R 0, F1 0), expired_nie (P 0, F1 0)
    assert report.macro_precision == pytest.approx(0.5)
    assert report.macro_recall == pytest.approx(0.5)
    assert report.macro_f1 == pytest.approx(1 / 3)
    rows = {line[:22].strip(): line[22:].split() for line in format_table(report).splitlines()}
    assert rows["prescription_drug"] == ["0", "0", "0", "0", "n/a", "n/a", "n/a"]
    assert rows["expired_nie"][-3:] == ["0.000", "n/a", "0.000"]
    assert rows["macro (measured codes)"] == ["0.500", "0.500", "0.333"]
    assert evaluate([]).macro_f1 is None and evaluate([]).overall.precision is None
