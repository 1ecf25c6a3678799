"""Analysts' decisions about actors: confirm or reject a suggestion, merge actors, split one, and
the identifier stoplist. Each decision is pinned (LinkPin) so that every later relink keeps it,
relinks the accounts it touches at once, and is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casebook.models import (
    Actor,
    ActorAccount,
    ActorLink,
    IdentifierStop,
    LinkPin,
    LinkSuggestion,
    Seller,
    SellerIdentifier,
    utcnow,
)
from casebook.services import audit
from casebook.services.profiling_load import chunks
from casebook.services.profiling_relink import (
    NoSuchActor,
    NoSuchSuggestion,
    ProfilingError,
    relink_as,
)
from rules.identifiers import normalize_phone
from rules.profiling import STRONG_KINDS, shop_key

MAX_SPLIT_PINS = 20_000  # apart-pins one split may write (split-off accounts x the rest)


def confirm_suggestion(
    session: Session,
    suggestion_id: int,
    *,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> LinkSuggestion:
    """The two accounts are one actor: pinned together, their actors joined by a relink."""
    return _decide(session, suggestion_id, True, actor, reason, now or utcnow())


def reject_suggestion(
    session: Session,
    suggestion_id: int,
    *,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> LinkSuggestion:
    """The two accounts are not one actor: pinned apart, never suggested again."""
    return _decide(session, suggestion_id, False, actor, reason, now or utcnow())


def _decide(session, suggestion_id, together, actor, reason, now) -> LinkSuggestion:
    suggestion = session.get(LinkSuggestion, suggestion_id)
    if suggestion is None:
        raise NoSuchSuggestion(f"no suggestion {suggestion_id}")
    if suggestion.status != "pending":
        raise ProfilingError(
            f"suggestion {suggestion_id} was already {suggestion.status} by {suggestion.decided_by}"
        )
    before = {"status": suggestion.status}
    suggestion.status = "confirmed" if together else "rejected"
    suggestion.decided_by, suggestion.decided_at = actor, now
    a, b = suggestion.seller_a_id, suggestion.seller_b_id
    if together:  # an older "apart" between the two actors would undo the confirmation
        _unpin_apart(session, _co_accounts(session, a), _co_accounts(session, b), now)
    _pin(session, [(a, b)], together, reason.strip() or f"suggestion {suggestion_id}", actor,
         now)  # fmt: skip
    session.flush()
    relink_as(session, actor=actor, seller_ids=[a, b], now=now,
              how="confirmed" if together else "auto")  # fmt: skip
    after = {"status": suggestion.status, "seller_a_id": a, "seller_b_id": b,
             "actor_a_id": _actor_of(session, a), "actor_b_id": _actor_of(session, b),
             "reason": reason.strip()}  # fmt: skip
    audit.record(session, actor, f"suggestion.{'confirm' if together else 'reject'}",
                 f"suggestion:{suggestion_id}", before, after, now=now)  # fmt: skip
    return suggestion


def merge_actors(
    session: Session,
    into_id: int,
    other_ids: Iterable[int],
    *,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> Actor:
    """The actors are one: every account of the others pinned together with `into_id`'s; the
    others end merged into it (superseded, never deleted)."""
    now = now or utcnow()
    others = sorted(set(other_ids) - {into_id})
    if not others:
        raise ProfilingError("name at least one other actor to merge")
    into = live_actor(session, into_id)
    members = {actor_id: accounts_of(session, actor_id) for actor_id in [into_id, *others]}
    for actor_id in others:
        live_actor(session, actor_id)
    if not members[into_id]:
        raise ProfilingError(f"actor {into_id} has no accounts")
    anchor = members[into_id][0]
    joining = [s for actor_id in others for s in members[actor_id]]
    _unpin_apart(session, members[into_id], joining, now)
    pairs = [(anchor, s) for s in joining]
    _pin(session, pairs, True, reason or f"merged into actor {into_id}", actor, now)
    session.flush()
    everyone = [s for accounts in members.values() for s in accounts]
    relink_as(session, actor=actor, seller_ids=everyone, now=now, how="merged",
              anchors={into_id: anchor})  # fmt: skip
    audit.record(session, actor, "actor.merge", f"actor:{into_id}",
                 {"actors": {str(a): m for a, m in members.items()}},
                 {"actor": into_id, "accounts": accounts_of(session, into_id),
                  "reason": reason}, now=now)  # fmt: skip
    session.refresh(into)
    return into


def split_actor(
    session: Session,
    actor_id: int,
    seller_ids: Iterable[int],
    *,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> Actor:
    """Some accounts are another actor: pinned apart from the rest (and together among
    themselves); returns the new actor they form. The rest keeps `actor_id`."""
    now = now or utcnow()
    live_actor(session, actor_id)
    members = accounts_of(session, actor_id)
    split = sorted(set(seller_ids))
    strangers = sorted(set(split) - set(members))
    if not split:
        raise ProfilingError("name the accounts to split off")
    if strangers:
        raise ProfilingError(f"sellers {strangers} are not accounts of actor {actor_id}")
    rest = sorted(set(members) - set(split))
    if not rest:
        raise ProfilingError("an actor cannot split off all its accounts")
    if len(split) * len(rest) > MAX_SPLIT_PINS:
        raise ProfilingError(f"splitting {len(split)} from {len(rest)} accounts is too large "
                             f"for one decision (at most {MAX_SPLIT_PINS} pairs)")  # fmt: skip
    why = reason or f"split from actor {actor_id}"
    _pin(session, [(s, r) for s in split for r in rest], False, why, actor, now)
    _pin(session, [(split[0], s) for s in split[1:]], True, why, actor, now)
    session.flush()
    relink_as(session, actor=actor, seller_ids=members, now=now, how="split",
              anchors={actor_id: rest[0]})  # fmt: skip
    new_id = _actor_of(session, split[0])
    if new_id == actor_id or any(_actor_of(session, s) != new_id for s in split):
        raise ProfilingError(f"the linker could not keep accounts {split} apart")  # a bug
    audit.record(session, actor, "actor.split", f"actor:{actor_id}", {"accounts": members},
                 {"actor": actor_id, "accounts": rest, "new_actor": new_id, "split": split,
                  "reason": reason}, now=now)  # fmt: skip
    new = session.get(Actor, new_id)
    assert new is not None
    return new


def live_actor(session: Session, actor_id: int) -> Actor:
    found = session.get(Actor, actor_id)
    if found is None:
        raise NoSuchActor(f"no actor {actor_id}")
    if found.merged_into_id is not None:
        raise ProfilingError(f"actor {actor_id} was merged into actor {found.merged_into_id}")
    return found


def accounts_of(session: Session, actor_id: int) -> list[int]:
    """The actor's accounts (seller ids), oldest first."""
    return list(
        session.scalars(
            select(ActorAccount.seller_id)
            .where(ActorAccount.actor_id == actor_id)
            .order_by(ActorAccount.seller_id)
        )
    )


