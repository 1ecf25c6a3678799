"""One actor's profile (SOP step 7): its accounts, what they sell and break, what came of the
takedowns, the identifiers that join them, and a risk score with its reasons.

Read in bulk by the actor's seller ids (a few statements per thousand listings, no query per
listing). Violations are the listings' *current* findings (hits not superseded). A listing's
takedown history is its latest takedown link (a link proposed again supersedes the earlier one).

Reappearance, precisely: a listing of account A is *taken down* at T when its latest takedown
link was verified `nonactive` (T = the link's `taken_down_at`, else its `checked_at`, else the
list's creation). The actor *reappeared* after that takedown when another account B (B != A) of
the same actor has a listing with current findings seen after T (`last_seen > T`): "new account"
when B itself was first seen after T (it showed up), "kept selling" otherwise. One reappearance is
counted per taken-down listing; the evidence names each (listing, other account) pair.

The risk score (0-100) is a sum of plain parts, each with its reason (see `RISK`): more accounts
and platforms, the most severe violation, how many listings break the rules, reappearance after
a takedown, and how recently the actor was seen. The score is cached on the actor row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casebook.models import (
    Actor,
    ActorAccount,
    ActorLink,
    Hit,
    Letter,
    LinkSuggestion,
    Listing,
    Seller,
    SellerIdentifier,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.vocabulary import violation_label

# Points of the most severe violation an actor's listings show (a health hazard weighs most).
SEVERITY = {
    "hazardous_ingredient": 30,
    "public_warning": 30,
    "prescription_drug": 25,
    "unregistered_nie": 18,
    "nie_mismatch": 18,
    "expired_nie": 15,
    "malformed_nie": 12,
    "no_nie": 10,
    "misleading_claim": 8,
}
# The other parts: (points per unit, cap).
RISK = {
    "accounts": (5, 15),  # per account beyond the first
    "platforms": (8, 15),  # per platform beyond the first
    "reappeared": (20, 25),  # 20 for the first reappearance, +5 for more
}
VOLUME = ((50, 10), (10, 6), (3, 3))  # listings with findings >= n -> points
RECENT = ((30, 10), (90, 5))  # last seen within n days -> points
_CHUNK = 900  # SQLite caps bound parameters per statement


@dataclass(frozen=True)
class Account:
    seller_id: int
    platform: str
    shop_name: str
    shop_url: str
    city: str
    first_seen: datetime
    last_seen: datetime
    listings: int
    with_findings: int
    how: str  # auto | confirmed | merged | split
    joined_at: datetime


@dataclass(frozen=True)
class Product:
    title: str  # the most common writing of the title
    listings: int
    accounts: int


@dataclass(frozen=True)
class Violation:
    code: str
    label: str  # Indonesian
    listings: int  # listings with a current finding of this code


@dataclass(frozen=True)
class Reappearance:
    listing_id: int  # the listing taken down
    url: str
    seller_id: int  # its account
    taken_down_at: datetime
    by_seller_id: int  # the other account of the actor seen after
    seen_at: datetime  # its latest listing with findings
    how: str  # new_account | kept_selling


@dataclass(frozen=True)
class Takedowns:
    listed: int  # listings in a takedown list
    taken_down: int  # latest link verified nonactive
    still_up: int  # latest link verified active
    unknown: int
    reappeared: int  # taken-down listings after which another account was seen selling
    evidence: tuple[Reappearance, ...]


@dataclass(frozen=True)
class Reason:
    points: int
    id: str  # Indonesian
    en: str


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str
    seller_ids: tuple[int, ...]  # the actor's accounts that show it
    joins: bool  # recorded by the linker as evidence joining accounts


@dataclass(frozen=True)
class Suggestion:
    id: int
    seller_a_id: int
    seller_b_id: int
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Referral:
    letter_id: int
    number: str
    recipient: str
    status: str
    created_at: datetime
    sent_on: date | None


@dataclass(frozen=True)
class ActorProfile:
    actor_id: int
    name: str
    note: str
    merged_into_id: int | None
    accounts: tuple[Account, ...]
    platforms: tuple[tuple[str, int], ...]  # (platform, accounts), most first
    listings: int
    with_findings: int
    products: tuple[Product, ...]  # most listed first
    violations: tuple[Violation, ...]  # most listings first
    takedowns: Takedowns
    first_seen: datetime | None
    last_seen: datetime | None
    risk_score: int
    reasons: tuple[Reason, ...]  # the parts of the score, largest first
    identifiers: tuple[Identifier, ...]  # joining ones first, then by accounts shown on
    suggestions: tuple[Suggestion, ...]  # pending suggestions touching an account
    referrals: tuple[Referral, ...]  # Rekomendasi Pelaku letters, oldest first


@dataclass(frozen=True)
class Node:
    key: str  # "seller:12" or "<kind>:<value>"
    label: str
    group: str  # an account's platform, an identifier's kind
    account: bool


@dataclass(frozen=True)
class Edge:
    a: str  # node keys: an account, an identifier it shows
    b: str


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def profile(session: Session, actor_id: int, *, now: datetime | None = None) -> ActorProfile:
    """Everything known about one actor; its risk score is written back to the actor row."""
    actor = _actor(session, actor_id)
    now = now or utcnow()
    accounts = _accounts(session, actor_id)
    seller_ids = [a.seller_id for a in accounts]
    listings = _listings(session, seller_ids)
    codes = _current_codes(session, [row.id for row in listings])
    findings = {row.id for row in listings if codes.get(row.id)}
    accounts = _counted(accounts, listings, findings)
    takedowns = _takedowns(session, listings, findings)
    violations = _violations(codes)
    seen = [a.first_seen for a in accounts] + [row.first_seen for row in listings]
    last = [a.last_seen for a in accounts] + [row.last_seen for row in listings]
    last_seen = max(map(_aware, last)) if last else None
    platforms = Counter(a.platform for a in accounts).most_common()
    reasons = risk_reasons(len(accounts), len(platforms), violations, len(findings), takedowns,
                           last_seen, now)  # fmt: skip
    score = min(100, sum(r.points for r in reasons))
    if actor.risk_score != score:
        actor.risk_score = score
    return ActorProfile(
        actor_id=actor.id, name=actor.name, note=actor.note or "",
        merged_into_id=actor.merged_into_id, accounts=tuple(accounts),
        platforms=tuple(platforms), listings=len(listings), with_findings=len(findings),
        products=_products(listings), violations=violations, takedowns=takedowns,
        first_seen=min(map(_aware, seen)) if seen else None, last_seen=last_seen,
        risk_score=score, reasons=reasons, identifiers=_identifiers(session, actor_id, seller_ids),
        suggestions=_suggestions(session, seller_ids), referrals=_referrals(session, actor_id),
    )  # fmt: skip


def refresh_risk(
    session: Session, actor_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, int]:
    """Recompute and cache the risk score of these actors (e.g. those a relink touched), so
    lists sorted or filtered by risk read a current score; actor id -> score."""
    now = now or utcnow()
    return {i: profile(session, i, now=now).risk_score for i in dict.fromkeys(actor_ids)}


def refresh_risk_of_offenders(session: Session, *, now: datetime | None = None) -> int:
    """Cache the risk score of every live actor with a listing that has findings (the ones a
    list sorted by risk must rank; an actor with none scores only on its size and recency and
    is refreshed when its profile is read); the number refreshed."""
    ids = session.scalars(
        select(ActorAccount.actor_id)
        .join(Actor, Actor.id == ActorAccount.actor_id)
        .join(Listing, Listing.seller_id == ActorAccount.seller_id)
        .where(Actor.merged_into_id.is_(None), Listing.has_findings)
        .distinct()
    ).all()
    return len(refresh_risk(session, ids, now=now))


def actors_of_sellers(session: Session, seller_ids: Iterable[int]) -> list[int]:
    """The actors these sellers belong to now (a crawl batch's, to refresh their scores)."""
    ids = list(dict.fromkeys(seller_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        found.update(session.scalars(select(ActorAccount.actor_id).where(
            ActorAccount.seller_id.in_(ids[start:start + 900]))))  # fmt: skip
    return sorted(found)


def graph(session: Session, actor_id: int) -> Graph:
    """The actor's accounts and the identifiers joining them (shown by two or more accounts, or
    recorded as the linker's evidence), with an edge from each account to what it shows."""
    _actor(session, actor_id)
    accounts = _accounts(session, actor_id)
    nodes = [Node(f"seller:{a.seller_id}", a.shop_name or a.shop_url or f"#{a.seller_id}",
                  a.platform, True) for a in accounts]  # fmt: skip
    edges = []
    for found in _identifiers(session, actor_id, [a.seller_id for a in accounts]):
        if not found.joins and len(found.seller_ids) < 2:
            continue
        key = f"{found.kind}:{found.value}"
        nodes.append(Node(key, found.value, found.kind, False))
        edges.extend(Edge(f"seller:{seller_id}", key) for seller_id in found.seller_ids)
    return Graph(tuple(nodes), tuple(edges))


def risk_reasons(
    accounts: int,
    platforms: int,
    violations: Sequence[Violation],
    with_findings: int,
    takedowns: Takedowns,
    last_seen: datetime | None,
    now: datetime,
) -> tuple[Reason, ...]:
    """The parts of the risk score, each in plain words; parts worth nothing are left out."""
    reasons = []
    per, cap = RISK["accounts"]
    if accounts > 1:
        reasons.append(Reason(min(cap, per * (accounts - 1)), f"{accounts} akun penjual",
                              f"{accounts} seller accounts"))  # fmt: skip
    per, cap = RISK["platforms"]
    if platforms > 1:
        reasons.append(Reason(min(cap, per * (platforms - 1)), f"berjualan di {platforms} "
                              "platform", f"sells on {platforms} platforms"))  # fmt: skip
    worst = max(violations, key=lambda v: SEVERITY.get(v.code, 0), default=None)
    if worst is not None and SEVERITY.get(worst.code, 0):
        english = violation_label(worst.code, "en")
        reasons.append(Reason(SEVERITY[worst.code], f"pelanggaran terberat: {worst.label}",
                              f"most severe violation: {english}"))  # fmt: skip
    volume = next((points for least, points in VOLUME if with_findings >= least), 0)
    if volume:
        reasons.append(Reason(volume, f"{with_findings} tautan melanggar",
                              f"{with_findings} violating listings"))  # fmt: skip
    per, cap = RISK["reappeared"]
    if takedowns.reappeared:
        points = min(cap, per + 5 * (takedowns.reappeared - 1))
        reasons.append(Reason(points, f"muncul kembali dengan akun lain setelah takedown "
                              f"({takedowns.reappeared} kali)", "reappeared under another account "
                              f"after a takedown ({takedowns.reappeared} times)"))  # fmt: skip
    if last_seen is not None:
        days = (now - last_seen).days
        recent = next(((n, points) for n, points in RECENT if days <= n), None)
        if recent:
            reasons.append(Reason(recent[1], f"terlihat dalam {recent[0]} hari terakhir",
                                  f"seen in the last {recent[0]} days"))  # fmt: skip
    return tuple(sorted(reasons, key=lambda r: -r.points))


# -- reading ------------------------------------------------------------------------------------


def _actor(session: Session, actor_id: int) -> Actor:
    from casebook.services.profiling import NoSuchActor  # the casebook's error (API 404)

    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NoSuchActor(f"no actor {actor_id}")
    return actor


def _accounts(session: Session, actor_id: int) -> list[Account]:
    query = (
        select(Seller, ActorAccount.how, ActorAccount.joined_at)
        .join(ActorAccount, ActorAccount.seller_id == Seller.id)
        .where(ActorAccount.actor_id == actor_id)
        .order_by(Seller.first_seen, Seller.id)
    )
    return [
        Account(seller.id, seller.platform, seller.name, seller.url, seller.location,
                _aware(seller.first_seen), _aware(seller.last_seen), 0, 0, how, joined_at)
        for seller, how, joined_at in session.execute(query)
    ]  # fmt: skip


def _listings(session: Session, seller_ids: list[int]):
    columns = (Listing.id, Listing.seller_id, Listing.url, Listing.title, Listing.first_seen,
               Listing.last_seen, Listing.status)  # fmt: skip
    rows = []
    for chunk in _chunks(seller_ids):
        rows.extend(session.execute(select(*columns).where(Listing.seller_id.in_(chunk))))
    return sorted(rows, key=lambda row: row.id)


def _current_codes(session: Session, listing_ids: list[int]) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(listing_ids):
        query = select(Hit.listing_id, Hit.code).where(
            Hit.listing_id.in_(chunk), Hit.superseded_at.is_(None)
        )
        for listing_id, code in session.execute(query):
            codes[listing_id].add(code)
    return codes


def _counted(accounts: list[Account], listings, findings: set[int]) -> list[Account]:
    total, broken = Counter(), Counter()
    for row in listings:
        total[row.seller_id] += 1
        broken[row.seller_id] += row.id in findings
    return [
        Account(**{**a.__dict__, "listings": total[a.seller_id],
                   "with_findings": broken[a.seller_id]})
        for a in accounts
    ]  # fmt: skip


def _violations(codes: dict[int, set[str]]) -> tuple[Violation, ...]:
    counts = Counter(code for found in codes.values() for code in found)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -SEVERITY.get(item[0], 0), item[0]))
    return tuple(Violation(code, violation_label(code), n) for code, n in ranked)


def _products(listings) -> tuple[Product, ...]:
    """Listings grouped by title as a reader would (case and spacing aside)."""
    writings: dict[str, Counter[str]] = defaultdict(Counter)
    sellers: dict[str, set[int]] = defaultdict(set)
    for row in listings:
        title = " ".join((row.title or "").split())
        if not title:
            continue
        writings[title.casefold()][title] += 1
        sellers[title.casefold()].add(row.seller_id)
    products = [
        Product(found.most_common(1)[0][0], found.total(), len(sellers[key]))
        for key, found in writings.items()
    ]
    return tuple(sorted(products, key=lambda p: (-p.listings, p.title.casefold())))


def _takedowns(session: Session, listings, findings: set[int]) -> Takedowns:
    by_id = {row.id: row for row in listings}
    latest: dict[int, tuple] = {}
    for chunk in _chunks(list(by_id)):
        query = (
            select(TakedownLink.id, TakedownLink.listing_id, TakedownLink.link_status,
                   TakedownLink.taken_down_at, TakedownLink.checked_at, TakedownList.created_at)
            .join(TakedownList, TakedownList.id == TakedownLink.list_id)
            .where(TakedownLink.listing_id.in_(chunk))
        )  # fmt: skip
        for row in session.execute(query):
            if row.listing_id not in latest or row.id > latest[row.listing_id].id:
                latest[row.listing_id] = row
    statuses = Counter(row.link_status for row in latest.values())
    down = {
        listing_id: _aware(row.taken_down_at or row.checked_at or row.created_at)
        for listing_id, row in latest.items()
        if row.link_status == "nonactive"
    }
    evidence = _reappearances(by_id, down, findings)
    return Takedowns(
        listed=len(latest),
        taken_down=statuses["nonactive"],
        still_up=statuses["active"],
        unknown=len(latest) - statuses["nonactive"] - statuses["active"],
        reappeared=len({r.listing_id for r in evidence}),
        evidence=evidence,
    )


def _reappearances(by_id: dict, down: dict[int, datetime],
                   findings: set[int]) -> tuple[Reappearance, ...]:  # fmt: skip
    """Per taken-down listing, each other account whose violating listings were seen after."""
    first: dict[int, datetime] = {}
    latest_by_seller: dict[int, list[datetime]] = defaultdict(list)
    for row in by_id.values():
        seen = _aware(row.first_seen)
        first[row.seller_id] = min(first.get(row.seller_id, seen), seen)
        if row.id in findings:
            latest_by_seller[row.seller_id].append(_aware(row.last_seen))
    found = []
    for listing_id, at in sorted(down.items()):
        taken = by_id[listing_id]
        for seller_id, seen in sorted(latest_by_seller.items()):
            after = max((s for s in seen if s > at), default=None)
            if seller_id == taken.seller_id or after is None:
                continue
            how = "new_account" if first[seller_id] > at else "kept_selling"
            found.append(Reappearance(listing_id, taken.url, taken.seller_id, at, seller_id,
                                      after, how))  # fmt: skip
    return tuple(found)


def _identifiers(session: Session, actor_id: int, seller_ids: list[int]) -> tuple[Identifier, ...]:
    shown: dict[tuple[str, str], set[int]] = defaultdict(set)
    for chunk in _chunks(seller_ids):
        query = select(SellerIdentifier.kind, SellerIdentifier.value, SellerIdentifier.seller_id)
        for kind, value, seller_id in session.execute(
            query.where(SellerIdentifier.seller_id.in_(chunk))
        ):
            shown[(kind, value)].add(seller_id)
    ours = set(seller_ids)
    joining: set[tuple[str, str]] = set()
    query = select(ActorLink.kind, ActorLink.value, ActorLink.seller_id, ActorLink.other_seller_id)
    for kind, value, seller_id, other in session.execute(
        query.where(ActorLink.actor_id == actor_id)
    ):
        joining.add((kind, value))
        shown[(kind, value)].update(s for s in (seller_id, other) if s in ours)
    found = [Identifier(kind, value, tuple(sorted(ids)), (kind, value) in joining)
             for (kind, value), ids in shown.items()]  # fmt: skip
    return tuple(sorted(found, key=lambda i: (not i.joins, -len(i.seller_ids), i.kind, i.value)))


def _suggestions(session: Session, seller_ids: list[int]) -> tuple[Suggestion, ...]:
    found: dict[int, Suggestion] = {}
    for chunk in _chunks(seller_ids):
        query = select(LinkSuggestion).where(
            LinkSuggestion.status == "pending",
            or_(LinkSuggestion.seller_a_id.in_(chunk), LinkSuggestion.seller_b_id.in_(chunk)),
        )
        for s in session.scalars(query):
            found[s.id] = Suggestion(s.id, s.seller_a_id, s.seller_b_id, s.score,
                                     tuple(str(r) for r in s.reasons or ()))  # fmt: skip
    return tuple(found[i] for i in sorted(found))


def _referrals(session: Session, actor_id: int) -> tuple[Referral, ...]:
    query = select(Letter).where(Letter.actor_id == actor_id).order_by(Letter.id)
    return tuple(
        Referral(x.id, x.number, x.recipient, x.status, _aware(x.created_at), x.sent_on)
        for x in session.scalars(query)
    )


def _aware(at: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def as_json(found: ActorProfile) -> dict[str, Any]:
    """The profile in plain JSON values (times ISO 8601 UTC with Z, dates YYYY-MM-DD): the one
    shape the command line and the API show."""
    return _plain(asdict(found))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
