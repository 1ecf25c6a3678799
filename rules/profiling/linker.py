"""Accounts joined into actors by shared strong identifiers (union-find), within the stoplist,
the frequency cap, hub and boilerplate detection, and the analysts' pins.

Order of work, and why:
1. An identifier is kept out when it is on the stoplist, when accounts name it as somebody
   else's service (a courier, a marketplace's CS, a rekber) in at least two accounts or in as
   many accounts as show it as their own, or when more accounts than the cap show it.
2. "Together" pins join first: an analyst's decision outranks evidence.
3. Identifiers join in order from the rarest (and strongest kind) to the most common, so when
   a chain would put two accounts pinned "apart" into one actor, the identifier refused is the
   most common (weakest) one of that chain: it still joins what it can without the conflict.
4. An identifier on at most `RARE` (2) accounts joins outright: two accounts sharing a number
   are a pair. On more (up to the cap), and any one written inside a span of text copied onto
   other shops (`rules.profiling.boilerplate`), it joins only when other evidence corroborates
   it (the groups the rarer identifiers formed, the same city, look-alike names, being a
   shop's only contact), and joins nothing when its accounts are mostly strangers to each
   other: then it is a service's hub (`rules.profiling.hubs`), reported in `hubs` with the
   reason. Cue words and the cap alone cannot tell a bare CS number on 12 shops from an
   actor's phone on 8; the company each keeps can. Because the rarer identifiers join first,
   the evidence a mid-frequency one is judged by is the strongest available, and a chain
   through a hub is cut where the hub is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

from rules.identifiers import THIRD_PARTY
from rules.profiling.hubs import (
    RARE,
    companions,
    corroborated_clusters,
    evidence,
    hub_reason,
    looks_of,
)
from rules.profiling.model import STRONG_KINDS, Account, Link, Linkage, Pin
from rules.profiling.signals import suggest as suggest_pairs

# Weaker kinds join later (and so are the ones cut by an apart pin): a bank account or a phone
# number is paid for and personal; an e-mail is free; a shop URL or a handle can be quoted.
KIND_ORDER = {"bank_account": 0, "phone": 1, "email": 2, "shop_url": 3, "handle": 4}
MIN_CAP, MAX_CAP = 10, 50


def default_cap(accounts: int) -> int:
    """How many accounts may share an identifier before it is "too common": √accounts, at least
    10 and at most 50. A real actor rarely runs more than a few dozen accounts, while a courier's
    or a marketplace's number turns up on a share of every crawl that grows with the crawl; on a
    small crawl (hundreds of accounts) √n keeps a number that a tenth of all shops show from
    gluing them together, and from 2,500 accounts on the cap stays at 50. For an incremental
    run over a subset, pass the cap of the whole casebook."""
    return max(MIN_CAP, min(MAX_CAP, round(math.sqrt(max(accounts, 1)))))


def link(
    accounts: Iterable[Account],
    *,
    stoplist: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    pins: Iterable[Pin] = (),
    cap: int | None = None,
    suggest: bool = True,
) -> Linkage:
    """Group accounts into actors; `links` names the identifiers that joined each account.
    `suggest=False` skips the weak signals (for evaluation, or when nobody reads them)."""
    accounts = list(accounts)
    ids = [account.id for account in accounts]
    index = {account_id: i for i, account_id in enumerate(ids)}
    if len(index) != len(ids):
        counts = Counter(ids)
        twice = next(i for i in ids if counts[i] > 1)
        raise ValueError(f"account {twice!r} is given twice")
    cap = default_cap(len(accounts)) if cap is None else cap
    holders, third = _holders(accounts)
    usable, common, third_party = _usable(holders, third, stoplist, cap)
    pins = [pin for pin in pins if pin.a in index and pin.b in index and pin.a != pin.b]
    groups = _Groups(len(ids), [(index[p.a], index[p.b]) for p in pins if not p.together])
    for pin in pins:
        if pin.together:
            groups.union(index[pin.a], index[pin.b])
    templated = _templated(accounts)
    # what may not vouch for another identifier: what is kept out, hubs as they are found, and
    # anything written inside copied text (a template's phone and bank come together on every
    # copy: they are one piece of evidence, and somebody else's)
    excluded = set(stoplist) | {(k, v) for k, v, _ in common + third_party} | templated
    cut, hubs, joined = [], [], []
    looks: dict[int, tuple[tuple[str, str], ...]] = {}
    for key in usable:
        members = holders[key]
        if (len(members) > RARE or key in templated) and _apart(groups, members):
            reason = _hub(key, members, accounts, groups, holders, excluded, looks)
            if reason:
                hubs.append((key[0], key[1], len(members), reason))
                excluded.add(key)
                continue
        joined.append(key)
        if not _join(groups, members):
            cut.append(key)
    actor_of, links = _actors_and_links(ids, groups, joined, holders, pins, index)
    suggestions = suggest_pairs(accounts, actor_of, pins) if suggest else ()
    return Linkage(
        actor_of=actor_of,
        links=links,
        suggestions=tuple(suggestions),
        common=tuple(common),
        third_party=tuple(third_party),
        cap=cap,
        cut=tuple(cut),
        hubs=tuple(sorted(hubs, key=lambda row: (-row[2], row[0], row[1]))),
    )


def _apart(groups: _Groups, members: list[int]) -> bool:
    """Whether the accounts are not all in one group yet (else joining them changes nothing
    and there is nothing to judge)."""
    first = groups.find(members[0])
    return any(groups.find(i) != first for i in members[1:])


def _hub(key, members, accounts, groups: _Groups, holders, excluded, looks) -> str:
    """Why the identifier `key` is a service's hub (its accounts are strangers), or ""."""
    showing = [accounts[i] for i in members]
    company = companions(key, showing, lambda ident: len(holders.get(ident, ())), excluded)

    def evidence_of(i: int) -> list[tuple[str, str]]:
        if i not in looks:
            looks[i] = looks_of(accounts[i])
        return evidence(accounts[i], str(groups.find(i)), key, company, looks=looks[i])

    return hub_reason(corroborated_clusters(members, evidence_of))


