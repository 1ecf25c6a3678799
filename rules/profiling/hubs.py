"""Hubs: identifiers that belong to a service, not to an actor, told apart by the accounts
showing them — not by a list of values.

A customer-service, courier, rekber, placeholder, dropship-group or brand number turns up on
accounts of many different actors, often BARE (no word near it naming the service), and often
on no more accounts than a real actor's own phone (5-40 against up to ~12): neither cue words
nor the frequency cap can tell them apart. What does is whether the accounts showing the
identifier are otherwise related. A real actor's phone on 8 accounts comes with the same city,
look-alike shop names, or the actor's other identifiers (already joined into one group) on most
of them; a service's number sits on accounts that are strangers to each other: many cities,
unrelated names, each account in its own group with its own contacts.

`corroborated_clusters` groups the accounts showing one identifier by that other evidence
(same group so far, same city, a shared pair of distinctive shop-name words, another contact
of theirs that comes along on several of them — `companions`) — the identifier itself is left
out, so it cannot vouch for itself. A companion that comes with the identifier nearly wherever
either is written is the same text (a template's supplier phone and bank, pasted together),
one piece of evidence and not two, and does not count; an account whose only contact is the
identifier counts as corroborating it (a shop always gives a way to reach it: whoever answers
that number runs the shop, while a service's number sits beside each shop's own contacts).
`keep_out` is the decision: when the largest corroborated cluster holds less than half of the
accounts, or no two of them are related at all, the accounts are mostly strangers and the
identifier is a hub: it joins nothing. Otherwise the evidence corroborates it as one actor's,
and it joins all its accounts (the odd one out in another city under another name still
shows the actor's own number). Mid-frequency identifiers thus join only when corroborated.

Every input is local to the identifier (its accounts, their cities, names and groups, their
other contacts and how many accounts show those), nothing is counted over the whole data:
linking any subset that holds every account showing the identifiers involved decides the
same way as linking everything (the casebook's incremental relink relies on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from rules.profiling.model import Account

# Words any shop name may carry: they say nothing about who runs it. Digits and one- or
# two-letter words are dropped too.
NAME_FILLER = frozenset({
    "toko", "shop", "store", "official", "officialshop", "resmi", "grosir", "id", "indo",
    "indonesia", "olshop", "online", "the", "mart", "new", "ori", "original", "asli", "jaya",
    "herbal", "center", "centre", "group", "family", "express", "collection", "outlet", "agen",
    "distributor", "pusat", "sentra", "kios", "lapak", "rumah", "galeri", "gudang", "mega",
    "super", "aneka", "serba", "point", "corner", "house", "care", "beauty", "farma",
})  # fmt: skip
_WORD = re.compile(r"[a-z]+")
HUB_SHARE = 0.5  # the largest corroborated cluster must hold at least this share
SAME_TEXT = 0.8  # two contacts this often together (Jaccard) come from one text
# Accounts an identifier may show on and still join without corroboration: two accounts
# sharing a number are a pair; on three or more it is a pattern that the accounts' company
# must explain (a rekber or template number on 3-4 shops of strangers glues as surely as one
# on 40). On the benchmark world with its cue words ignored, 2 against 4 took precision from
# 0.943 to 0.985 at the same recall.
RARE = 2


def name_keys(shop_name: str) -> tuple[str, ...]:
    """Pairs of distinctive words of a shop name ("Toko Merapi Makmur 2" -> "makmur+merapi"):
    two accounts sharing a pair have look-alike names. One distinctive word alone says too
    little ("Sehat"), unless the name has no other."""
    words = sorted({w for w in _WORD.findall(shop_name.lower()) if len(w) > 2} - NAME_FILLER)
    if len(words) == 1:
        return (words[0],) if len(words[0]) >= 6 else ()
    return tuple(f"{a}+{b}" for n, a in enumerate(words) for b in words[n + 1 :])


CONTACT_KINDS = frozenset({"phone", "email", "bank_account", "handle"})


def evidence(
    account: Account,
    group: str,
    key: tuple[str, str],
    companions: Collection[tuple[str, str]] = (),
    *,
    looks: tuple[tuple[str, str], ...] | None = None,
) -> list[tuple[str, str]]:
    """What relates an account to others, beside the identifier `key`: its group so far, its
    city, its shop-name word pairs (`looks`, given when already worked out), the
    `companions` of `key` it shows; and whether `key` is the only contact it gives — a shop
    always gives a way to reach it, so one whose only contact is `key` is run by whoever
    answers it, while a service's number sits beside each shop's own contacts."""
    keys = [("group", group)]
    contacts = [ident for ident in account.identifiers if ident[0] in CONTACT_KINDS]
    if all(ident == key for ident in contacts):
        keys.append(("sole", ""))
    keys += looks_of(account) if looks is None else looks
    if companions:
        keys += [("with", f"{kind}:{value}") for kind, value in contacts
                 if (kind, value) in companions]  # fmt: skip
    return keys


def looks_of(account: Account) -> tuple[tuple[str, str], ...]:
    """The account's city and shop-name word pairs, as evidence keys."""
    city = (("city", account.city.lower()),) if account.city else ()
    return city + tuple(("name", pair) for pair in name_keys(account.shop_name))


