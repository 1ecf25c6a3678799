"""What the linker sees, read from the casebook: seller accounts as `rules.profiling.Account`s,
the stoplist, the analysts' pins, and — for the incremental relink — the accounts a batch of
sellers can reach.

Reads are plain selects of columns (no ORM object per row): a full relink reads every seller,
identifier, image hash and listing title of a casebook of a million listings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casebook.models import (
    ActorAccount,
    IdentifierStop,
    ImageHash,
    LinkPin,
    Listing,
    Seller,
    SellerIdentifier,
)
from rules.identifiers import THIRD_PARTY
from rules.profiling import STRONG_KINDS, Account, Pin
from rules.profiling.contacts import city_of, own_shop_identifiers, products_of

CHUNK = 2_000  # ids per IN (...): SQLite binds at most 32766 parameters per statement
TITLES = 30  # listing titles per seller read for its product mix


def chunks(values: Collection[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def active_stops(session: Session) -> frozenset[tuple[str, str]]:
    rows = session.execute(
        select(IdentifierStop.kind, IdentifierStop.value).where(IdentifierStop.removed_at.is_(None))
    )
    return frozenset((kind, value) for kind, value in rows)


def active_pins(session: Session, seller_ids: Collection[int] | None = None) -> list[Pin]:
    """The pins in force (not superseded); with `seller_ids`, those with both ends among them."""
    query = select(LinkPin.seller_a_id, LinkPin.seller_b_id, LinkPin.together).where(
        LinkPin.superseded_at.is_(None)
    )
    if seller_ids is None:
        rows = list(session.execute(query))
    else:
        rows = []
        for part in chunks(seller_ids):
            rows += session.execute(query.where(LinkPin.seller_a_id.in_(part)))
        rows = [row for row in rows if row[1] in seller_ids]
    # Several pins in force for one pair cannot happen (a new one supersedes); keep the last.
    return [Pin(str(a), str(b), bool(together)) for a, b, together in rows]


def load_accounts(
    session: Session, seller_ids: Collection[int] | None, *, weak: bool = True
) -> list[Account]:
    """The accounts of `seller_ids` (None: every seller) as the linker reads them; without
    `weak`, no image hashes or products (they only suggest)."""
    sellers = _rows(session, select(Seller.id, Seller.platform, Seller.name, Seller.url,
                                    Seller.location), Seller.id, seller_ids)  # fmt: skip
    identifiers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for seller_id, kind, value in _rows(
        session,
        select(SellerIdentifier.seller_id, SellerIdentifier.kind, SellerIdentifier.value),
        SellerIdentifier.seller_id,
        seller_ids,
    ):
        identifiers[seller_id].append((kind, value))
    hashes = _image_hashes(session, seller_ids) if weak else {}
    products = _products(session, seller_ids) if weak else {}
    return [
        Account(
            id=str(seller_id),
            platform=platform,
            shop_name=name or "",
            shop_url=url or "",
            city=_city(location or ""),  # the linker weighs a shared number by it too
            identifiers=_identifiers(identifiers.get(seller_id, []), url or ""),
            image_hashes=tuple(sorted(hashes.get(seller_id, ()))),
            products=products.get(seller_id, ()),
        )
        for seller_id, platform, name, url, location in sellers
    ]


def _image_hashes(session: Session, seller_ids: Collection[int] | None) -> dict[int, set[int]]:
    hashes: dict[int, set[int]] = defaultdict(set)
    # Product images only: a screenshot's hash is its platform's page layout (services.
    # image_hashes.image_hashes_of says why) and would suggest every pair on a platform.
    query = select(ImageHash.seller_id, ImageHash.dhash).where(
        ImageHash.seller_id.is_not(None), ImageHash.source == "product"
    )
    for seller_id, dhash in _rows(session, query, ImageHash.seller_id, seller_ids):
        try:
            hashes[seller_id].add(int(dhash, 16))
        except ValueError:
            continue  # a damaged hash links nothing
    return hashes


def _identifiers(found: list[tuple[str, str]], shop_url: str) -> tuple[tuple[str, str], ...]:
    """What the seller shows, and its own shop URL: another account pointing at it joins it."""
    own = [key for key in _own_shop(shop_url) if key not in found]
    return tuple(sorted(found)) + tuple(own)


@lru_cache(maxsize=32_768)  # an incremental relink asks for a batch's URLs twice (reach, load)
def _own_shop(url: str) -> tuple[tuple[str, str], ...]:
    """The linker reads a URL on a host it does not know as a site of the seller's own (the
    host is the shop); a casebook seller's URL with a path is a profile on a platform, so the
    path names the shop, or every seller of that platform would show one shop URL."""
    if not url:
        return ()
    host, _, path = url.split("://", 1)[-1].partition("/")
    generic = _generic_host(host.rsplit("@", 1)[-1].split(":")[0].lower())
    if generic is None:  # a host the linker knows (a marketplace, a social site, wa.me)
        return tuple(own_shop_identifiers(url))
    path = path.split("?", 1)[0].split("#", 1)[0].strip("/").lower()
    return (("shop_url", f"{generic}/{path}" if path else generic),)


@lru_cache(maxsize=4096)
def _generic_host(host: str) -> str | None:
    """The host as the linker names a site it does not know, or None for a host it reads in
    its own way — asked once per host (parsing every seller's URL costs seconds at 200k)."""
    keys = own_shop_identifiers(f"http://{host}/a/b")
    if len(keys) == 1 and keys[0][0] == "shop_url" and "/" not in keys[0][1]:
        return keys[0][1]
    return None


def _city(location: str) -> str:
    """The seller's location as the linker names cities ("Kota Bandung" -> "Bandung")."""
    return city_of(f"lokasi {location}") or location


def _products(session: Session, seller_ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    """A seller's product mix, read from its listings' titles as the linker reads a profile's
    text (the first `TITLES` titles: a mix shows in a few)."""
    titles: dict[int, list[str]] = defaultdict(list)
    query = select(Listing.seller_id, Listing.title).where(Listing.seller_id.is_not(None))
    for seller_id, title in _rows(session, query, Listing.seller_id, seller_ids):
        some = titles[seller_id]
        if title and len(some) < TITLES:
            some.append(title)
    return {seller_id: products_of("\n".join(some)) for seller_id, some in titles.items()}


def _rows(
    session: Session, query, column, ids: Collection[int] | None, *, typed: bool = False
) -> list[Any]:
    """Rows of columns, `column IN ids` in chunks (None: all rows), through the session's
    connection. Untyped (the default, for integer and text columns), the driver's own tuples
    are returned: building a row object per row costs seconds over a million listings."""
    connection = session.connection()
    queries = [query] if ids is None else [query.where(column.in_(part)) for part in chunks(ids)]
    rows: list[Any] = []
    for one in queries:
        result = connection.execute(one)
        rows += result.all() if typed else result.cursor.fetchall()
        result.close()
    return rows


def kept_out(
    session: Session, pairs: Collection[tuple[str, str]], cap: int
) -> dict[tuple[str, str], int]:
    """Of `pairs`, those the linker would keep out if it saw the whole casebook, with how many
    accounts show them: more than `cap`, or named as somebody else's service (a courier, a
    marketplace's CS) by two accounts or by as many as show it as their own — the rule of
    `rules.profiling.linker`, counted here because an incremental relink sees only part."""
    own = _counts(session, pairs)
    named = _counts(session, {(THIRD_PARTY + kind, value) for kind, value in pairs})
    out = {}
    for kind, value in pairs:
        mine, other = own.get((kind, value), 0), named.get((THIRD_PARTY + kind, value), 0)
        if (other and (other >= 2 or other >= mine)) or mine + other > cap:
            out[(kind, value)] = mine + other
    return out


def _counts(session: Session, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many sellers show each pair, counted in the (kind, value) index alone."""
    counts: dict[tuple[str, str], int] = {}
    connection = session.connection()
    for kind, values in _by_kind(pairs):
        rows = connection.execute(
            select(SellerIdentifier.value, func.count())
            .where(SellerIdentifier.kind == kind, SellerIdentifier.value.in_(values))
            .group_by(SellerIdentifier.value)
        )
        counts.update({(kind, value): n for value, n in rows})
    return counts


def _by_kind(pairs: Collection[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """(kind, values) in chunks: `kind = ? AND value IN (...)` walks the (kind, value) index,
    where a row-value IN over both columns would not on SQLite."""
    values: dict[str, set[str]] = defaultdict(set)
    for kind, value in pairs:
        values[kind].add(value)
    for kind, some in sorted(values.items()):
        for part in chunks(some):
            yield kind, part


def reach(
    session: Session,
    seeds: Collection[int],
    *,
    stops: frozenset[tuple[str, str]],
    cap: int,
    limit: int,
) -> tuple[set[int], dict[tuple[str, str], int]] | None:
    """The sellers a relink of `seeds` must load: everything joined to them by an identifier
    (neither stoplisted nor kept out), a together-pin or a shared actor, transitively; and the
    identifiers kept out on the way. None when more than `limit` sellers (then relink all).

    A seller's own shop URL reaches the sellers that mention it; the other way round (a seller
    mentioning a shop URL, to the seller whose shop it is) needs every seller's URL read and is
    left to the full relink: seller URLs are not indexed by the shop they name."""
    scope: set[int] = set()
    common: dict[tuple[str, str], int] = {}
    seen_pairs: set[tuple[str, str]] = set()
    frontier = set(seeds)
    while frontier:
        scope |= frontier
        if len(scope) > limit:
            return None
        found = _co_members(session, frontier) | _pinned_with(session, frontier)
        pairs = {
            (kind, value)
            for _, kind, value in _rows(
                session,
                select(SellerIdentifier.seller_id, SellerIdentifier.kind, SellerIdentifier.value),
                SellerIdentifier.seller_id,
                frontier,
            )
            if kind in STRONG_KINDS
        }
        pairs |= _own_shops_of(session, frontier)
        pairs -= seen_pairs | stops
        seen_pairs |= pairs
        common.update(kept_out(session, pairs, cap))
        found |= _holders(session, pairs - common.keys())
        frontier = found - scope
    return scope, common


def _own_shops_of(session: Session, seller_ids: Collection[int]) -> set[tuple[str, str]]:
    urls = _rows(session, select(Seller.url), Seller.id, seller_ids)
    return {key for (url,) in urls for key in _own_shop(url or "")}


def _co_members(session: Session, seller_ids: Collection[int]) -> set[int]:
    actor_ids = {
        actor_id
        for (actor_id,) in _rows(
            session, select(ActorAccount.actor_id), ActorAccount.seller_id, seller_ids
        )
    }
    return {
        seller_id
        for (seller_id,) in _rows(
            session, select(ActorAccount.seller_id), ActorAccount.actor_id, actor_ids
        )
    }


def _pinned_with(session: Session, seller_ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(seller_ids):
        rows = session.connection().execute(
            select(LinkPin.seller_a_id, LinkPin.seller_b_id).where(
                LinkPin.superseded_at.is_(None),
                LinkPin.together.is_(True),
                or_(LinkPin.seller_a_id.in_(part), LinkPin.seller_b_id.in_(part)),
            )
        )
        for a, b in rows:
            found.update((a, b))
    return found


def _holders(session: Session, pairs: Collection[tuple[str, str]]) -> set[int]:
    found: set[int] = set()
    connection = session.connection()
    for kind, values in _by_kind(pairs):
        found.update(
            connection.execute(
                select(SellerIdentifier.seller_id).where(
                    SellerIdentifier.kind == kind, SellerIdentifier.value.in_(values)
                )
            ).scalars()
        )
    return found
