"""Pairwise precision/recall/F1 of automatic links against labelled actors (`actor_truth`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

from rules.profiling.model import Linkage


@dataclass(frozen=True, slots=True)
class FalseLink:
    a: str
    b: str
    identifiers: tuple[tuple[str, str], ...]  # what the two accounts' links share, if anything


@dataclass(frozen=True, slots=True)
class PairScore:
    true_positive: int
    false_positive: int
    false_negative: int
    false_links: tuple[FalseLink, ...]  # linked pairs in different true actors
    missed: tuple[tuple[str, str], ...]  # true pairs left apart

    @property
    def precision(self) -> float:
        linked = self.true_positive + self.false_positive
        return self.true_positive / linked if linked else 1.0

    @property
    def recall(self) -> float:
        true = self.true_positive + self.false_negative
        return self.true_positive / true if true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(groups: Mapping[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for account, group in groups.items():
        members.setdefault(group, []).append(account)
    return {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}


def evaluate(linkage: Linkage, truth: Mapping[str, str]) -> PairScore:
    """Score the linkage's actors against `truth` (account id -> true actor) over account pairs."""
    found = _pairs({a: actor for a, actor in linkage.actor_of.items() if a in truth})
    true = _pairs(truth)
    false_links = []
    for a, b in sorted(found - true):
        mine = {(k.kind, k.value) for k in linkage.links.get(a, ())}
        theirs = {(k.kind, k.value) for k in linkage.links.get(b, ())}
        false_links.append(FalseLink(a, b, tuple(sorted(mine & theirs))))
    return PairScore(
        true_positive=len(found & true),
        false_positive=len(found - true),
        false_negative=len(true - found),
        false_links=tuple(false_links),
        missed=tuple(sorted(true - found)),
    )