def _actor_of(session: Session, seller_id: int) -> int | None:
    return session.scalar(select(ActorAccount.actor_id).where(ActorAccount.seller_id == seller_id))


def _co_accounts(session: Session, seller_id: int) -> list[int]:
    actor_id = _actor_of(session, seller_id)
    return [seller_id] if actor_id is None else accounts_of(session, actor_id)


def _unpin_apart(session, group_a: list[int], group_b: list[int], now) -> None:
    """Supersede the apart-pins between two groups of accounts the analyst now joins."""
    a_set, b_set = set(group_a), set(group_b)
    crossing = []
    for part in chunks(a_set | b_set):
        rows = session.execute(
            select(LinkPin.id, LinkPin.seller_a_id, LinkPin.seller_b_id).where(
                LinkPin.superseded_at.is_(None), LinkPin.together.is_(False),
                LinkPin.seller_a_id.in_(part))
        )  # fmt: skip
        crossing += [pin_id for pin_id, a, b in rows
                     if (a in a_set and b in b_set) or (a in b_set and b in a_set)]  # fmt: skip
    for part in chunks(crossing):
        session.execute(update(LinkPin).where(LinkPin.id.in_(part)).values(superseded_at=now))


def _pin(session, pairs, together, reason, actor, now) -> None:
    """Pin each pair; a pin in force for the same pair is superseded, never deleted."""
    ordered = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
    if not ordered:
        return
    for part in chunks(ordered, 500):
        firsts, wanted = {a for a, _ in part}, set(part)
        rows = session.execute(
            select(LinkPin.id, LinkPin.seller_a_id, LinkPin.seller_b_id).where(
                LinkPin.superseded_at.is_(None), LinkPin.seller_a_id.in_(firsts)
            )
        )
        old = [pin_id for pin_id, a, b in rows if (a, b) in wanted]
        if old:
            session.execute(update(LinkPin).where(LinkPin.id.in_(old)).values(superseded_at=now))
    session.add_all(
        LinkPin(seller_a_id=a, seller_b_id=b, together=together, reason=reason[:2000],
                created_by=actor, created_at=now)
        for a, b in ordered
    )  # fmt: skip