def _templated(accounts: list[Account]) -> set[tuple[str, str]]:
    """Identifiers written inside a long span of text that two or more accounts repeat."""
    seen: dict[int, int] = {}
    for account in accounts:
        for fingerprint in {span[2] for span in account.spans}:
            seen[fingerprint] = seen.get(fingerprint, 0) + 1
    return {
        (kind, value)
        for account in accounts
        for kind, value, fingerprint in account.spans
        if seen[fingerprint] > 1
    }


def _join(groups: _Groups, members: list[int]) -> bool:
    """Join the accounts showing one identifier; False when an apart pin refused a join."""
    first = members[0]
    return all([groups.union(first, other) for other in members[1:]])


def _holders(accounts: list[Account]):
    """(kind, value) -> indexes of the accounts that show it as their own; and how many
    accounts name it as somebody else's."""
    holders: dict[tuple[str, str], list[int]] = {}
    third: dict[tuple[str, str], int] = {}
    strong = STRONG_KINDS
    for i, account in enumerate(accounts):
        seen = set()
        for kind, value in account.identifiers:
            if (kind, value) in seen:
                continue
            seen.add((kind, value))
            if kind in strong:
                holders.setdefault((kind, value), []).append(i)
            elif kind.startswith(THIRD_PARTY):
                key = (kind[len(THIRD_PARTY) :], value)
                third[key] = third.get(key, 0) + 1
    return holders, third


def _usable(holders, third, stoplist, cap):
    """The identifiers that may join, rarest and strongest first; the ones kept out."""
    usable, common, third_party = [], [], []
    for key, members in holders.items():
        named_other = third.get(key, 0)
        if key in stoplist:
            continue
        if named_other and (named_other >= 2 or named_other >= len(members)):
            third_party.append((key[0], key[1], len(members) + named_other))
        elif len(members) + named_other > cap:
            common.append((key[0], key[1], len(members) + named_other))
        elif len(members) > 1:
            usable.append(key)
    for key, named_other in third.items():
        if key not in holders and key not in stoplist:
            third_party.append((key[0], key[1], named_other))

    def rarest_first(key):
        return (len(holders[key]), KIND_ORDER.get(key[0], 9), key[1])

    usable.sort(key=rarest_first)
    common.sort(key=lambda row: (-row[2], row[0], row[1]))
    third_party.sort(key=lambda row: (-row[2], row[0], row[1]))
    return usable, common, third_party


class _Groups:
    """Union-find over account indexes that refuses a union joining two accounts pinned apart."""

    def __init__(self, size: int, apart: list[tuple[int, int]]):
        self.parent = list(range(size))
        self.size = [1] * size
        # root -> accounts that must never be in that root's group
        self.forbidden: dict[int, set[int]] = {}
        for a, b in apart:
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        """Join the groups of a and b; False when an apart pin forbids it."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        forbidden = self.forbidden
        if forbidden:
            fa, fb = forbidden.get(ra), forbidden.get(rb)
            if fa and any(self.find(x) == rb for x in fa):
                return False
            if fb and any(self.find(x) == ra for x in fb):
                return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if forbidden and rb in forbidden:
            forbidden.setdefault(ra, set()).update(forbidden.pop(rb))
        return True


def _actors_and_links(ids, groups, usable, holders, pins, index):
    key_of_root: dict[int, str] = {}
    roots = [groups.find(i) for i in range(len(ids))]
    for i, root in enumerate(roots):
        current = key_of_root.get(root)
        if current is None or ids[i] < current:
            key_of_root[root] = ids[i]
    actor_of = {ids[i]: key_of_root[root] for i, root in enumerate(roots)}
    links: dict[str, list[Link]] = {}
    for kind, value in usable:
        by_root: dict[int, list[int]] = {}
        for i in holders[(kind, value)]:
            by_root.setdefault(roots[i], []).append(i)
        for members in by_root.values():
            if len(members) > 1:
                joined = Link(kind, value, tuple(sorted(ids[i] for i in members)))
                for i in members:
                    links.setdefault(ids[i], []).append(joined)
    for pin in pins:
        if pin.together and roots[index[pin.a]] == roots[index[pin.b]]:
            joined = Link("pin", "together", tuple(sorted((pin.a, pin.b))))
            links.setdefault(pin.a, []).append(joined)
            links.setdefault(pin.b, []).append(joined)
    return actor_of, _sorted_links(links)


def _sorted_links(links: dict[str, list[Link]]) -> Mapping[str, tuple[Link, ...]]:
    order = {kind: rank for kind, rank in KIND_ORDER.items()}
    return {
        account: tuple(sorted(found, key=lambda k: (order.get(k.kind, 9), k.kind, k.value)))
        for account, found in links.items()
    }
