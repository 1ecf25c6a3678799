"""Reading actors and suggestions: the list of actors (live ones: an actor merged away is not
listed, its page follows `merged_into_id`), one actor, its accounts, the suggestion queue.
A `scope` (services.access.Scope) keeps to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casebook.models import Actor, ActorAccount, LinkSuggestion, Seller, SellerIdentifier
from casebook.services import access
from casebook.services.profiling_relink import NoSuchActor, NoSuchSuggestion, ProfilingError
from rules.identifiers import normalize_phone
from rules.profiling import STRONG_KINDS

SUGGESTION_STATUSES = ("pending", "confirmed", "rejected")


@dataclass(frozen=True)
class ActorRow:
    """An actor as lists show it."""

    id: int
    name: str
    accounts: int
    platforms: tuple[str, ...]
    risk_score: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AccountRow:
    """One account (seller) of an actor, or one side of a suggestion."""

    seller_id: int
    platform: str
    name: str
    url: str
    location: str
    actor_id: int | None
    how: str | None = None  # auto | confirmed | merged | split
    joined_at: datetime | None = None


@dataclass(frozen=True)
class SuggestionRow:
    id: int
    a: AccountRow
    b: AccountRow
    score: float
    reasons: tuple[str, ...]
    status: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


def actors(
    session: Session,
    *,
    q: str | None = None,
    platform: str | None = None,
    limit: int = 50,
    after_id: int | None = None,
    scope: access.Scope | None = None,
    min_accounts: int = 1,
    min_risk: int = 0,
    by_risk: bool = False,
) -> list[ActorRow]:
    """Live actors in id order (pages: `after_id`); `q` matches the actor's or an account's
    name, or an identifier an account shows (a phone number in any writing, an e-mail, a
    handle, bank:number); `platform` keeps actors with an account there, `min_accounts` 2
    hides lone accounts, `min_risk` keeps actors whose cached risk score (the last profile's)
    is at least that. `by_risk` orders by the cached risk score, highest first (then id; pages:
    `after_id` is the last row's id, its score read back)."""
    query = select(Actor).where(Actor.merged_into_id.is_(None)).limit(limit)
    if by_risk:
        query = query.order_by(Actor.risk_score.desc(), Actor.id)
        if after_id is not None:
            risk = select(Actor.risk_score).where(Actor.id == after_id).scalar_subquery()
            same = (Actor.risk_score == risk) & (Actor.id > after_id)
            query = query.where(or_(Actor.risk_score < risk, same))
    else:
        query = query.order_by(Actor.id)
        if after_id is not None:
            query = query.where(Actor.id > after_id)
    if scope is not None:
        query = query.where(access.actor_condition(scope))
    members = select(ActorAccount.actor_id).join(Seller, Seller.id == ActorAccount.seller_id)
    if q:
        escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        named = members.where(Seller.name.ilike(pattern, escape="\\"))
        showing = (
            select(ActorAccount.actor_id)
            .join(SellerIdentifier, SellerIdentifier.seller_id == ActorAccount.seller_id)
            .where(
                SellerIdentifier.kind.in_(sorted(STRONG_KINDS)),  # the (kind, value) index
                SellerIdentifier.value.in_(_identifier_values(q)),
            )
        )
        query = query.where(or_(Actor.name.ilike(pattern, escape="\\"), Actor.id.in_(named),
                                Actor.id.in_(showing)))  # fmt: skip
    if platform:
        query = query.where(Actor.id.in_(members.where(Seller.platform == platform)))
    if min_risk > 0:
        query = query.where(Actor.risk_score >= min_risk)
    if min_accounts > 1:
        query = query.where(Actor.id.in_(
            select(ActorAccount.actor_id).group_by(ActorAccount.actor_id)
            .having(func.count() >= min_accounts)))  # fmt: skip
    found = list(session.scalars(query))
    accounts = _accounts(session, [actor.id for actor in found])
    return [
        ActorRow(actor.id, actor.name, len(accounts[actor.id]),
                 tuple(sorted({a.platform for a in accounts[actor.id]})), actor.risk_score,
                 actor.created_at, actor.updated_at)
        for actor in found
    ]  # fmt: skip


def _identifier_values(q: str) -> list[str]:
    """The values a searched identifier may be stored as: a phone number as +62..., anything
    else in lower case (e-mails, @handles, bca:1234567890)."""
    text = q.strip().lower()
    phone = normalize_phone(text)
    return [text, phone] if phone else [text]


def get_actor(session: Session, actor_id: int, *, scope: access.Scope | None = None) -> Actor:
    """One actor (also one merged away: its `merged_into_id` says where it went); NoSuchActor
    when there is none, or the scope may not see it."""
    query = select(Actor).where(Actor.id == actor_id)
    if scope is not None:
        query = query.where(access.actor_condition(scope))
    found = session.scalar(query)
    if found is None:
        raise NoSuchActor(f"no actor {actor_id}")
    return found


def current_actor(session: Session, actor_id: int) -> int:
    """Where an actor lives now: itself, or the actor it was (perhaps in turn) merged into."""
    seen = set()
    while actor_id not in seen:
        seen.add(actor_id)
        into = session.scalar(select(Actor.merged_into_id).where(Actor.id == actor_id))
        if into is None:
            return actor_id
        actor_id = into
    return actor_id


def accounts(session: Session, actor_id: int) -> list[AccountRow]:
    """The actor's accounts, oldest first."""
    return _accounts(session, [actor_id])[actor_id]


def actor_of_seller(session: Session, seller_id: int) -> int | None:
    return session.scalar(select(ActorAccount.actor_id).where(ActorAccount.seller_id == seller_id))


def _accounts(session: Session, actor_ids: list[int]) -> dict[int, list[AccountRow]]:
    found: dict[int, list[AccountRow]] = defaultdict(list)
    if not actor_ids:
        return found
    rows = session.execute(
        select(Seller.id, Seller.platform, Seller.name, Seller.url, Seller.location,
               ActorAccount.actor_id, ActorAccount.how, ActorAccount.joined_at)
        .join(ActorAccount, ActorAccount.seller_id == Seller.id)
        .where(ActorAccount.actor_id.in_(actor_ids))
        .order_by(Seller.id)
    )  # fmt: skip
    for row in rows:
        found[row.actor_id].append(AccountRow(*row))
    return found


def suggestions(
    session: Session,
    *,
    status: str = "pending",
    limit: int = 50,
    after_id: int | None = None,
    scope: access.Scope | None = None,
    actor_id: int | None = None,
) -> list[SuggestionRow]:
    """Suggestions with `status` in id order (pages: `after_id`), with both accounts and their
    actors; `actor_id` keeps those touching one actor; a scope keeps those whose both actors it
    may see."""
    if status not in SUGGESTION_STATUSES:
        raise ProfilingError(f"unknown status {status!r}; one of {', '.join(SUGGESTION_STATUSES)}")
    query = (
        select(LinkSuggestion)
        .where(LinkSuggestion.status == status)
        .order_by(LinkSuggestion.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(LinkSuggestion.id > after_id)
    if actor_id is not None:
        theirs = select(ActorAccount.seller_id).where(ActorAccount.actor_id == actor_id)
        query = query.where(or_(LinkSuggestion.seller_a_id.in_(theirs),
                                LinkSuggestion.seller_b_id.in_(theirs)))  # fmt: skip
    if scope is not None:
        seen = select(ActorAccount.seller_id).where(
            ActorAccount.actor_id.in_(select(Actor.id).where(access.actor_condition(scope)))
        )
        query = query.where(LinkSuggestion.seller_a_id.in_(seen),
                            LinkSuggestion.seller_b_id.in_(seen))  # fmt: skip
    found = list(session.scalars(query))
    sides = _sellers(session, {s for x in found for s in (x.seller_a_id, x.seller_b_id)})
    return [
        SuggestionRow(x.id, sides[x.seller_a_id], sides[x.seller_b_id], x.score,
                      tuple(x.reasons or ()), x.status, x.created_at, x.decided_by, x.decided_at)
        for x in found
    ]  # fmt: skip


def get_suggestion(session: Session, suggestion_id: int) -> SuggestionRow:
    found = session.get(LinkSuggestion, suggestion_id)
    if found is None:
        raise NoSuchSuggestion(f"no suggestion {suggestion_id}")
    sides = _sellers(session, {found.seller_a_id, found.seller_b_id})
    return SuggestionRow(found.id, sides[found.seller_a_id], sides[found.seller_b_id],
                         found.score, tuple(found.reasons or ()), found.status,
                         found.created_at, found.decided_by, found.decided_at)  # fmt: skip


def _sellers(session: Session, seller_ids: set[int]) -> dict[int, AccountRow]:
    if not seller_ids:
        return {}
    rows: Any = session.execute(
        select(Seller.id, Seller.platform, Seller.name, Seller.url, Seller.location,
               ActorAccount.actor_id, ActorAccount.how, ActorAccount.joined_at)
        .outerjoin(ActorAccount, ActorAccount.seller_id == Seller.id)
        .where(Seller.id.in_(seller_ids))
    )  # fmt: skip
    return {row[0]: AccountRow(*row) for row in rows}
