"""Relinking: seller accounts read from the casebook, linked into actors by the pure linker
(`rules.profiling.link`), written back — everything, or only what a batch of sellers touches.

The incremental relink (after each crawl batch) loads the sellers the batch's sellers reach
through identifiers, together-pins and shared actors (`profiling_load.reach`), links only them
and writes only them; identifiers kept out over the whole casebook (too common, or named as a
courier's or a marketplace's) are kept out as the full relink keeps them out. Suggestions from
weak signals come from full relinks (`patroli actors relink`): weak signals are compared in
blocks across the whole casebook, and a part of it would suggest what the whole does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.models import ActorAccount, Listing, Seller, SellerIdentifier, utcnow
from casebook.services import audit
from casebook.services import profiling_load as load
from casebook.services.profiling_store import store
from rules import profiling as linker

# The incremental relink loads at most this many sellers; a batch reaching further relinks all.
REACH_LIMIT = 50_000
RELINK_STEPS = 3  # read, link, write: what `progress` counts
# Created and merged actors named in the audit event of one relink (the counts are all there).
AUDIT_NAMES = 200


class ProfilingError(ValueError):
    """A bad value or a decision the current state does not allow (HTTP 409/422)."""


class NoSuchActor(LookupError):
    pass


class NoSuchSuggestion(LookupError):
    pass


@dataclass
class RelinkResult:
    full: bool  # every seller was relinked (asked for, or a batch reached too far)
    accounts: int  # accounts linked
    actors: int  # actors among them
    created: list[int] = field(default_factory=list)  # new actors
    merged: dict[int, int] = field(default_factory=dict)  # actor merged away -> into
    moved: int = 0  # accounts that joined an actor (new accounts included)
    links_added: int = 0
    links_removed: int = 0
    suggested: int = 0  # new pending suggestions
    withdrawn: int = 0  # pending suggestions no longer made
    common: tuple[tuple[str, str, int], ...] = ()  # identifiers kept out as too common
    seconds: dict[str, float] = field(default_factory=dict)  # read, link, write

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.created or self.merged or self.links_added
                    or self.links_removed or self.suggested or self.withdrawn)  # fmt: skip


def relink(
    session: Session,
    *,
    actor: str = "system",
    seller_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> RelinkResult:
    """Link seller accounts into actors and write the result; None relinks every seller, else
    only the sellers `seller_ids` reach (the incremental path after a crawl batch). Analysts'
    pins hold; actor ids stay; a change is audited (one event per relink that changed anything).
    `progress` hears of each of the RELINK_STEPS steps done (read, link, write)."""
    return relink_as(session, actor=actor, seller_ids=seller_ids, now=now, progress=progress)


def relink_as(
    session: Session,
    *,
    actor: str,
    seller_ids: Iterable[int] | None,
    now: datetime | None = None,
    how: str = "auto",
    anchors: Mapping[int, int] | None = None,
    action: str = "actors.relink",
    progress: Callable[[int], None] | None = None,
) -> RelinkResult:
    """`relink`, for a decision: accounts that move say `how` (confirmed, merged, split) and
    `anchors` (actor id -> account) keep an actor's id with the account the analyst meant."""
    now = now or utcnow()
    clock = time.perf_counter()
    session.flush()  # the reads and bulk writes below go through the connection, unflushed
    stops = load.active_stops(session) | linker.load_default_stoplist()
    cap = linker.default_cap(session.scalar(select(func.count()).select_from(Seller)) or 0)
    scope: set[int] | None = None
    common: dict[tuple[str, str], int] = {}
    if seller_ids is not None:
        seeds = set(seller_ids)
        if not seeds:
            return RelinkResult(full=False, accounts=0, actors=0)
        reached = load.reach(session, seeds, stops=stops, cap=cap, limit=REACH_LIMIT)
        if reached is not None:
            scope, common = reached
    accounts = load.load_accounts(session, scope, weak=scope is None)
    pins = load.active_pins(session, scope)
    read = _step(progress, time.perf_counter())
    # Weak signals are compared in blocks across the whole casebook (a block too big says
    # nothing); over a part of it they would suggest what the whole does not: suggestions come
    # from full relinks, the incremental one keeps the pending ones.
    linkage = linker.link(accounts, stoplist=stops | common.keys(), pins=pins, cap=cap,
                          suggest=scope is None)  # fmt: skip
    linked = _step(progress, time.perf_counter())
    names = {int(account.id): account.shop_name for account in accounts}
    written = store(session, linkage, scope, now=now, names=names, how=how, anchors=anchors,
                    suggested=scope is None)  # fmt: skip
    session.expire_all()  # objects loaded before are reread: actors may have merged or renamed
    done = _step(progress, time.perf_counter())
    result = RelinkResult(
        full=scope is None,
        accounts=len(accounts),
        actors=len(set(linkage.actor_of.values())),
        common=tuple(linkage.common) + tuple((k, v, n) for (k, v), n in sorted(common.items())),
        seconds={"read": read - clock, "link": linked - read, "write": done - linked},
        **{k: v for k, v in asdict(written).items() if k != "renamed"},
    )
    if result.changed:
        audit.record(session, actor, action, "actors:all" if result.full else "actors",
                     None, _summary(result), now=now)  # fmt: skip
    return result


def _step(progress: Callable[[int], None] | None, at: float) -> float:
    if progress is not None:
        progress(1)
    return at


def _summary(result: RelinkResult) -> dict:
    return {
        "full": result.full,
        "accounts": result.accounts,
        "actors": result.actors,
        "created": len(result.created),
        "created_ids": result.created[:AUDIT_NAMES],
        "merged": {str(a): into for a, into in list(result.merged.items())[:AUDIT_NAMES]},
        "moved": result.moved,
        "links_added": result.links_added,
        "links_removed": result.links_removed,
        "suggested": result.suggested,
        "withdrawn": result.withdrawn,
    }


def sellers_of_listings(session: Session, listing_ids: Collection[int]) -> set[int]:
    """The sellers of some listings: what a crawl batch asks the incremental relink about."""
    found: set[int] = set()
    for part in load.chunks(listing_ids):
        found.update(
            session.scalars(
                select(Listing.seller_id).where(
                    Listing.id.in_(part), Listing.seller_id.is_not(None)
                )
            )
        )
    return found


def sellers_to_relink(
    session: Session, seller_ids: Collection[int], *, since: datetime
) -> set[int]:
    """Of `seller_ids` (a crawl batch's sellers), those a relink could change: accounts with no
    actor yet, and accounts that showed an identifier first seen at or after `since`. A seller
    crawled again with nothing new needs no relink (a full relink catches a changed city)."""
    ids = set(seller_ids)
    linked: set[int] = set()
    fresh: set[int] = set()
    for part in load.chunks(ids):
        linked.update(
            session.scalars(select(ActorAccount.seller_id).where(ActorAccount.seller_id.in_(part)))
        )
        fresh.update(
            session.scalars(
                select(SellerIdentifier.seller_id).where(
                    SellerIdentifier.seller_id.in_(part), SellerIdentifier.first_seen >= since
                )
            )
        )
    return (ids - linked) | fresh
