"""Sellers of the demo world: shops and accounts, and the real-world actors behind them.

Some actors run accounts on several platforms (or two shops on one). Their accounts always
share at least one strong identifier - a phone/WhatsApp number, an e-mail or a bank account -
written differently on each page. Two decoy pairs share only a look-alike name.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from patroli.demo import vocab
from patroli.demo.numbers import make_phone, write_phone

PLATFORMS = ("pasarku", "tokosehat", "ceritaku")
# How many platforms an actor sells on, and which: (share, platforms).
FOOTPRINTS = (
    (0.31, ("pasarku",)),
    (0.25, ("ceritaku",)),
    (0.13, ("tokosehat",)),
    (0.12, ("pasarku", "ceritaku")),
    (0.06, ("pasarku", "tokosehat")),
    (0.05, ("tokosehat", "ceritaku")),
    (0.05, ("pasarku", "tokosehat", "ceritaku")),
    (0.03, ("pasarku", "pasarku", "ceritaku")),
)
BANK_DIGITS = {"BCA": 10, "BNI": 10, "BSI": 10, "BRI": 15, "Mandiri": 13}


@dataclass(frozen=True)
class Seller:
    """One shop or account on one platform."""

    id: str
    platform: str
    shop_name: str
    slug: str  # pasarku/tokosehat shop slug; the ceritaku handle
    location: str
    bio: str  # what the shop or profile page says about itself, contacts included
    phone: str  # the number as this account writes it
    actor: str  # ground truth: accounts of one real-world actor share this id

    @property
    def path(self) -> str:
        return {
            "pasarku": f"/toko/{self.slug}",
            "tokosehat": f"/store/{self.slug}/",
            "ceritaku": f"/@{self.slug}",
        }[self.platform]


@dataclass
class _Actor:
    id: str
    person: str
    base_name: str
    phones: list[str]
    email: str
    bank: str  # "BCA 1234567890"
    city: str
    tagline: str


def build_sellers(rng: random.Random, count: int) -> list[Seller]:
    """`count` accounts, numbered per platform in a stable order."""
    plans: list[tuple[_Actor, str, int]] = []  # (actor, platform, account number of the actor)
    while len(plans) < count or len({p[1] for p in plans}) < len(PLATFORMS):
        actor = _new_actor(rng, f"ACT-{len({p[0].id for p in plans}) + 1:03d}")
        footprint = _pick_footprint(rng)
        if count >= 30 and len({p[0].id for p in plans}) == 4:  # one actor everywhere, always
            footprint = PLATFORMS
        missing = [p for p in PLATFORMS if p not in {plan[1] for plan in plans}]
        if len(plans) >= count - len(missing) and missing:  # small worlds: every platform
            footprint = (missing[0],)
        for n, platform in enumerate(footprint[: max(1, count - len(plans))]):
            plans.append((actor, platform, n))
    sellers: list[Seller] = []
    used: dict[str, set[str]] = {p: set() for p in PLATFORMS}
    counters = dict.fromkeys(PLATFORMS, 0)
    shared = {a.id: _shared_kind(rng, a) for a, _, _ in plans}
    for actor, platform, n in plans:
        counters[platform] += 1
        name = actor.base_name if n == 0 or rng.random() < 0.5 else _shop_name(rng)
        seller_id = f"{platform[0].upper()}S-{counters[platform]:03d}"
        slug = _unique(_slug(name, platform, rng), used[platform])
        bio, phone = _bio(rng, actor, platform, n, shared[actor.id])
        sellers.append(Seller(seller_id, platform, name, slug, actor.city, bio, phone, actor.id))
    return _with_decoys(rng, sellers)


def _shared_kind(rng: random.Random, actor: _Actor) -> str:
    """Which identifier all accounts of the actor show: only one it actually has."""
    kinds = ["phone", "phone", "phone"]
    kinds += ["email"] * bool(actor.email) + ["bank"] * bool(actor.bank)
    return rng.choice(kinds)


def _pick_footprint(rng: random.Random) -> tuple[str, ...]:
    roll, total = rng.random(), 0.0
    for share, footprint in FOOTPRINTS:
        total += share
        if roll < total:
            return footprint
    return FOOTPRINTS[0][1]


def _new_actor(rng: random.Random, actor_id: str) -> _Actor:
    person = rng.choice(vocab.PERSON_NAMES)
    base = _shop_name(rng)
    local = re.sub(r"[^a-z0-9]", "", base.lower()) + str(rng.randrange(10, 100))
    bank = rng.choice(vocab.BANKS)
    account = str(rng.randrange(1, 10)) + "".join(
        str(rng.randrange(10)) for _ in range(BANK_DIGITS[bank] - 1)
    )
    return _Actor(
        id=actor_id,
        person=person,
        base_name=base,
        phones=[make_phone(rng) for _ in range(rng.choice((1, 2)))],
        email=f"{local}@{rng.choice(vocab.MAIL_DOMAINS)}" if rng.random() < 0.6 else "",
        bank=f"{bank} {account}" if rng.random() < 0.5 else "",
        city=rng.choice(vocab.CITIES),
        tagline=rng.choice(vocab.SHOP_TAGLINES),
    )


def _shop_name(rng: random.Random) -> str:
    return " ".join(
        (rng.choice(vocab.SHOP_FIRST), rng.choice(vocab.SHOP_MIDDLE), rng.choice(vocab.SHOP_LAST))
    )


def _slug(name: str, platform: str, rng: random.Random) -> str:
    words = re.sub(r"[^a-z0-9 ]", "", name.lower()).split()
    if platform == "ceritaku":
        return rng.choice((".", "_", "")).join(words[:2]) + rng.choice(("", "id", ".official", "_"))
    return "-".join(words)


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}{n}", n + 1
    used.add(candidate)
    return candidate


def _write_bank(rng: random.Random, bank: str, person: str) -> str:
    name, number = bank.split()
    grouped = f"{number[:3]}-{number[3:6]}-{number[6:]}" if len(number) == 10 else number
    return rng.choice(
        (
            f"{name} {grouped} a.n. {person}",
            f"Rek {name}: {number} ({person})",
            f"Transfer {name} {number} an {person}",
        )
    )


def _bio(rng: random.Random, actor: _Actor, platform: str, n: int, shared: str) -> tuple[str, str]:
    """The account's self-description and its main number as written there."""
    style = rng.randrange(10)
    # A second account of the actor writes the shared number in another way.
    phone = write_phone(rng, actor.phones[0], style + 3 * n)
    lines = [actor.tagline]
    show_phone = shared == "phone" or n == 0 or rng.random() < 0.3
    if not show_phone:  # the account lists its own line instead
        phone = write_phone(rng, make_phone(rng), style)
    if platform == "ceritaku":
        lines = [f"✨ {actor.tagline} ✨", f"📍 {actor.city}", f"📲 Order WA {phone}"]
    else:
        lines += [f"Lokasi: {actor.city}", f"WhatsApp: {phone}"]
    if len(actor.phones) > 1 and rng.random() < 0.5:
        lines.append(f"Admin 2: {write_phone(rng, actor.phones[1])}")
    if actor.email and (shared == "email" or rng.random() < 0.4):
        lines.append(f"Email: {actor.email}")
    if actor.bank and (shared == "bank" or rng.random() < 0.4):
        lines.append(_write_bank(rng, actor.bank, actor.person))
    if platform != "ceritaku":
        lines.append(rng.choice(("Jam operasional 08.00-20.00 WIB", "Libur hari Minggu", "")))
    return "\n".join(line for line in lines if line), phone


def _with_decoys(rng: random.Random, sellers: list[Seller]) -> list[Seller]:
    """Give two pairs of unrelated single-account sellers look-alike names (no shared contact)."""
    by_actor: dict[str, int] = {}
    for s in sellers:
        by_actor[s.actor] = by_actor.get(s.actor, 0) + 1
    singles = [i for i, s in enumerate(sellers) if by_actor[s.actor] == 1]
    pasarku = [i for i in singles if sellers[i].platform == "pasarku"]
    others = [i for i in singles if sellers[i].platform != "pasarku"]
    for a, b in list(zip(pasarku[-2:], others[-2:], strict=False)):
        original, copy = sellers[a], sellers[b]
        twin = original.shop_name + rng.choice((" ID", " Official", ""))
        sellers[b] = Seller(
            copy.id, copy.platform, twin, copy.slug, copy.location, copy.bio, copy.phone, copy.actor
        )
    return sellers
