"""What each demo listing is: its product, the number it claims, its ground-truth codes and why.

A scenario draws the products it needs from the Catalogue (so the registry and warnings match
the listings) and returns a Draft; `compose` turns a Draft into title and description text.
The codes follow DESIGN.md §3: no_nie is for drugs, jamu, supplements and cosmetics only, and
never when some registration number is shown or the product is registered by name and brand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from patroli.demo import vocab
from patroli.demo.catalog import Catalogue, Product
from patroli.demo.numbers import hard_negatives, malform, nie_phrase, split_nie, write_nie

NON_FOOD = ("obat_tradisional", "suplemen_kesehatan", "kosmetik")
FOOD = ("pangan_olahan", "pangan_irt")
RX_CLASSES = ("K", "P", "N")


@dataclass
class Draft:
    kind: str
    product: Product
    expected: tuple[str, ...]
    why: str
    nie: str = ""  # the normalized number the listing claims (possibly malformed)
    lines: list[str] = field(default_factory=list)  # the lines that carry the violation
    title: str = ""  # street-sold drugs name no brand


def clean_with_nie(cat: Catalogue, rng: random.Random) -> Draft:
    category = rng.choice(("obat", *NON_FOOD, *FOOD, "obat_kuasi"))
    p = cat.registered(category)
    why = (
        f"Shows {p.nie}, registered and valid for this same product ({p.name}); the other digits "
        "are phones, prices, barcodes or order numbers."
    )
    return Draft("clean_with_nie", p, (), why, nie=p.nie)


def clean_without_nie(cat: Catalogue, rng: random.Random) -> Draft:
    p = cat.registered(rng.choice(("obat", *NON_FOOD, *FOOD)))
    why = (
        f"No NIE in the text, but brand '{p.brand}' and product name match registered valid "
        f"product {p.nie} ({p.name}), so no_nie does not apply."
    )
    return Draft("clean_without_nie", p, (), why)


def clean_food(cat: Catalogue, rng: random.Random) -> Draft:
    p = cat.unregistered(rng.choice(FOOD))
    why = "Food with no NIE in the text; no_nie does not apply to food and nothing else is wrong."
    return Draft("clean_food", p, (), why)


def unregistered_nie(cat: Catalogue, rng: random.Random) -> Draft:
    category = rng.choice(("obat", *NON_FOOD, *NON_FOOD, *FOOD, "obat_kuasi"))
    p = cat.unregistered(category)
    nie = cat.fresh_nie(category, rng.choice("BT"))
    why = f"Claims {nie}, which is well-formed for its prefix but absent from the registry."
    return Draft("unregistered_nie", p, ("unregistered_nie",), why, nie=nie)


def malformed_nie(cat: Catalogue, rng: random.Random) -> Draft:
    if rng.random() < 0.6:
        category = rng.choice(FOOD)
        p = cat.registered(category) if rng.random() < 0.3 else cat.unregistered(category)
        nie = malform(rng, p.nie or cat.fresh_nie(category))
        why = (
            f"Food listing claims {nie}, whose digit count is wrong for prefix "
            f"{split_nie(nie)[0]}; food needs no NIE, so no_nie cannot apply."
        )
    else:
        p = cat.registered(rng.choice(("obat", *NON_FOOD)))
        nie = malform(rng, p.nie)
        why = (
            f"Claims {nie}, whose digit count is wrong for prefix {split_nie(nie)[0]}; the "
            f"product matches registered {p.name} by name and brand, so no_nie does not apply."
        )
    return Draft("malformed_nie", p, ("malformed_nie",), why, nie=nie)


def nie_mismatch(cat: Catalogue, rng: random.Random) -> Draft:
    lenders = [
        r for r in cat.registry
        if r.status == "valid" and r.klass not in RX_CLASSES and r.nie not in cat.warned_nies
    ]  # fmt: skip
    lender = rng.choice(lenders) if lenders and rng.random() < 0.5 else None
    lender = lender or cat.registered(rng.choice(("obat", *NON_FOOD, *FOOD)))
    same = lender.category != "obat" and rng.random() < 0.5
    p = cat.unregistered(lender.category if same else rng.choice((*NON_FOOD, *FOOD)))
    what = "product and brand" if p.category == lender.category else "category"
    why = (
        f"Shows {lender.nie}, which the registry gives to {lender.name} ({lender.brand}, "
        f"{lender.category}) - a different {what} than this {p.brand} listing (borrowed NIE)."
    )
    return Draft("nie_mismatch", p, ("nie_mismatch",), why, nie=lender.nie)


def expired_nie(cat: Catalogue, rng: random.Random) -> Draft:
    status = rng.choice(("expired", "revoked"))
    p = cat.registered(rng.choice(("obat", *NON_FOOD, *FOOD)), status=status)
    why = f"Shows {p.nie} and the product matches it, but the registry status is {status}."
    return Draft("expired_nie", p, ("expired_nie",), why, nie=p.nie)


def public_warning(cat: Catalogue, rng: random.Random) -> Draft:
    way = rng.choice(
        ("name", "name", "food", "fake_nie", "registered", "revoked", "name_registered")
    )
    if way == "food":
        p = cat.unregistered(rng.choice(FOOD))
        w = cat.warning(p)
        why = (
            f"Food whose name and brand match public-warning entry {p.name} ({w.hazard}); no NIE "
            "shown, which food does not need."
        )
        return Draft("public_warning", p, ("public_warning",), why)
    category = rng.choice(NON_FOOD)
    if way == "name":
        p = cat.unregistered(category)
        w = cat.warning(p)
        why = (
            f"Name and brand match public-warning entry {p.name} ({w.hazard}); it shows no NIE "
            "and is not in the registry, so no_nie applies too."
        )
        return Draft("public_warning", p, ("public_warning", "no_nie"), why)
    if way == "fake_nie":
        p = cat.unregistered(category)
        w = cat.warning(p, cat.fresh_nie(category))
        why = (
            f"Shows {w.nie}, the fictitious number of public-warning entry {p.name} ({w.hazard}); "
            "that number is not in the registry."
        )
        return Draft("public_warning", p, ("public_warning", "unregistered_nie"), why, nie=w.nie)
    if way == "revoked":
        p = cat.registered(category, status="revoked")
        w = cat.warning(p, p.nie)
        why = (
            f"Shows {p.nie}, listed in the public warnings ({w.hazard}) and revoked in the "
            "registry."
        )
        return Draft("public_warning", p, ("public_warning", "expired_nie"), why, nie=p.nie)
    p = cat.registered(category)
    if way == "registered":
        w = cat.warning(p, p.nie)
        why = (
            f"Shows {p.nie} (registered, valid, same product), which is listed in the public "
            f"warnings ({w.hazard})."
        )
        return Draft("public_warning", p, ("public_warning",), why, nie=p.nie)
    w = cat.warning(p)
    why = (
        f"No NIE shown, but name and brand match public-warning entry {p.name} ({w.hazard}); the "
        "product is also registered (valid), so no_nie does not apply."
    )
    return Draft("public_warning", p, ("public_warning",), why)


def prescription_drug(cat: Catalogue, rng: random.Random) -> Draft:
    way = rng.choice(("registered", "registered", "name", "street", "street", "street", "fake_nie"))
    selling = [rng.choice(vocab.NO_PRESCRIPTION_LINES)] if rng.random() < 0.5 else []
    if way == "street":
        street = rng.choice(vocab.STREET_DRUGS)
        p = Product(street.title, "", "obat", "Tablet", "", "", substance=street.substance)
        lines = [street.line, rng.choice(vocab.NO_PRESCRIPTION_LINES)]
        why = (
            f"Sells {street.substance}, a prescription-only drug, with no NIE and no registered "
            "product of that name and brand."
        )
        return Draft(
            "prescription_drug",
            p,
            ("prescription_drug", "no_nie"),
            why,
            lines=lines,
            title=street.title,
        )
    if way == "fake_nie":
        p = cat.unregistered("obat", rx=True)
        nie = cat.fresh_nie("obat", p.klass)
        why = (
            f"Claims {nie}: class letter {p.klass} means prescription-only, and the number is not "
            "in the registry."
        )
        return Draft(
            "prescription_drug",
            p,
            ("prescription_drug", "unregistered_nie"),
            why,
            nie=nie,
            lines=selling,
        )
    p = cat.registered("obat", rx=True)
    if way == "registered":
        why = (
            f"Shows {p.nie}, registered (valid) to this {p.substance} product; class letter "
            f"{p.klass} means prescription-only."
        )
        return Draft("prescription_drug", p, ("prescription_drug",), why, nie=p.nie, lines=selling)
    why = (
        f"{p.substance} is a prescription-only drug; no NIE shown but name and brand match "
        f"registered {p.nie} ({p.name}), so no_nie does not apply."
    )
    return Draft("prescription_drug", p, ("prescription_drug",), why, lines=selling)


def hazardous_ingredient(cat: Catalogue, rng: random.Random) -> Draft:
    way = rng.choice(("registered", "registered", "unregistered", "food"))
    category = rng.choice(FOOD if way == "food" else NON_FOOD)
    line = rng.choice(vocab.BKO_LINES[category])
    if way == "unregistered":
        p = cat.unregistered(category)
        why = (
            f"This {category} product states '{line}' affirmatively (drug substance or banned "
            "ingredient); it also shows no NIE and its brand is not registered."
        )
        return Draft(
            "hazardous_ingredient", p, ("hazardous_ingredient", "no_nie"), why, lines=[line]
        )
    p = cat.registered(category) if way == "registered" else cat.unregistered(category)
    nie = p.nie if p.nie and rng.random() < 0.5 else ""
    why = (
        f"This {category} product states '{line}' affirmatively (drug substance or banned "
        "ingredient)"
    )
    why += "; the product itself is registered and valid." if p.registered else "."
    return Draft("hazardous_ingredient", p, ("hazardous_ingredient",), why, nie=nie, lines=[line])


def misleading_claim(cat: Catalogue, rng: random.Random) -> Draft:
    way = rng.choice(("registered", "registered", "unregistered", "food"))
    category = rng.choice(FOOD if way == "food" else NON_FOOD)
    claim = rng.choice(vocab.FORBIDDEN_CLAIMS["kosmetik" if category == "kosmetik" else "general"])
    if way == "unregistered":
        p = cat.unregistered(category)
        why = (
            f"This {category} listing claims '{claim}', which the rules forbid; no NIE is shown "
            "and the brand is not registered."
        )
        return Draft("misleading_claim", p, ("misleading_claim", "no_nie"), why, lines=[claim])
    p = cat.registered(category) if way == "registered" else cat.unregistered(category)
    nie = p.nie if p.nie and rng.random() < 0.5 else ""
    why = f"This {category} listing claims '{claim}', which the rules forbid"
    why += "; the product itself is registered and valid." if p.registered else "."
    return Draft("misleading_claim", p, ("misleading_claim",), why, nie=nie, lines=[claim])


def bko_and_claim(cat: Catalogue, rng: random.Random) -> Draft:
    category = rng.choice(NON_FOOD)
    p = cat.registered(category)
    line = rng.choice(vocab.BKO_LINES[category])
    claim = rng.choice(vocab.FORBIDDEN_CLAIMS["kosmetik" if category == "kosmetik" else "general"])
    why = (
        f"This {category} product states '{line}' affirmatively, plus the forbidden claim "
        f"'{claim}'; the product itself is registered and valid."
    )
    expected = ("hazardous_ingredient", "misleading_claim")
    return Draft(
        "bko_and_claim",
        p,
        expected,
        why,
        nie=p.nie if rng.random() < 0.5 else "",
        lines=[line, claim],
    )


def no_nie(cat: Catalogue, rng: random.Random) -> Draft:
    p = cat.unregistered(rng.choice(NON_FOOD))
    why = (
        f"This {p.category} product shows no NIE anywhere in the text, and its name/brand matches "
        "nothing in the registry."
    )
    return Draft("no_nie", p, ("no_nie",), why)


# (scenario, share of listings). Shares sum to 1; build_world rounds them to whole listings.
SCENARIOS: tuple[tuple[Callable[[Catalogue, random.Random], Draft], float], ...] = (
    (clean_with_nie, 0.15),
    (clean_without_nie, 0.08),
    (clean_food, 0.05),
    (unregistered_nie, 0.08),
    (malformed_nie, 0.07),
    (nie_mismatch, 0.07),
    (expired_nie, 0.06),
    (public_warning, 0.07),
    (prescription_drug, 0.11),
    (hazardous_ingredient, 0.09),
    (misleading_claim, 0.09),
    (bko_and_claim, 0.03),
    (no_nie, 0.05),
)
PRICE_RANGE = {
    "obat": (6_000, 90_000), "obat_tradisional": (15_000, 150_000),
    "suplemen_kesehatan": (35_000, 380_000), "kosmetik": (20_000, 260_000),
    "pangan_olahan": (8_000, 80_000), "pangan_irt": (12_000, 95_000), "obat_kuasi": (8_000, 45_000),
}  # fmt: skip


def price_for(rng: random.Random, draft: Draft) -> int:
    low, high = PRICE_RANGE[draft.product.category]
    if draft.title:  # street-sold prescription drugs cost more than the pharmacy price
        low, high = 60_000, 450_000
    return rng.randrange(low, high) // 500 * 500


def compose(rng: random.Random, draft: Draft, price: int, contact: str = "") -> tuple[str, str]:
    """Title and description text for a Draft, with filler and hard-negative digits mixed in."""
    p = draft.product
    name = draft.title or p.name
    if not draft.title and p.size and rng.random() < 0.5:
        name = f"{name} {p.size}"
    shape = rng.random()
    name = name.upper() if shape < 0.25 else name.lower() if shape < 0.4 else name
    title = (rng.choice(vocab.TITLE_PREFIX) + name + rng.choice(vocab.TITLE_SUFFIX)).strip()
    lines = list(draft.lines)
    if not draft.title:
        label = "" if p.size.startswith("isi") else rng.choice(("Isi: ", "Ukuran: ", ""))
        lines += [p.benefit, rng.choice((label, "Kemasan ")) + p.size]
    if draft.nie:
        written = write_nie(rng, draft.nie)
        if rng.random() < 0.3:
            title = f"{title} {nie_phrase(rng, written, title=True)}"
        else:
            lines.append(nie_phrase(rng, written))
    negations = vocab.NEGATION_LINES.get(p.category, ())
    if negations and rng.random() < 0.35:
        lines.append(rng.choice(negations))
    lines += rng.sample(vocab.FILLER_LINES, rng.randint(2, 4))
    lines += hard_negatives(rng, p.category, price, rng.randint(1, 3))
    if contact:
        lines.append(
            rng.choice(("Fast respon WA ", "Info & order: ", "Hubungi ", "WA admin ")) + contact
        )
    rng.shuffle(lines)
    return title, "\n".join(line for line in lines if line)
