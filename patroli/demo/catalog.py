"""The demo's products: the registry (Cek BPOM style), public warnings and unregistered goods."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from patroli.demo import vocab
from patroli.demo.numbers import make_nie

REGISTRY_FIELDS = (
    "nie", "product_name", "brand", "category", "registrant", "form", "issued_on", "expires_on",
    "status",
)  # fmt: skip
WARNING_FIELDS = ("product_name", "brand", "nie", "category", "hazard", "published_on")
HAZARDS = {
    "obat_tradisional": ("mengandung sildenafil sitrat", "mengandung fenilbutazon",
                         "mengandung deksametason dan parasetamol", "mengandung tadalafil"),
    "suplemen_kesehatan": ("mengandung sibutramin hidroklorida", "mengandung sildenafil sitrat"),
    "kosmetik": ("mengandung merkuri", "mengandung hidrokuinon", "mengandung asam retinoat",
                 "mengandung pewarna merah K10 (rhodamin B)"),
    "pangan_olahan": ("mengandung pewarna rhodamin B", "mengandung boraks"),
    "pangan_irt": ("mengandung boraks", "mengandung pewarna metanil yellow"),
}  # fmt: skip


@dataclass(frozen=True)
class Product:
    """A product of the demo world; registered when `nie` is set and `registered` is true."""

    name: str  # full name, brand first: "Sekar Tentrem Husada Kapsul Temulawak"
    brand: str
    category: str
    form: str
    size: str
    benefit: str
    nie: str = ""
    registered: bool = False
    registrant: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    status: str = "valid"
    klass: str = ""  # drugs: NIE class letter; K, P, N are prescription-only
    substance: str = ""  # drugs: the active substance

    def registry_row(self) -> dict[str, str]:
        return {
            "nie": self.nie,
            "product_name": self.name,
            "brand": self.brand,
            "category": self.category,
            "registrant": self.registrant,
            "form": self.form,
            "issued_on": self.issued_on.isoformat() if self.issued_on else "",
            "expires_on": self.expires_on.isoformat() if self.expires_on else "",
            "status": self.status,
        }


@dataclass(frozen=True)
class Warning:
    """A public-warning entry (peringatan publik); `nie` may be empty or fictitious."""

    product: Product
    nie: str
    hazard: str
    published_on: date

    def row(self) -> dict[str, str]:
        return {
            "product_name": self.product.name,
            "brand": self.product.brand,
            "nie": self.nie,
            "category": self.product.category,
            "hazard": self.hazard,
            "published_on": self.published_on.isoformat(),
        }


class Catalogue:
    """Hands out products and numbers; registered and unregistered brands never overlap."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.registry: list[Product] = []
        self.warnings: list[Warning] = []
        self.used_nies: set[str] = set()
        self._brands: dict[str, bool] = {}  # brand -> registered?
        self._names: set[str] = set()
        self._registered_brands: dict[str, list[str]] = {}
        self._registrants: dict[str, str] = {}

    @property
    def warned_nies(self) -> set[str]:
        """NIEs touched by a public warning (its own number or the warned product's)."""
        return {n for w in self.warnings for n in (w.nie, w.product.nie) if n}

    # numbers -----------------------------------------------------------------
    def fresh_nie(self, category: str, klass: str = "B") -> str:
        """A well-formed NIE that nothing in the world uses (nor will)."""
        while True:
            nie = make_nie(self.rng, category, klass)
            if nie not in self.used_nies:
                self.used_nies.add(nie)
                return nie

    # products ----------------------------------------------------------------
    def registered(
        self, category: str, *, status: str = "valid", klass: str | None = None, rx: bool = False
    ) -> Product:
        """A new registry row. Drugs: `rx` picks a prescription-only substance."""
        product = self._new_product(category, registered=True, klass=klass, rx=rx)
        issued = date(2019, 1, 1) + timedelta(days=self.rng.randrange(0, 6 * 365))
        expires = _in_year(issued, issued.year + 5)
        if status == "expired":  # lapsed before the demo's fixed "today" (2026-03-01)
            issued = date(2016, 1, 1) + timedelta(days=self.rng.randrange(0, 3 * 365))
            expires = _in_year(issued, issued.year + 5)
        elif expires < date(2027, 1, 1):
            expires = _in_year(expires, 2027 + self.rng.randrange(0, 3))
        product = replace(
            product,
            nie=self.fresh_nie(category, product.klass or "B"),
            registered=True,
            registrant=self._registrant(product.brand, category),
            issued_on=issued,
            expires_on=expires,
            status=status,
        )
        self.registry.append(product)
        return product

    def unregistered(self, category: str, *, rx: bool = False) -> Product:
        """A product under a brand that has nothing in the registry."""
        return self._new_product(category, registered=False, rx=rx)

    def warning(self, product: Product, nie: str = "") -> Warning:
        hazard = self.rng.choice(HAZARDS[product.category])
        published = date(2022, 1, 1) + timedelta(days=self.rng.randrange(0, 4 * 365))
        entry = Warning(product, nie, hazard, published)
        self.warnings.append(entry)
        return entry

    def fill_registry(self, total: int) -> None:
        """Extra valid products nobody lists, so the registry is more than the listings."""
        categories = (*vocab.PRODUCT_TYPES, "obat", "obat")
        while len(self.registry) < total:
            category = self.rng.choice(categories)
            self.registered(category, rx=category == "obat" and self.rng.random() < 0.4)

    # internals ---------------------------------------------------------------
    def _new_product(
        self, category: str, *, registered: bool, klass: str | None = None, rx: bool = False
    ) -> Product:
        rng = self.rng
        for _ in range(10_000):
            if category == "obat":
                drug = rng.choice(vocab.RX_DRUGS if rx else vocab.OTC_DRUGS)
                prefix = rng.choice(vocab.DRUG_BRAND_PREFIX)
                stem = drug.stem.lower() if prefix else drug.stem
                brand = prefix + stem + rng.choice(vocab.DRUG_BRAND_SUFFIX)
                name = " ".join(part for part in (brand, drug.substance, drug.strength) if part)
                kind = vocab.ProductType(name, drug.form, drug.size, drug.use)
                product_klass, substance = klass or drug.klass, drug.substance
            else:
                brand = self._brand(category, registered)
                kind = rng.choice(vocab.PRODUCT_TYPES[category])
                name = f"{brand} {kind.name}"
                product_klass, substance = "", ""
            if name in self._names or self._brands.get(brand, registered) != registered:
                continue
            self._names.add(name)
            self._brands[brand] = registered
            if registered:
                self._registered_brands.setdefault(category, []).append(brand)
            return Product(
                name, brand, category, kind.form, kind.size, kind.benefit,
                klass=product_klass, substance=substance,
            )  # fmt: skip
        raise RuntimeError(f"demo world ran out of product names for {category}")

    def _brand(self, category: str, registered: bool) -> str:
        rng = self.rng
        known = self._registered_brands.get(category, [])
        if registered and known and rng.random() < 0.35:
            return rng.choice(known)  # a brand with several registered products
        if category == "pangan_irt":
            return " ".join(
                (
                    rng.choice(vocab.IRT_KITCHEN),
                    rng.choice(vocab.IRT_TITLE),
                    rng.choice(vocab.IRT_NAME),
                )
            )
        return " ".join(
            (
                rng.choice(vocab.BRAND_FIRST),
                rng.choice(vocab.BRAND_SECOND),
                rng.choice(vocab.BRAND_SUFFIX[category]),
            )
        )

    def _registrant(self, brand: str, category: str) -> str:
        if brand not in self._registrants:
            words = self.rng.sample(vocab.REGISTRANT_WORDS, 2)
            kind = self.rng.choice(vocab.REGISTRANT_KIND[category])
            legal = "CV" if category == "pangan_irt" else "PT"
            self._registrants[brand] = f"{legal} {words[0]} {words[1]} {kind}"
        return self._registrants[brand]


def _in_year(day: date, year: int) -> date:
    """The same day in another year; 29 February becomes 1 March."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 3, 1)
