"""The registry and public-warning indexes: exact NIE lookup plus blocked name + brand matching."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rules.model import PublicWarning, RegistryProduct
from rules.names import Coverage, ListingWords, NameIndex
from rules.nie import normalize_nie

# A listing *is* a registered product when it names the product's brand and most of the
# rest of its name. With the whole brand present, half of the rest is enough ("Losarkarta
# Losartan 50mg" for "Losarkarta Losartan Kalium 50 mg"); with part of the brand, more.
IDENTIFY_FULL_BRAND = (0.99, 0.5)
IDENTIFY_PART_BRAND = (0.7, 0.75)
# A warning match must be surer: a warned product's siblings from the same brand are legal.
WARNING_FULL_BRAND = (0.99, 0.6)
WARNING_PART_BRAND = (0.7, 0.8)
# Shown NIE, registered row: same product unless brand or name plainly differ.
SAME_PRODUCT = (0.7, 0.5)


def _passes(coverage: Coverage, *thresholds: tuple[float, float]) -> bool:
    brand, name = coverage.brand, coverage.name
    for least_brand, least_name in thresholds:
        if brand >= least_brand and name >= least_name:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registry row or warning the listing was compared with, and how well it matched."""

    row: RegistryProduct | PublicWarning
    coverage: Coverage
    explanation: str

    @property
    def score(self) -> float:
        return self.coverage.score


class RegistryIndex:
    """NIE -> registry row, and name + brand matching over the same rows."""

    def __init__(self, products: list[RegistryProduct]):
        self.products = products
        self._by_nie: dict[str, int] = {}
        for position, product in enumerate(products):
            self._by_nie[product.nie] = position  # a repeated NIE: the later row wins, as on import
        self.names = NameIndex((p.brand, p.product_name) for p in products)

    @classmethod
    def build(cls, products: Iterable[RegistryProduct]) -> RegistryIndex:
        return cls(list(products))

    def __len__(self) -> int:
        return len(self.products)

    def lookup(self, nie: str) -> RegistryProduct | None:
        position = self._by_nie.get(nie)
        if position is None:
            position = self._by_nie.get(normalize_nie(nie))
        return None if position is None else self.products[position]

    def compare(self, product: RegistryProduct, words: ListingWords) -> Candidate:
        """How well a listing's words match one row (the row of the NIE it shows)."""
        position = self._by_nie[product.nie]
        coverage = self.names.coverage(position, words)
        return Candidate(product, coverage, self.names.explain(position, words))

    def same_product(self, candidate: Candidate) -> bool:
        return _passes(candidate.coverage, SAME_PRODUCT)

    def identify(self, words: ListingWords) -> list[Candidate]:
        """Registered products the listing names by brand and product name, best first."""
        out = []
        for coverage in self.names.covered(words):
            if _passes(coverage, IDENTIFY_FULL_BRAND, IDENTIFY_PART_BRAND) and len(out) < 8:
                explanation = self.names.explain(coverage.position, words)
                out.append(Candidate(self.products[coverage.position], coverage, explanation))
        # equally good rows (the same product registered twice): a valid one first
        out.sort(key=lambda c: (-c.score, -c.coverage.matched, c.row.status != "valid"))
        return out

    def search(self, query: str, limit: int = 1) -> list[tuple[RegistryProduct, float]]:
        """Free-text name search (blocked, rapidfuzz WRatio), e.g. for an officer's lookup."""
        return [(self.products[p], score) for p, score in self.names.search(query, limit)]


class WarningIndex:
    """Public warnings by NIE (which may be fictitious) and by name + brand."""

    def __init__(self, warnings: list[PublicWarning]):
        self.warnings = warnings
        self._by_nie: dict[str, list[PublicWarning]] = {}
        for warning in warnings:
            if warning.nie:
                self._by_nie.setdefault(warning.nie, []).append(warning)
        self.names = NameIndex((w.brand, w.product_name) for w in warnings)
        self._brandless = frozenset(i for i, w in enumerate(warnings) if not w.brand.strip())

    @classmethod
    def build(cls, warnings: Iterable[PublicWarning]) -> WarningIndex:
        return cls(list(warnings))

    def __len__(self) -> int:
        return len(self.warnings)

    def by_nie(self, nie: str) -> list[PublicWarning]:
        return self._by_nie.get(nie, [])

    def identify(self, words: ListingWords) -> list[Candidate]:
        out = []
        coverages = self.names.covered(words)
        if self._brandless:  # no brand to block on: reach them through their rare words
            pool = set(self.names.rare_word_candidates(words.ordered)) & self._brandless
            coverages += [self.names.coverage(p, words) for p in pool]
        for coverage in coverages:
            warning = self.warnings[coverage.position]
            if coverage.position in self._brandless and not _named_without_brand(coverage):
                continue
            if _passes(coverage, WARNING_FULL_BRAND, WARNING_PART_BRAND):
                explanation = self.names.explain(coverage.position, words)
                out.append(Candidate(warning, coverage, explanation))
        return out


def _named_without_brand(coverage: Coverage) -> bool:
    # a warning without a brand can only match on a nearly complete, specific product name
    return coverage.name >= 0.9 and coverage.matched >= 2.0
