"""The registry and public-warning indexes: exact NIE lookup plus blocked name + brand matching."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rules.model import PublicWarning, RegistryProduct
from rules.names import TABLES as NAME_TABLES
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


PRODUCT_COLUMNS = (
    "nie", "product_name", "brand", "category", "registrant", "form", "issued_on",
    "expires_on", "status",
)  # fmt: skip


class ProductRows(Sequence[RegistryProduct]):
    """Registry rows kept as columns of text, each row made when it is read.

    A stored index is read back in well under a second this way: making 500,000 row
    objects up front would take longer than everything else in a warm start.
    """

    def __init__(self, columns: Mapping[str, Sequence[str]]):
        self._columns = [columns[name] for name in PRODUCT_COLUMNS]
        sizes = {len(column) for column in self._columns}
        if len(sizes) > 1:
            raise ValueError("product columns differ in length")

    def __len__(self) -> int:
        return len(self._columns[0])

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        nie, name, brand, category, registrant, form, issued, expires, status = (
            column[position] for column in self._columns
        )
        return RegistryProduct(nie, name, brand, category, registrant, form,
                               _day(issued), _day(expires), status)  # fmt: skip

    def __iter__(self) -> Iterator[RegistryProduct]:
        return (self[i] for i in range(len(self)))

    @property
    def nies(self) -> Sequence[str]:
        return self._columns[0]

    @property
    def product_names(self) -> Sequence[str]:
        return self._columns[1]


class _Coded(Sequence[str]):
    """A column of few distinct texts (brand, category, dates...): the texts once, codes per row."""

    def __init__(self, values: Sequence[str], codes: Sequence[int]):
        self._values, self._codes = values, codes

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        return self._values[self._codes[position]]


def _coded(column: Sequence[str]) -> tuple[list[str], np.ndarray]:
    values: dict[str, int] = {}
    codes = [values.setdefault(text, len(values)) for text in column]
    return list(values), np.array(codes, np.int32)


# columns with few distinct values, stored once each with a code per row
_CODED = ("brand", "category", "registrant", "form", "issued_on", "expires_on", "status")


class NieTable(Mapping[str, int]):
    """NIE -> row position as a sorted array, searched by bisection.

    A stored index is ready without hashing 500,000 NIEs into a dict first.
    """

    def __init__(self, nies: np.ndarray, positions: np.ndarray):
        if len(nies) != len(positions):
            raise ValueError("NIE table columns differ in length")
        self._nies, self._positions = nies, positions

    @classmethod
    def of(cls, nies: Sequence[str]) -> NieTable:
        encoded = np.array([nie.encode("utf-8") for nie in nies] or [b""], np.bytes_)
        encoded = encoded[: len(nies)]
        order = np.argsort(encoded, kind="stable")  # equal NIEs keep row order
        return cls(encoded[order], order.astype(np.int32))

    def tables(self) -> tuple[np.ndarray, np.ndarray]:
        return self._nies, self._positions

    def __getitem__(self, nie: str) -> int:
        key = nie.encode("utf-8")
        at = int(np.searchsorted(self._nies, key, side="right")) - 1  # the later of equal NIEs
        if at < 0 or self._nies[at] != key:
            raise KeyError(nie)
        return int(self._positions[at])

    def __len__(self) -> int:
        return len(self._nies)

    def __iter__(self) -> Iterator[str]:
        return (nie.decode("utf-8") for nie in self._nies)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def product_columns(products: Iterable[RegistryProduct]) -> dict[str, list[str]]:
    """Registry rows as columns of text (dates ISO, empty when unknown)."""
    columns: dict[str, list[str]] = {name: [] for name in PRODUCT_COLUMNS}
    appenders = [columns[name].append for name in PRODUCT_COLUMNS]
    for p in products:
        values = (p.nie, p.product_name, p.brand, p.category, p.registrant, p.form,
                  p.issued_on.isoformat() if p.issued_on else "",
                  p.expires_on.isoformat() if p.expires_on else "", p.status)  # fmt: skip
        for append, value in zip(appenders, values, strict=True):
            append(value)
    return columns


class RegistryIndex:
    """NIE -> registry row, and name + brand matching over the same rows."""

    def __init__(
        self,
        products: Sequence[RegistryProduct],
        names: NameIndex | None = None,
        by_nie: NieTable | None = None,
    ):
        self.products = products
        # a repeated NIE: the later row wins, as on import
        self._by_nie: Mapping[str, int] = by_nie or {p.nie: i for i, p in enumerate(products)}
        if names is None:
            names = NameIndex((p.brand, p.product_name) for p in products)
        self.names = names

    @classmethod
    def build(cls, products: Iterable[RegistryProduct]) -> RegistryIndex:
        return cls(list(products))

    def tables(self) -> dict[str, object]:
        """Everything the index is made of, as flat tables (see rules.index_store)."""
        products = self.products
        if isinstance(products, ProductRows):
            columns = dict(zip(PRODUCT_COLUMNS, products._columns, strict=True))
        else:
            columns = product_columns(products)
        tables: dict[str, object] = {}
        for name, column in columns.items():
            if name in _CODED:
                tables[f"product.{name}.values"], tables[f"product.{name}.codes"] = _coded(column)
            else:
                tables[f"product.{name}"] = column
        tables.update({f"names.{k}": v for k, v in self.names.tables().items()})
        tables["nie.sorted"], tables["nie.position"] = NieTable.of(columns["nie"]).tables()
        return tables

    @classmethod
    def from_tables(cls, tables: Mapping[str, object]) -> RegistryIndex:
        """The index `tables()` described, without tokenising a single name again."""
        columns = {
            name: _Coded(tables[f"product.{name}.values"], tables[f"product.{name}.codes"])
            if name in _CODED
            else tables[f"product.{name}"]
            for name in PRODUCT_COLUMNS
        }
        products = ProductRows(columns)  # type: ignore[arg-type]
        codes = [tables[f"product.{name}.codes"] for name in _CODED]
        values = [tables[f"product.{name}.values"] for name in _CODED]
        for code, value in zip(codes, values, strict=True):
            if len(code) and (int(code.min()) < 0 or int(code.max()) >= len(value)):
                raise ValueError("a product column code points past its values")
        names = {name: tables[f"names.{name}"] for name in NAME_TABLES}
        index = NameIndex.from_tables(names, products.product_names)
        if len(index) != len(products):
            raise ValueError("name index and product columns differ in length")
        by_nie = NieTable(tables["nie.sorted"], tables["nie.position"])  # type: ignore[arg-type]
        if len(by_nie) > len(products):
            raise ValueError("more NIEs than products")
        return cls(products, index, by_nie)

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
            if _passes(coverage, IDENTIFY_FULL_BRAND, IDENTIFY_PART_BRAND):
                explanation = self.names.explain(coverage.position, words)
                out.append(Candidate(self.products[coverage.position], coverage, explanation))
                if len(out) == 8:
                    break
        # the same product registered twice: its valid row first; other rows keep their order
        first: dict[tuple[str, ...], int] = {}
        for rank, candidate in enumerate(out):
            first.setdefault(tuple(candidate.row.product_name.casefold().split()), rank)
        out.sort(key=lambda c: (first[tuple(c.row.product_name.casefold().split())],
                                c.row.status != "valid"))  # fmt: skip
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
