"""Per-code and overall precision/recall/F1 from (expected codes, predicted codes) pairs.

A score with nothing to measure is None ("n/a" in tables), never 1.0: a code that no listing
has and the rules never predicted shows no quality at all, and is left out of macro averages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from rules.codes import VIOLATION_CODES


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        """None when the code was never predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when no listing has the code."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2tp / (2tp + fp + fn): 0.0 for a code only ever predicted wrongly, None for no data."""
        errors = self.fp + self.fn
        return 2 * self.tp / (2 * self.tp + errors) if self.tp or errors else None


@dataclass
class Report:
    """Counts per violation code, the micro-averaged total, and whole-listing accuracy."""

    per_code: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    listings: int = 0
    exact: int = 0  # listings whose predicted code set equals the expected one

    @property
    def macro_precision(self) -> float | None:
        return _mean(c.precision for c in self.per_code.values())

    @property
    def macro_recall(self) -> float | None:
        return _mean(c.recall for c in self.per_code.values())

    @property
    def macro_f1(self) -> float | None:
        return _mean(c.f1 for c in self.per_code.values())


def _mean(scores: Iterable[float | None]) -> float | None:
    measured = [score for score in scores if score is not None]
    return sum(measured) / len(measured) if measured else None


def evaluate(pairs: Iterable[tuple[Collection[str], Collection[str]]]) -> Report:
    """Score predictions: each pair is (expected codes, predicted codes) for one listing."""
    report = Report(per_code={code: Counts() for code in VIOLATION_CODES})
    for expected, predicted in pairs:
        want, got = set(expected), set(predicted)
        report.listings += 1
        report.exact += want == got
        for code in want | got:
            counts = report.per_code.setdefault(code, Counts())
            if code in want and code in got:
                counts.tp += 1
                report.overall.tp += 1
            elif code in got:
                counts.fp += 1
                report.overall.fp += 1
            else:
                counts.fn += 1
                report.overall.fn += 1
    return report


def format_table(report: Report) -> str:
    """A plain-text table: one row per code, then the micro average (overall) and macro F1."""
    header = (
        f"{'code':<22}{'support':>8}{'tp':>5}{'fp':>5}{'fn':>5}"
        f"{'precision':>11}{'recall':>8}{'f1':>7}"
    )
    lines = [header, "-" * len(header)]
    for code, c in report.per_code.items():
        lines.append(_row(code, c))
    lines.append("-" * len(header))
    lines.append(_row("overall (micro)", report.overall))
    lines.append(
        f"{'macro (measured codes)':<22}{'':>23}{_score(report.macro_precision, 11)}"
        f"{_score(report.macro_recall, 8)}{_score(report.macro_f1, 7)}"
    )
    lines.append(f"listings: {report.listings}, exactly right: {report.exact}")
    return "\n".join(lines)


def _row(name: str, c: Counts) -> str:
    return (
        f"{name:<22}{c.support:>8}{c.tp:>5}{c.fp:>5}{c.fn:>5}"
        f"{_score(c.precision, 11)}{_score(c.recall, 8)}{_score(c.f1, 7)}"
    )


def _score(value: float | None, width: int) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.3f}"
