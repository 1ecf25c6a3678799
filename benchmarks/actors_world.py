"""A seeded world of seller accounts and the actors behind them, shaped like a patrol's.

    world = generate(1_000_000, seed=2026)

Actors' sizes follow a heavy tail: most run one account, some two to five, a few dozen
"operations" run 20-80 accounts holding thousands of listings. Every account writes some of its
actor's identifiers (phones, e-mails, bank accounts, handles), normalised as the crawler stores
them; a later account of an actor usually repeats one an earlier one showed (transitive chains),
and about one in fifteen shows only identifiers of its own, which no linker can join (the truth
keeps them in their actor: recall has a ceiling, `linkable_truth` measures it). Beside them the
noise a real patrol sees: each marketplace's customer-service number and the couriers' numbers
printed on thousands of shops, rekber (escrow) bank accounts on hundreds, numbers and e-mails
left in from shop templates, look-alike shop names of unrelated actors, shared cities.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 1, 5, tzinfo=UTC)
PLATFORMS = (("shopee", 30), ("tokopedia", 26), ("lazada", 8), ("bukalapak", 7),
             ("blibli", 3), ("tiktok", 10), ("instagram", 8), ("facebook", 6),
             ("web", 2))  # fmt: skip
HOSTS = {"shopee": "shopee.co.id", "tokopedia": "www.tokopedia.com", "lazada": "www.lazada.co.id",
         "bukalapak": "www.bukalapak.com", "blibli": "www.blibli.com", "tiktok": "www.tiktok.com",
         "instagram": "www.instagram.com", "facebook": "www.facebook.com",
         "web": "toko.example"}  # fmt: skip
CITIES = (("Jakarta Barat", 9), ("Jakarta Timur", 8), ("Jakarta Utara", 5), ("Jakarta Selatan", 6),
          ("Tangerang", 6), ("Bekasi", 6), ("Depok", 4), ("Bogor", 4), ("Bandung", 7),
          ("Surabaya", 7), ("Semarang", 4), ("Yogyakarta", 3), ("Malang", 3), ("Medan", 5),
          ("Palembang", 2), ("Makassar", 3), ("Denpasar", 2), ("Batam", 2), ("Pekanbaru", 2),
          ("Pontianak", 1), ("Banjarmasin", 1), ("Samarinda", 1), ("Manado", 1), ("Padang", 1),
          ("Solo", 2), ("Cirebon", 1), ("Kediri", 1), ("Jember", 1), ("Mataram", 1),
          ("Kupang", 1))  # fmt: skip
FIRST = ("Toko", "Grosir", "Pusat", "Rumah", "Gudang", "Dunia", "Galeri", "Istana", "Sentra",
         "Kios", "Warung", "Apotek", "Herbal", "Jamu", "Kosmetik", "Skincare", "Beauty", "Natural",
         "Sehat", "Griya", "Omah", "Lapak", "Agen", "Distributor", "Outlet", "Butik", "Mega",
         "Super", "Bunda", "Mama", "Kedai", "Depot", "Aneka", "Serba", "Pojok", "Sumber",
         "Cahaya", "Berkah", "Amanah", "Barokah")  # fmt: skip
MIDDLE = ("Sehat", "Cantik", "Herbal", "Glowing", "Alami", "Jaya", "Makmur", "Sentosa", "Abadi",
          "Sejahtera", "Mulia", "Indah", "Putih", "Segar", "Kuat", "Prima", "Utama", "Murni",
          "Asli", "Sakti", "Ajaib", "Emas", "Permata", "Mutiara", "Melati", "Mawar", "Kenanga",
          "Cempaka", "Anggrek", "Teratai", "Surya", "Bintang", "Bulan", "Pelangi", "Nusantara",
          "Sumatra", "Borneo", "Jawa", "Bali", "Rinjani", "Merapi", "Bromo", "Dewi", "Ratu",
          "Raja", "Putri", "Kirana", "Ayu", "Sari", "Lestari")  # fmt: skip
LAST = ("Store", "Shop", "Official", "Mart", "Collection", "Grosir", "Abadi", "Jaya", "Makmur",
        "Farma", "Herbal", "Beauty", "Care", "Skin", "Medika", "Sejati", "88", "99", "77",
        "Indonesia", "ID", "Center", "Corner", "House", "Point", "Express", "Online", "Olshop",
        "Group", "Family")  # fmt: skip
VARIANTS = ("", " Official", " ID", " Store", " 2", " Shop", " Grosir", " New", " Ori")
PRODUCTS = {
    "kosmetik": ("krim pemutih wajah", "serum glowing", "lotion pencerah", "cream racikan",
                 "sabun pemutih", "krim malam", "masker wajah", "body lotion whitening"),
    "obat_tradisional": ("jamu pegal linu", "jamu kuat pria", "jamu asam urat", "kapsul herbal",
                         "jamu galian singset", "obat herbal kolesterol", "minyak urut"),
    "obat": ("tramadol 50 mg", "dexamethasone", "amoxicillin", "sildenafil 100mg",
             "misoprostol", "obat penenang", "antibiotik", "salep kulit"),
    "suplemen_kesehatan": ("suplemen peninggi", "vitamin penambah nafsu makan",
                           "kapsul pelangsing", "madu penggemuk", "suplemen imun"),
    "pangan_olahan": ("susu penggemuk", "kopi kuat", "teh pelangsing", "minuman detoks",
                      "permen stamina", "keripik pedas"),
}  # fmt: skip
BANKS = (("bca", 10), ("bri", 15), ("mandiri", 13), ("bni", 10), ("bsi", 10), ("jago", 12),
         ("seabank", 12), ("cimb", 13))  # fmt: skip
MAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "yahoo.co.id", "hotmail.com",
        "outlook.com", "ymail.com")  # fmt: skip
ACCOUNTS_PER_LISTING = 0.175  # ~175,000 accounts at 1,000,000 listings
THIRD_PARTY = "third_party_"  # as rules.identifiers marks somebody else's number
COURIERS = ("jne", "jnt", "sicepat", "anteraja", "ninja", "pos", "tiki", "lion")


@dataclass(frozen=True)
class Noise:
    """Identifiers that join nothing: (kind, value) -> what it is."""

    values: dict[tuple[str, str], str]

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self.values


@dataclass
class World:
    """Rows in the casebook's column order, and the truth beside them (index = seller id - 1)."""

    seed: int
    sellers: list[tuple] = field(default_factory=list)  # id, platform, key, name, url, location
    identifiers: list[tuple] = field(default_factory=list)  # seller_id, kind, value
    listings: list[tuple] = field(default_factory=list)  # id, url, platform, title, seller, cat
    actor_of: list[int] = field(default_factory=list)  # seller index -> true actor number
    noise: Noise = field(default_factory=lambda: Noise({}))
    categories: list[str] = field(default_factory=list)  # seller index -> main category
    stoplist: tuple[tuple[str, str, str], ...] = ()  # what an admin has listed: kind, value, why

    @property
    def actors(self) -> int:
        return len(set(self.actor_of))