# -- the stoplist --------------------------------------------------------------------------


def normalise_identifier(kind: str, value: str) -> str:
    """A value as the casebook stores it, or ProfilingError naming what is wrong."""
    value = value.strip()
    if kind not in STRONG_KINDS:
        raise ProfilingError(f"unknown identifier kind {kind!r}; one of {sorted(STRONG_KINDS)}")
    if not value:
        raise ProfilingError("the identifier's value is empty")
    if kind == "phone":
        phone = normalize_phone(value)
        if phone is None:
            raise ProfilingError(f"{value!r} is not an Indonesian mobile number")
        return phone
    if kind == "handle":
        return "@" + value.lstrip("@").lower()
    if kind == "bank_account":
        bank, _, number = value.lower().partition(":")
        digits = "".join(c for c in number if c.isdigit())
        if not bank or not digits:
            raise ProfilingError(f"{value!r} is not a bank account as bank:number (bca:123...)")
        return f"{bank.strip()}:{digits}"
    if kind == "shop_url":
        key = shop_key(value)
        return key[1] if key and key[0] == "shop_url" else value.lower()
    return value.lower()


def stoplist(session: Session, *, include_removed: bool = False) -> list[IdentifierStop]:
    """The casebook's stoplist (the default one of `rules.profiling` applies besides it)."""
    query = select(IdentifierStop).order_by(IdentifierStop.id)
    if not include_removed:
        query = query.where(IdentifierStop.removed_at.is_(None))
    return list(session.scalars(query))


def add_stop(
    session: Session,
    kind: str,
    value: str,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
) -> IdentifierStop:
    """Keep an identifier from linking anything; the accounts it joined are relinked."""
    now = now or utcnow()
    value = normalise_identifier(kind, value)
    if not reason.strip():
        raise ProfilingError("say why the identifier is kept out (a reason)")
    if session.scalar(select(IdentifierStop.id).where(
            IdentifierStop.kind == kind, IdentifierStop.value == value,
            IdentifierStop.removed_at.is_(None))) is not None:  # fmt: skip
        raise ProfilingError(f"{kind} {value} is already on the stoplist")
    stop = IdentifierStop(kind=kind, value=value, reason=reason.strip(), added_by=actor,
                          added_at=now)  # fmt: skip
    session.add(stop)
    session.flush()
    audit.record(session, actor, "stoplist.add", f"stop:{stop.id}", None,
                 {"kind": kind, "value": value, "reason": stop.reason}, now=now)  # fmt: skip
    relink_as(session, actor=actor, seller_ids=_showing(session, kind, value), now=now)
    return stop


def remove_stop(
    session: Session, stop_id: int, *, actor: str, now: datetime | None = None
) -> IdentifierStop:
    """Let a stoplisted identifier link again (the entry stays, stamped removed)."""
    now = now or utcnow()
    stop = session.get(IdentifierStop, stop_id)
    if stop is None or stop.removed_at is not None:
        raise ProfilingError(f"no stoplist entry {stop_id} in force")
    stop.removed_by, stop.removed_at = actor, now
    session.flush()
    audit.record(session, actor, "stoplist.remove", f"stop:{stop.id}",
                 {"kind": stop.kind, "value": stop.value, "reason": stop.reason}, None,
                 now=now)  # fmt: skip
    relink_as(session, actor=actor, seller_ids=_showing(session, stop.kind, stop.value), now=now)
    return stop


def _showing(session: Session, kind: str, value: str) -> set[int]:
    """Sellers that show an identifier, or were joined by it (a shop URL of their own)."""
    found = set(session.scalars(select(SellerIdentifier.seller_id).where(
        SellerIdentifier.kind == kind, SellerIdentifier.value == value)))  # fmt: skip
    found |= set(session.scalars(select(ActorLink.seller_id).where(
        ActorLink.kind == kind, ActorLink.value == value)))  # fmt: skip
    if kind == "shop_url":
        on_url = Seller.url.contains(value, autoescape=True)
        found |= set(session.scalars(select(Seller.id).where(on_url)))
    return found
