"""Offender profiling: seller accounts linked into actors (pelaku) by shared identifiers.

Pure: frozen dataclasses and functions, no I/O or clock while linking."""

from rules.profiling.contacts import (
    account_from_text,
    own_shop_identifiers,
    shop_key,
    shop_mentions,
)
from rules.profiling.evaluate import PairScore, evaluate
from rules.profiling.hubs import keep_out
from rules.profiling.linker import default_cap, link
from rules.profiling.model import STRONG_KINDS, Account, Link, Linkage, Pin, Suggestion
from rules.profiling.stoplist import load_default_stoplist

__all__ = [
    "STRONG_KINDS", "Account", "Link", "Linkage", "PairScore", "Pin", "Suggestion",
    "account_from_text", "default_cap", "evaluate", "keep_out", "link", "load_default_stoplist",
    "own_shop_identifiers", "shop_key", "shop_mentions",
]  # fmt: skip
