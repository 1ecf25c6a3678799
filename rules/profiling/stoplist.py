"""The default stoplist: identifiers that never link accounts (stoplist.toml, with reasons)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Stop:
    kind: str
    value: str
    reason: str


@lru_cache(maxsize=1)
def default_stops() -> tuple[Stop, ...]:
    data = tomllib.loads(resources.files("rules.profiling").joinpath("stoplist.toml").read_text())
    return tuple(Stop(row["kind"], row["value"], row["reason"]) for row in data["stop"])


def load_default_stoplist() -> frozenset[tuple[str, str]]:
    """(kind, value) of every default stop, for `link(stoplist=...)`."""
    return frozenset((stop.kind, stop.value) for stop in default_stops())