def companions(
    key: tuple[str, str],
    accounts: Sequence[Account],
    shown_on: Callable[[tuple[str, str]], int],
    excluded: Collection[tuple[str, str]] = (),
) -> set[tuple[str, str]]:
    """Other contacts that two or more of the accounts showing `key` show too, and that are
    independent evidence: an actor's phone on 8 accounts comes with its e-mail or bank on
    several of them. Left out: a contact of whose accounts fewer than a third show `key` (two
    services' numbers, each on a dozen shops, meet on two of them by chance); and, not
    independent, a contact that comes with `key` nearly
    wherever either is written (Jaccard ≥ `SAME_TEXT` over the accounts showing them) — the
    supplier's phone and bank of one copied template are one piece of evidence, not two —,
    one whose accounts name different cities with no majority (`_one_place`), and the
    `excluded` ones (stoplisted, too common, somebody else's, hubs). `shown_on` gives
    how many accounts show a contact in all."""
    together: dict[tuple[str, str], int] = {}
    cities: dict[tuple[str, str], dict[str, int]] = {}
    for account in accounts:
        for ident in account.identifiers:
            if ident[0] in CONTACT_KINDS and ident != key:
                together[ident] = together.get(ident, 0) + 1
                if account.city:
                    seen = cities.setdefault(ident, {})
                    seen[account.city] = seen.get(account.city, 0) + 1
    size = len(accounts)
    return {
        ident
        for ident, both in together.items()
        if both > 1
        and ident not in excluded
        and 3 * both >= shown_on(ident)  # a third of its accounts show `key`: not by chance
        and both < SAME_TEXT * (size + shown_on(ident) - both)
        and _one_place(cities.get(ident, {}))
    }


def _one_place(cities: Mapping[str, int]) -> bool:
    """Whether accounts naming these cities (city -> accounts) could be one actor's: at least
    half name the same one. A supplier's phone and bank pasted onto shops all over the country
    are no actor's contacts, however often they come together."""
    return not cities or 2 * max(cities.values()) >= sum(cities.values())


def corroborated_clusters(
    holders: Sequence[int], evidence_of: Callable[[int], list[tuple[str, str]]]
) -> list[list[int]]:
    """The accounts showing one identifier, clustered by the other evidence they share."""
    parent = list(range(len(holders)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for n, i in enumerate(holders):
        for key in evidence_of(i):
            other = first.setdefault(key, n)
            if other != n:
                parent[find(n)] = find(other)
    clusters: dict[int, list[int]] = {}
    for n, i in enumerate(holders):
        clusters.setdefault(find(n), []).append(i)
    return sorted(clusters.values(), key=len, reverse=True)


def hub_reason(clusters: Sequence[Sequence[int]]) -> str:
    """Why the accounts in `clusters` show a service's identifier, or "" when they look like
    one actor's accounts."""
    total = sum(len(c) for c in clusters)
    if len(clusters) < 2 or (len(clusters[0]) > 1 and len(clusters[0]) >= HUB_SHARE * total):
        return ""
    return (f"{total} accounts in {len(clusters)} unrelated groups (largest {len(clusters[0])}): "
            f"different cities, names and contacts")  # fmt: skip


def keep_out(
    key: tuple[str, str],
    accounts_showing_it: Sequence[Account],
    group_of: Mapping[str, str] | None = None,
    *,
    templated: bool = False,
    shown_on: Mapping[tuple[str, str], int] | None = None,
    excluded: Collection[tuple[str, str]] = (),
) -> str:
    """The reason a mid-frequency identifier `key` (kind, value) shown by `accounts_showing_it`
    is a service's hub and joins nothing, or "" when it is an actor's. `group_of` (account id
    -> group) gives the groups the rarer identifiers already formed (the linker's order; the
    casebook's actors); without it each account is its own group. `shown_on` (contact -> how
    many accounts show it in all) lets the other contacts the accounts share count as evidence
    (`companions`), minus `excluded` (stoplisted, too common, third-party, hubs). On at most
    `RARE` accounts an identifier joins outright, unless `templated` (written inside a span of
    text other accounts repeat, `rules.profiling.boilerplate`)."""
    group_of = group_of or {}
    accounts = list(accounts_showing_it)
    if len(accounts) <= RARE and not templated:
        return ""
    company = (
        companions(key, accounts, lambda ident: shown_on.get(ident, 0), excluded)
        if shown_on is not None
        else set()
    )
    clusters = corroborated_clusters(
        range(len(accounts)),
        lambda n: evidence(accounts[n], group_of.get(accounts[n].id, accounts[n].id), key, company),
    )
    return hub_reason(clusters)
