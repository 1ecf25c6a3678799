"""The linker's vocabulary: accounts, analysts' pins, the links and suggestions it finds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Identifiers that join accounts automatically. Everything else (cities, third-party numbers,
# shop names, image hashes, products) only suggests.
STRONG_KINDS = frozenset({"phone", "email", "bank_account", "handle", "shop_url"})


@dataclass(frozen=True, slots=True)
class Account:
    """One seller account as the linker sees it."""

    id: str  # casebook: str(seller.id); CLI: the JSONL "id"
    platform: str
    shop_name: str = ""
    shop_url: str = ""
    city: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, normalised value), strong+weak kinds
    image_hashes: tuple[int, ...] = ()  # 64-bit perceptual hashes (dHash)
    products: tuple[str, ...] = ()  # product categories, for "the same product mix"
    # (kind, value, fingerprint): an identifier written inside a long span of text, so that a
    # span copied verbatim onto other shops (a supplier's template) is recognised
    spans: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Pin:
    """An analyst's decision about two accounts: one actor (together) or never (apart)."""

    a: str
    b: str
    together: bool


@dataclass(frozen=True, slots=True)
class Link:
    """An identifier that joined accounts (kind "pin", value "together" for an analyst's pin)."""

    kind: str
    value: str
    accounts: tuple[str, ...]  # the accounts of one actor that show it, sorted


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two accounts in different actors that weak signals say may be one: for an analyst."""

    a: str  # a < b
    b: str
    score: float  # 0..1
    reasons: tuple[str, ...]  # plain words, e.g. "similar shop names: 'Toko X' / 'Toko X 88'"


@dataclass(frozen=True)
class Linkage:
    actor_of: Mapping[str, str]  # account id -> actor key (smallest account id of the group)
    links: Mapping[str, tuple[Link, ...]]  # account id -> the links that joined it
    suggestions: tuple[Suggestion, ...]  # pairs in different actors, never across an apart-pin
    common: tuple[tuple[str, str, int], ...]  # (kind, value, accounts) kept out as too common
    # (kind, value, accounts) kept out because accounts name it as somebody else's service
    third_party: tuple[tuple[str, str, int], ...] = ()
    cap: int = 0  # the frequency cap that applied
    cut: tuple[tuple[str, str], ...] = field(default=())  # identifiers cut by an apart pin
    # (kind, value, accounts, reason) kept out as a service's hub: its accounts are unrelated
    hubs: tuple[tuple[str, str, int, str], ...] = ()

    def actors(self) -> dict[str, tuple[str, ...]]:
        """Actor key -> its accounts, sorted."""
        groups: dict[str, list[str]] = {}
        for account, actor in self.actor_of.items():
            groups.setdefault(actor, []).append(account)
        return {actor: tuple(sorted(ids)) for actor, ids in groups.items()}
