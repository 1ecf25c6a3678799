"""Per-code and overall precision/recall/F1 from (expected codes, predicted codes) pairs."""

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
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Counts per violation code, the micro-averaged total, and whole-listing accuracy."""

    per_code: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    listings: int = 0
    exact: int = 0  # listings whose predicted code set equals the expected one

    @property
    def macro_f1(self) -> float:
        scored = [c.f1 for c in self.per_code.values() if c.support or c.fp]
        return sum(scored) / len(scored) if scored else 1.0


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
    lines.append(f"{'macro f1':<22}{'':>46}{report.macro_f1:>7.3f}")
    lines.append(f"listings: {report.listings}, exactly right: {report.exact}")
    return "\n".join(lines)


def _row(name: str, c: Counts) -> str:
    return (
        f"{name:<22}{c.support:>8}{c.tp:>5}{c.fp:>5}{c.fn:>5}"
        f"{c.precision:>11.3f}{c.recall:>8.3f}{c.f1:>7.3f}"
    )