class _Ids:
    """Fresh, never-repeating identifiers of each kind."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def _fresh(self, kind: str, make) -> tuple[str, str]:
        while True:
            key = (kind, make())
            if key not in self.used:
                self.used.add(key)
                return key

    def phone(self) -> tuple[str, str]:
        r = self.rng

        def number() -> str:
            digits = "".join(str(r.randrange(10)) for _ in range(r.choice((8, 9))))
            return f"+628{r.choice((1, 2, 3, 5, 7, 8, 9))}{digits}"

        return self._fresh("phone", number)

    def email(self, name: str) -> tuple[str, str]:
        r = self.rng
        local = "".join(ch for ch in name.lower() if ch.isalnum())[:18]
        return self._fresh("email", lambda: f"{local}{r.randrange(1, 9999)}@{r.choice(MAIL)}")

    def bank(self) -> tuple[str, str]:
        r = self.rng
        bank, digits = r.choice(BANKS)
        number = str(r.randrange(1, 10)) + "".join(str(r.randrange(10)) for _ in range(digits - 1))
        return self._fresh("bank_account", lambda: f"{bank}:{number}")

    def handle(self, name: str) -> tuple[str, str]:
        r = self.rng
        base = "".join(ch for ch in name.lower() if ch.isalnum() or ch == " ").replace(" ", "_")
        return self._fresh("handle", lambda: f"@{base[:20]}{r.choice(('', '.id', '_'))}"
                           f"{r.randrange(1, 999)}")  # fmt: skip


def _noise(rng: random.Random, ids: _Ids) -> tuple[dict, dict, list, list]:
    """Customer-service numbers per platform, couriers', rekber accounts, template contacts."""
    service = {p: ids.phone() for p, _ in PLATFORMS}
    couriers = [ids.phone() for _ in COURIERS]
    rekber = [ids.bank() for _ in range(25)]
    template = [("phone", "+6281234567890"), ("phone", "+6281200000000"),
                ("phone", "+628123456789"), ("email", "admin@tokoku.com"),
                ("email", "email@domain.com"), ("phone", "+6285700001111")]  # fmt: skip
    ids.used.update(template)
    return service, {"couriers": couriers}, rekber, template


