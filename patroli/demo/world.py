"""The demo world: seeded listings, sellers, registry and warnings - pure data, no clock, no I/O."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from dataclasses import dataclass, field, replace
from typing import Any

from patroli.demo.catalog import REGISTRY_FIELDS, WARNING_FIELDS, Catalogue
from patroli.demo.scenarios import SCENARIOS, Draft, compose, price_for
from patroli.demo.sellers import PLATFORMS, Seller, build_sellers

DEFAULT_ADDRESSES: dict[str, tuple[str, int]] = {
    "pasarku": ("127.0.0.1", 8801),
    "tokosehat": ("127.0.0.2", 8802),
    "ceritaku": ("127.0.0.3", 8803),
}
PLATFORM_SHARE = {"pasarku": 0.5, "tokosehat": 0.2, "ceritaku": 0.3}
HASHTAGS = {
    "obat": "#obat #apotekonline", "obat_tradisional": "#jamu #herbal #jamuasli",
    "suplemen_kesehatan": "#suplemen #vitamin", "kosmetik": "#skincare #glowing",
    "pangan_olahan": "#jajanan #grosir", "pangan_irt": "#homemade #camilan",
    "obat_kuasi": "#pegallinu",
}  # fmt: skip
HOSTILE = (
    ("pasarku", "script-title"),
    ("pasarku", "img-onerror"),
    ("pasarku", "long-description"),
    ("pasarku", "odd-unicode"),
    ("tokosehat", "jsonld-breakout"),
    ("ceritaku", "caption-markup"),
)
LONG_TESTIMONY = "Testimoni pelanggan: barangnya sesuai, pengiriman cepat, recommended seller."


@dataclass(frozen=True)
class DemoListing:
    """One listing (product page or social post) with its ground truth."""

    id: str  # "DM-0001"
    platform: str
    path: str  # "/p/shop/product", "/produk/slug/", "/post/shortcode"
    title: str  # empty on ceritaku: a post has only its caption
    description: str
    price: int | None  # IDR; None when a post names no price field
    seller_id: str
    category: str
    product_name: str
    brand: str
    scenario: str
    expected: tuple[str, ...]
    why: str
    sku: str
    nie: str = ""  # normalized number the text claims ("" when none; may be malformed)
    hostile: str = ""  # what hostile content the listing carries, if any


@dataclass(frozen=True)
class World:
    seed: int
    size: int
    listings: tuple[DemoListing, ...]
    sellers: tuple[Seller, ...]
    registry: tuple[dict[str, str], ...]
    warnings: tuple[dict[str, str], ...]
    _by_id: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({x.id: x for x in self.listings})
        self._by_id.update({s.id: s for s in self.sellers})

    def listing(self, listing_id: str) -> DemoListing:
        found = self._by_id.get(listing_id)
        if not isinstance(found, DemoListing):
            raise KeyError(listing_id)
        return found

    def seller(self, seller_id: str) -> Seller:
        found = self._by_id.get(seller_id)
        if not isinstance(found, Seller):
            raise KeyError(seller_id)
        return found

    def listings_on(self, platform: str) -> list[DemoListing]:
        return [x for x in self.listings if x.platform == platform]

    def sellers_on(self, platform: str) -> list[Seller]:
        return [s for s in self.sellers if s.platform == platform]

    # the files of patroli/demo/data ------------------------------------------
    def listing_json(self, listing: DemoListing, base_url: str) -> dict[str, Any]:
        """DESIGN.md listing JSON plus the ground truth ("expected", "why")."""
        seller = self.seller(listing.seller_id)
        out: dict[str, Any] = {"id": listing.id, "url": base_url + listing.path}
        out |= {"path": listing.path, "platform": listing.platform}
        if listing.title:
            out["title"] = listing.title
        out["description"] = listing.description
        if listing.price is not None:
            out |= {"price": listing.price, "currency": "IDR"}
        out["seller"] = {
            "name": seller.shop_name,
            "url": base_url + seller.path,
            "location": seller.location,
            "phone": seller.phone,
        }
        out |= {"seller_id": seller.id, "category": listing.category, "nie": listing.nie}
        out |= {"scenario": listing.scenario, "expected": list(listing.expected)}
        return out | {"why": listing.why}

    def seller_json(self, seller: Seller, base_url: str) -> dict[str, Any]:
        """DESIGN.md seller account JSON plus the ground-truth "actor"."""
        return {
            "id": seller.id,
            "platform": seller.platform,
            "shop_name": seller.shop_name,
            "shop_url": base_url + seller.path,
            "path": seller.path,
            "text": seller.bio,
            "actor": seller.actor,
        }

    def files(self, base_urls: dict[str, str] | None = None) -> dict[str, str]:
        """{file name: text} of registry.csv, warnings.csv, listings.jsonl, sellers.jsonl."""
        base = base_urls or {p: f"http://{h}:{port}" for p, (h, port) in DEFAULT_ADDRESSES.items()}
        listings = (self.listing_json(x, base[x.platform]) for x in self.listings)
        sellers = (self.seller_json(s, base[s.platform]) for s in self.sellers)
        return {
            "registry.csv": _csv(REGISTRY_FIELDS, self.registry),
            "warnings.csv": _csv(WARNING_FIELDS, self.warnings),
            "listings.jsonl": "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in listings),
            "sellers.jsonl": "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sellers),
        }


def build_world(seed: int = 2026, size: int = 300) -> World:
    """The seeded demo world: `size` listings across the three platforms. Pure."""
    rng = random.Random(seed)
    catalogue = Catalogue(rng)
    drafts = [
        scenario(catalogue, rng) for scenario, n in _apportion(SCENARIOS, size) for _ in range(n)
    ]
    rng.shuffle(drafts)
    catalogue.fill_registry(max(len(catalogue.registry) + 40, int(size * 1.1)))
    sellers = build_sellers(rng, max(6, round(size * 0.22)))
    platforms = [p for p, n in _apportion(tuple(PLATFORM_SHARE.items()), size) for _ in range(n)]
    rng.shuffle(platforms)
    owners = _assign_sellers(rng, sellers, platforms)
    used_paths: set[str] = set()
    listings = [
        _listing(rng, n, draft, platform, owner, used_paths)
        for n, (draft, platform, owner) in enumerate(zip(drafts, platforms, owners, strict=True), 1)
    ]
    if size >= 30:
        _make_hostile(rng, listings)
    registry = sorted((p.registry_row() for p in catalogue.registry), key=lambda r: r["nie"])
    warnings = [w.row() for w in catalogue.warnings]
    return World(seed, size, tuple(listings), tuple(sellers), tuple(registry), tuple(warnings))


def _apportion(shares: tuple[tuple[Any, float], ...], total: int) -> list[tuple[Any, int]]:
    """Whole counts summing to `total`, by largest remainder."""
    exact = [(item, share * total) for item, share in shares]
    counts = [int(x) for _, x in exact]
    order = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i][1], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return [(item, n) for (item, _), n in zip(exact, counts, strict=True)]


def _assign_sellers(
    rng: random.Random, sellers: list[Seller], platforms: list[str]
) -> list[Seller]:
    """Every seller gets a listing first; the rest go to a few busy sellers more often."""
    owners: list[Seller | None] = [None] * len(platforms)
    for platform in PLATFORMS:
        slots = [i for i, p in enumerate(platforms) if p == platform]
        shops = [s for s in sellers if s.platform == platform]
        rng.shuffle(slots)
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(shops))]
        for k, slot in enumerate(slots):
            owners[slot] = shops[k] if k < len(shops) else rng.choices(shops, weights)[0]
    return [o for o in owners if o is not None]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70].rstrip("-")


def _listing(
    rng: random.Random, n: int, draft: Draft, platform: str, seller: Seller, used: set[str]
) -> DemoListing:
    price = price_for(rng, draft)
    contact = seller.phone if rng.random() < 0.3 else ""
    title, description = compose(rng, draft, price, contact)
    p = draft.product
    name = draft.title or p.name
    if platform == "pasarku":
        path = f"/p/{seller.slug}/{_slug(name)}"
    elif platform == "tokosehat":
        path = f"/produk/{_slug(name)}/"
    else:
        code = "".join(
            rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789_")
            for _ in range(11)
        )
        path = f"/post/{code}"
    base, k = path.rstrip("/"), 2
    while path in used:  # a shop selling the same product twice gets "-2"
        path, k = f"{base}-{k}" + ("/" if platform == "tokosehat" else ""), k + 1
    used.add(path)
    if platform == "ceritaku":  # a post is one caption; the price, if any, is in the text
        description = f"{title}\n{description}\n\n{HASHTAGS[p.category]} #cod #ready"
        title, price_field = "", None
    else:
        price_field = price
    return DemoListing(
        id=f"DM-{n:04d}", platform=platform, path=path, title=title, description=description,
        price=price_field, seller_id=seller.id, category=p.category, product_name=name,
        brand=p.brand, scenario=draft.kind, expected=draft.expected, why=draft.why,
        sku=f"SKU-{rng.randrange(10_000, 99_999)}", nie=draft.nie,
    )  # fmt: skip


def _make_hostile(rng: random.Random, listings: list[DemoListing]) -> None:
    """Markup and odd text that pages must show literally; the codes stay as they were."""
    for platform, label in HOSTILE:
        i = rng.choice(
            [i for i, x in enumerate(listings) if x.platform == platform and not x.hostile]
        )
        x = listings[i]
        title, description = x.title, x.description
        if label == "script-title":
            title = "<script>alert(1)</script> " + title
        elif label == "img-onerror":
            description += "\n<img src=x onerror=alert(1)> foto asli produk"
        elif label == "long-description":
            description += ("\n" + LONG_TESTIMONY) * 600
        elif label == "odd-unicode":
            title = f"✨𝐏𝐑𝐎𝐌𝐎✨ {title} \u200b🌿"
            description += "\nꦗꦩꦸ ꦱꦺꦲꦠ꧀ \u202eKIRIM CEPAT\u202c Ori\u0307\u0307 ﷽ Ｒｅａｄｙ"
        elif label == "jsonld-breakout":
            title += " </script><script>alert('ld')</script>"
            description += '\n"><svg onload=alert(1)> & <!-- komentar -->'
        elif label == "caption-markup":
            markup = "<img src=x onerror=alert(1)> <b>PROMO</b> <script>alert(1)</script>"
            description = f"{markup}\n{description}"
        why = f"{x.why} (Hostile text: {label}; pages must show it literally.)"
        listings[i] = replace(x, title=title, description=description, hostile=label, why=why)


def _csv(fields: tuple[str, ...], rows: tuple[dict[str, str], ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
