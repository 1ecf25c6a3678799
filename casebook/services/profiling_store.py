"""The linker's answer written into the casebook: actors with stable ids, memberships, the
evidence (links) and new suggestions — bulk statements over plain rows, only what changed.

Actor ids are stable across relinks: an old actor's *heir* is the new group holding most of its
accounts. A group keeps the oldest actor whose heir it is; the other actors whose heir it is are
merged into that one (superseded, never deleted); a group heir to nobody — new accounts, or the
smaller part of a split — is a new actor. An analyst's merge or split anchors an actor to one of
its accounts, so the id follows the analyst's intent rather than the head count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from casebook.models import Actor, ActorAccount, ActorLink, LinkSuggestion
from casebook.services.profiling_load import _rows, chunks
from rules.profiling import Linkage


@dataclass
class Written:
    """What one relink changed."""

    created: list[int] = field(default_factory=list)  # new actors
    merged: dict[int, int] = field(default_factory=dict)  # actor merged away -> into
    moved: int = 0  # accounts that joined an actor (new ones included)
    renamed: int = 0
    links_added: int = 0
    links_removed: int = 0
    suggested: int = 0  # new pending suggestions
    withdrawn: int = 0  # pending suggestions the linker no longer makes


def store(
    session: Session,
    linkage: Linkage,
    scope: Collection[int] | None,
    *,
    now: datetime,
    names: Mapping[int, str],
    how: str = "auto",
    anchors: Mapping[int, int] | None = None,
    suggested: bool = True,
) -> Written:
    """Write `linkage` over the sellers of `scope` (None: every seller); `names` are the
    sellers' shop names; `anchors` maps an actor id to an account whose group must keep that
    id (an analyst's merge or split). Without `suggested` (the linker was not asked for
    suggestions) the pending ones stay, but those now inside one actor."""
    written = Written()
    groups: dict[str, list[int]] = defaultdict(list)
    for account, key in linkage.actor_of.items():
        groups[key].append(int(account))
    name_of = {key: _name(members, names) for key, members in groups.items()}
    old = {
        seller_id: actor_id
        for seller_id, actor_id in _rows(
            session, select(ActorAccount.seller_id, ActorAccount.actor_id),
            ActorAccount.seller_id, scope,
        )
    }  # fmt: skip
    actor_of_group = _assign(session, groups, name_of, old, anchors or {}, now, written)
    new = {seller: actor_of_group[key] for key, members in groups.items() for seller in members}
    _memberships(session, old, new, now, how, written)
    fresh = set(written.created)
    _rename(session, {actor_of_group[k]: n for k, n in name_of.items()
                      if actor_of_group[k] not in fresh}, scope, now, written)  # fmt: skip
    _links(session, linkage, new, scope, now, written)
    _suggestions(session, linkage, new, scope, now, written, suggested)
    return written


def _name(members: list[int], names: Mapping[int, str]) -> str:
    """An actor is called by its accounts' most common shop name (the oldest account's on a tie)."""
    if len(members) == 1:
        return (names.get(members[0]) or "")[:300]
    counts = Counter(names.get(s) or "" for s in sorted(members))
    counts.pop("", None)
    return max(counts, key=lambda n: counts[n])[:300] if counts else ""


def _assign(session, groups, name_of, old, anchors, now, written) -> dict[str, int]:
    """Actor id per group (see the module's docstring); creates and merges actors as needed."""
    group_of = {seller: key for key, members in groups.items() for seller in members}
    held: dict[int, Counter[str]] = defaultdict(Counter)  # old actor -> group -> accounts
    for seller, actor_id in old.items():
        if seller in group_of:
            held[actor_id][group_of[seller]] += 1
    heirs: dict[str, list[int]] = defaultdict(list)
    for actor_id, counts in held.items():
        anchor = anchors.get(actor_id)
        if anchor is not None and anchor in group_of:
            heir = group_of[anchor]
        else:
            heir = min(counts, key=lambda key: (-counts[key], key))
        heirs[heir].append(actor_id)
    actor_of_group: dict[str, int] = {}
    fresh: list[str] = []
    for key in groups:
        candidates = sorted(heirs.get(key, ()))
        if not candidates:
            fresh.append(key)
            continue
        anchored = [a for a in candidates if a in anchors]
        keep = anchored[0] if anchored else candidates[0]
        actor_of_group[key] = keep
        written.merged.update({other: keep for other in candidates if other != keep})
    if written.merged:
        _update(
            session, Actor, "id",
            [{"id": a, "merged_into_id": into, "updated_at": now}
             for a, into in written.merged.items()],
        )  # fmt: skip
    if fresh:
        rows = [{"name": name_of[key], "created_at": now, "updated_at": now, "risk_score": 0,
                 "note": ""} for key in fresh]  # fmt: skip
        table = Actor.__table__
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = session.connection().execute(returning, rows).scalars().all()
        actor_of_group.update(zip(fresh, ids, strict=True))
        written.created = list(ids)
    return actor_of_group


def _memberships(session, old, new, now, how, written) -> None:
    added = [{"seller_id": s, "actor_id": a, "joined_at": now, "how": how}
             for s, a in new.items() if s not in old]  # fmt: skip
    moved = [{"seller_id": s, "actor_id": a, "joined_at": now, "how": how}
             for s, a in new.items() if s in old and old[s] != a]  # fmt: skip
    if added:
        _insert(session, ActorAccount, added)
    if moved:
        _update(session, ActorAccount, "seller_id", moved)
    written.moved = len(added) + len(moved)


def _rename(session, names: dict[int, str], scope, now, written) -> None:
    """Only the names that differ are written."""
    ids = None if scope is None else set(names)
    current = dict(_rows(session, select(Actor.id, Actor.name), Actor.id, ids))
    rows = [{"id": actor_id, "name": name, "updated_at": now}
            for actor_id, name in names.items() if current.get(actor_id) != name]  # fmt: skip
    if rows:
        _update(session, Actor, "id", rows)
    written.renamed = len(rows)


def _links(session, linkage, new, scope, now, written) -> None:
    """The evidence per account: one row per identifier that joined it, naming one other account
    that shows it; rows no longer true are removed, rows that still are keep their date."""
    wanted: dict[tuple[int, str, str], tuple[int, int | None]] = {}
    for account, links in linkage.links.items():
        seller = int(account)
        for link in links:
            others = sorted(int(a) for a in link.accounts if a != account)
            wanted[(seller, link.kind, link.value)] = (new[seller], others[0] if others else None)
    existing = {
        (seller, kind, value): (link_id, actor_id, other)
        for link_id, seller, kind, value, actor_id, other in _rows(
            session,
            select(ActorLink.id, ActorLink.seller_id, ActorLink.kind, ActorLink.value,
                   ActorLink.actor_id, ActorLink.other_seller_id),
            ActorLink.seller_id, scope,
        )
    }  # fmt: skip
    gone = [row[0] for key, row in existing.items() if key not in wanted]
    for part in chunks(gone):
        session.connection().execute(delete(ActorLink).where(ActorLink.id.in_(part)))
    fresh = [{"seller_id": s, "kind": k, "value": v, "actor_id": a, "other_seller_id": o,
              "created_at": now}
             for (s, k, v), (a, o) in wanted.items() if (s, k, v) not in existing]  # fmt: skip
    if fresh:
        _insert(session, ActorLink, fresh)
    changed = [{"id": existing[key][0], "actor_id": a, "other_seller_id": o}
               for key, (a, o) in wanted.items()
               if key in existing and existing[key][1:] != (a, o)]  # fmt: skip
    if changed:
        _update(session, ActorLink, "id", changed)
    written.links_added, written.links_removed = len(fresh), len(gone)


def _suggestions(session, linkage, new, scope, now, written, suggested) -> None:
    """New pairs become pending suggestions; a decided pair (confirmed or rejected) is never
    opened again; a pending one the linker no longer makes, or now inside one actor, goes."""
    wanted = {}
    for suggestion in linkage.suggestions:
        a, b = sorted((int(suggestion.a), int(suggestion.b)))
        if new.get(a) != new.get(b):
            wanted[(a, b)] = (float(suggestion.score), list(suggestion.reasons))
    existing = {
        (a, b): (suggestion_id, status, score, reasons)
        for suggestion_id, a, b, status, score, reasons in _rows(
            session,
            select(LinkSuggestion.id, LinkSuggestion.seller_a_id, LinkSuggestion.seller_b_id,
                   LinkSuggestion.status, LinkSuggestion.score, LinkSuggestion.reasons),
            LinkSuggestion.seller_a_id, scope, typed=True,
        )
    }  # fmt: skip
    in_scope = (lambda pair: True) if scope is None else (lambda pair: pair[1] in scope)
    if not suggested:
        inside = [row[0] for (a, b), row in existing.items()
                  if row[1] == "pending" and b in new and new.get(a) == new[b]]  # fmt: skip
        for part in chunks(inside):
            session.connection().execute(delete(LinkSuggestion).where(LinkSuggestion.id.in_(part)))
        written.withdrawn = len(inside)
        return
    fresh = [{"seller_a_id": a, "seller_b_id": b, "score": score, "reasons": reasons,
              "status": "pending", "created_at": now}
             for (a, b), (score, reasons) in wanted.items() if (a, b) not in existing]  # fmt: skip
    if fresh:
        _insert(session, LinkSuggestion, fresh)
    rescored = [{"id": row[0], "score": wanted[pair][0], "reasons": wanted[pair][1]}
                for pair, row in existing.items()
                if row[1] == "pending" and pair in wanted and row[2:] != wanted[pair]]  # fmt: skip
    if rescored:
        _update(session, LinkSuggestion, "id", rescored)
    stale = [row[0] for pair, row in existing.items()
             if row[1] == "pending" and pair not in wanted and in_scope(pair)]  # fmt: skip
    for part in chunks(stale):
        session.connection().execute(delete(LinkSuggestion).where(LinkSuggestion.id.in_(part)))
    written.suggested, written.withdrawn = len(fresh), len(stale)


# Bulk writes go through the session's connection as Core executemany: the ORM's bulk paths
# handle every row in Python and cost several seconds at 100,000s of rows.


def _insert(session: Session, model, rows: list[dict]) -> None:
    session.connection().execute(insert(model.__table__), rows)


def _update(session: Session, model, key: str, rows: list[dict]) -> None:
    """UPDATE ... WHERE key = :key for each row (same keys in every row)."""
    table = model.__table__
    values = {name: bindparam(f"new_{name}") for name in rows[0] if name != key}
    statement = update(table).where(table.c[key] == bindparam(f"old_{key}")).values(values)
    session.connection().execute(
        statement, [{(f"old_{k}" if k == key else f"new_{k}"): v for k, v in row.items()}
                    for row in rows]
    )  # fmt: skip