def _size(rng: random.Random) -> int:
    """Accounts of one actor: a heavy tail."""
    roll = rng.random()
    if roll < 0.80:
        return 1
    if roll < 0.975:
        return rng.randint(2, 5)
    if roll < 0.9985:
        return rng.randint(6, 15)
    return rng.randint(20, 80)


def _weighted(rng: random.Random, table) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def shop_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}"


def generate(listings: int, seed: int = 2026) -> World:
    """The world for `listings` listings; the same seed gives the same world."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    service, extra, rekber, template = _noise(rng, ids)
    world = World(seed)
    noise = {key: f"customer service {p}" for p, key in service.items()}
    noise.update({key: f"courier {c}" for c, key in zip(COURIERS, extra["couriers"], strict=True)})
    noise.update({key: "rekber" for key in rekber})
    noise.update({key: "template" for key in template})
    world.noise = Noise(noise)
    # The admin has listed the marketplaces' own numbers; couriers, rekber and templates are
    # left to the frequency cap, as on a casebook nobody has tidied yet.
    world.stoplist = tuple((k, v, why) for (k, v), why in noise.items() if "service" in why)
    target = max(1, round(listings * ACCOUNTS_PER_LISTING))
    weights: list[float] = []
    actor = 0
    while len(world.sellers) < target:
        actor += 1
        size = min(_size(rng), target - len(world.sellers))
        _actor_accounts(rng, ids, world, actor, size, weights)
    for seller_id, platform, *_rest in world.sellers:
        world.identifiers += _noise_for(rng, seller_id, platform, service, extra, rekber, template)
    _listings(rng, world, listings, weights)
    return world


def _actor_accounts(rng, ids: _Ids, world: World, actor: int, size: int, weights) -> None:
    base = shop_name(rng)
    city = _weighted(rng, CITIES)
    category = rng.choice(tuple(PRODUCTS))
    big = size >= 20
    pool = [ids.phone() for _ in range(max(rng.choice((1, 1, 1, 2, 2, 3)), size // 4))]
    if rng.random() < (0.9 if big else 0.55):
        pool += [ids.email(base) for _ in range(1 + big * rng.randrange(3))]
    if rng.random() < (0.9 if big else 0.4):
        pool += [ids.bank() for _ in range(1 + big * rng.randrange(2))]
    if rng.random() < 0.3:
        pool.append(ids.handle(base))
    home = _weighted(rng, PLATFORMS)
    shown_before: list[tuple[str, str]] = []
    for n in range(size):
        seller_id = len(world.sellers) + 1
        platform = home if n == 0 or rng.random() < 0.35 else _weighted(rng, PLATFORMS)
        name = base + rng.choice(VARIANTS) if n == 0 or rng.random() < 0.6 else shop_name(rng)
        location = city if rng.random() < 0.9 else _weighted(rng, CITIES)
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24] + str(seller_id)
        url = f"https://{HOSTS[platform]}/{slug}"
        world.sellers.append((seller_id, platform, url, name, url, location))
        world.actor_of.append(actor)
        world.categories.append(category)
        shown = _shown(rng, pool, shown_before, ids, n)
        shown_before += shown
        world.identifiers += [(seller_id, kind, value) for kind, value in shown]
        weight = min(rng.paretovariate(1.3), 150.0) * (10 if big else 1)
        weights.append(weight)


def _shown(rng, pool, shown_before, ids: _Ids, n: int) -> list[tuple[str, str]]:
    """What one account of the actor writes on its pages."""
    if n == 0:
        shown = {pool[0]} | {x for x in pool[1:] if rng.random() < 0.5}
    elif rng.random() < 0.93:  # repeats something an earlier account showed: a chain
        shown = {rng.choice(shown_before)} | {x for x in pool if rng.random() < 0.25}
    else:  # only a number of its own: nothing joins it
        shown = set()
    if not shown or rng.random() < 0.3:
        shown.add(ids.phone())  # the account's own admin line
    return sorted(shown)


def _noise_for(rng, seller_id: int, platform: str, service, extra, rekber, template):
    """The third parties' identifiers one shop prints. Most are written beside words naming
    the service ("CS Shopee 0811...", "rekber BCA ...") and the crawler stores them as
    `third_party_<kind>`; the rest are bare, as template numbers always are."""
    shown = []
    if rng.random() < 0.04:
        shown.append((service[platform], 0.8))
    for courier in extra["couriers"]:
        if rng.random() < 0.012:
            shown.append((courier, 0.8))
    if rng.random() < 0.05:  # rekber services of every size, the smallest on ~100 shops
        shown.append((rng.choices(rekber, range(4, 4 + len(rekber)))[0], 0.7))
    if rng.random() < 0.02:
        shown.append((rng.choice(template), 0.0))
    rows = {}
    for (kind, value), labelled in shown:
        rows[value] = (seller_id, THIRD_PARTY + kind if rng.random() < labelled else kind, value)
    return list(rows.values())


def _listings(rng: random.Random, world: World, count: int, weights: list[float]) -> None:
    sellers = len(world.sellers)
    owners = list(range(sellers))[:count]
    owners += rng.choices(range(sellers), weights, k=max(0, count - len(owners)))
    owners.sort()
    for listing_id, owner in enumerate(owners, start=1):
        seller_id, platform, url, *_ = world.sellers[owner]
        category = world.categories[owner]
        product = rng.choice(PRODUCTS[category])
        title = f"{product.title()} {rng.choice(MIDDLE)} original bpom"
        world.listings.append(
            (listing_id, f"{url}/p/{listing_id}", platform, title, seller_id, category)
        )


def seen_at(n: int) -> datetime:
    return T0 + timedelta(seconds=n * 7)


def new_batch(world: World, count: int, seed: int) -> Iterator[tuple]:
    """`count` listings a crawl finds next: most from known sellers, some from new accounts,
    half of those an existing actor's (they show one of its identifiers). Yields
    (url, platform, title, category, (platform, name, url, location, identifiers))."""
    rng = random.Random(seed)
    by_seller: dict[int, list[tuple[str, str]]] = {}
    for seller_id, kind, value in world.identifiers:
        by_seller.setdefault(seller_id, []).append((kind, value))
    ids = _Ids(rng)
    ids.used = {(k, v) for _, k, v in world.identifiers}
    for n in range(count):
        if rng.random() < 0.7:
            seller_id, platform, url, name, _, location = rng.choice(world.sellers)
            shown = tuple(by_seller.get(seller_id, ()))
        else:
            platform = _weighted(rng, PLATFORMS)
            name = shop_name(rng)
            url = f"https://{HOSTS[platform]}/new{seed}x{n}"
            location = _weighted(rng, CITIES)
            shown = (ids.phone(),)
            if rng.random() < 0.5:  # an existing actor's new account
                known = by_seller.get(rng.randrange(1, len(world.sellers) + 1))
                if known:
                    shown += (rng.choice(known),)
        category = rng.choice(tuple(PRODUCTS))
        title = f"{rng.choice(PRODUCTS[category]).title()} {rng.choice(MIDDLE)} baru"
        yield (f"{url}/p/new{seed}x{n}", platform, title, category,
               (platform, name, url, location, shown))  # fmt: skip
