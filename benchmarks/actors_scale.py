"""Linking seller accounts into actors at a million listings, in a real casebook.

    python -m benchmarks.actors_scale [--listings 1000000] [--quick] [--seed 2026]
        [--sqlite-file F] [--baseline-timeout 300]

The world comes from `benchmarks.actors_world` (seeded): ~175,000 seller accounts of ~100,000
actors with a heavy tail of sizes, their identifiers, and the noise a patrol sees (marketplace
customer-service and courier numbers on thousands of shops, rekber accounts on hundreds,
template numbers, look-alike shop names). It is bulk-inserted into a SQLite casebook made by the
project's migrations (sellers, seller_identifiers, listings, the admin's stoplist of the
marketplaces' own numbers) - the crawl pipeline is measured elsewhere.

Measured, in one run:
- full: `casebook.services.profiling.relink(session)` and its commit - what `patroli actors
  relink` runs - then again on the linked casebook (nothing changed);
- incremental: 1,000 new listings recorded through `casebook.services.listings.record_listings`
  (the crawler pipeline's call) followed by `relink(session, seller_ids=...)` of the batch's
  sellers, against the same recording of another 1,000 without the relink;
- the pure linker, `rules.profiling.link`, over the same accounts built in memory;
- baselines written as an analyst would: a SQL self-join of seller_identifiers on
  (kind, value) giving pairs, connected components in Python (union-find) - once as is (common
  numbers make it quadratic: a guard stops it after --baseline-timeout seconds), once with the
  stoplist and a HAVING count(*) <= cap filter first;
- pairwise precision and recall of each result against the generator's truth, and the recall
  ceiling (accounts whose identifiers join nothing cannot be linked by anyone).
Targets: full relink <= 60 s; incremental <= 1 s per 1,000 new listings.

`--quick` (50,000 listings, 8,750 accounts) is a smoke run, and a harder case for the cap: its
noise sits on fewer shops, the template numbers printed bare (on ~30 shops each) stay under the
frequency cap, and only the linker's other evidence keeps them from gluing their shops together.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from benchmarks import actors_world
from benchmarks.actors_world import World
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import ActorAccount
from casebook.services import listings as listing_service
from rules.model import Verdict

QUICK = 50_000
BATCH = 1_000
COLUMNS = {
    "sellers": "id, platform, key, name, url, location, first_seen, last_seen",
    "seller_identifiers": "seller_id, kind, value, first_seen",
    "listings": "id, url, platform, title, description, currency, images, seller_id, category, "
    "nies, content_hash, first_seen, last_seen, status, has_findings",
    "identifier_stoplist": "kind, value, reason, added_by, added_at",
}


# ---- loading ----------------------------------------------------------------------------


def rows(world: World) -> dict[str, Iterable[tuple]]:
    t = _sqlite(actors_world.T0)
    return {
        "sellers": ((*s, t, t) for s in world.sellers),
        "seller_identifiers": ((sid, kind, value, t) for sid, kind, value in world.identifiers),
        "listings": (_listing(*row) for row in world.listings),
        "identifier_stoplist": ((k, v, why, "admin", t) for k, v, why in world.stoplist),
    }


def _listing(i: int, url: str, platform: str, title: str, seller: int, category: str) -> tuple:
    seen = _sqlite(actors_world.seen_at(i))
    no_list = "[]"
    return (i, url, platform, title, "", "IDR", no_list, seller, category, no_list, f"{i:064x}",
            seen, seen, "active", 0)  # fmt: skip


def load(engine, world: World) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, values in rows(world).items():
            started = time.perf_counter()
            columns = COLUMNS[table]
            marks = ", ".join("?" * len(columns.split(",")))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
            raw.commit()
            print(f"  {table}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s",
                  flush=True)  # fmt: skip
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _sqlite(value: datetime) -> str:
    # As SQLAlchemy stores a DateTime on SQLite: text in UTC, compared as text.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


# ---- quality ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    predicted_pairs: int
    true_pairs: int

    def __str__(self) -> str:
        return (f"P {self.precision:.3f} / R {self.recall:.3f} "
                f"({self.predicted_pairs:,} pairs linked, {self.true_pairs:,} true)")  # fmt: skip


def pairwise(predicted: Sequence[object], truth: Sequence[object]) -> Quality:
    """Pairwise precision and recall of a clustering (one label per account, same order),
    counted from cluster sizes without listing the pairs."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    both = pairs(Counter(zip(predicted, truth, strict=True)).values())
    linked, true = pairs(Counter(predicted).values()), pairs(Counter(truth).values())
    return Quality(both / linked if linked else 1.0, both / true if true else 1.0, linked, true)


class Components:
    """Union-find over account indexes: the analyst's connected components."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def labels(self) -> list[int]:
        return [self.find(x) for x in range(len(self.parent))]


def linkable_truth(world: World) -> list[int]:
    """The truth as far as identifiers can show it: accounts of one actor joined through
    identifiers that are not noise. The recall of this against the truth is the ceiling."""
    components = Components(len(world.sellers))
    first: dict[tuple[str, str], int] = {}
    for seller_id, kind, value in world.identifiers:
        if (kind, value) in world.noise or kind.startswith(actors_world.THIRD_PARTY):
            continue
        index = seller_id - 1
        other = first.setdefault((kind, value), index)
        if world.actor_of[other] == world.actor_of[index]:
            components.union(other, index)
    return components.labels()


def casebook_actors(sessions, sellers: int) -> list[int]:
    """The casebook's actor of each seller (an account with no actor is alone)."""
    labels = [-(n + 1) for n in range(sellers)]
    with sessions() as session:
        for seller_id, actor_id in session.execute(
            select(ActorAccount.seller_id, ActorAccount.actor_id)
        ):
            if seller_id <= sellers:
                labels[seller_id - 1] = actor_id
    return labels


# ---- what is measured ---------------------------------------------------------------------


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def baseline_self_join(engine, sellers: int, timeout: float, cap: int | None) -> tuple:
    """Pairs from a self-join on (kind, value), components in Python. With `cap`, a careful
    analyst: only the strong kinds, and the values on the stoplist or shown by more than `cap`
    accounts left out first."""
    common = ""
    if cap is not None:
        common = (
            " AND a.kind IN ('phone', 'email', 'bank_account', 'handle', 'shop_url')"
            " AND (a.kind, a.value) NOT IN (SELECT kind, value FROM identifier_stoplist"
            " WHERE removed_at IS NULL)"
            " AND (a.kind, a.value) NOT IN (SELECT kind, value FROM seller_identifiers"
            f" GROUP BY kind, value HAVING count(*) > {int(cap)})"
        )
    sql = (
        "SELECT a.seller_id, b.seller_id FROM seller_identifiers a JOIN seller_identifiers b"
        " ON a.kind = b.kind AND a.value = b.value AND a.seller_id < b.seller_id"
        f" WHERE 1 = 1{common}"
    )
    started, pairs, finished = time.perf_counter(), 0, True
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # the incremental batches added sellers after the world's: they are joined too
        components = Components(cursor.execute("SELECT max(id) FROM sellers").fetchone()[0] + 1)
        cursor.execute(sql)
        while chunk := cursor.fetchmany(50_000):
            pairs += len(chunk)
            for a, b in chunk:
                components.union(a, b)
            if time.perf_counter() - started > timeout:
                finished = False
                break
    finally:
        raw.close()
    labels = components.labels()[1 : sellers + 1]
    return time.perf_counter() - started, labels, pairs, finished


def new_records(world: World, seed: int) -> list:
    records = []
    for url, platform, title, category, seller in actors_world.new_batch(world, BATCH, seed):
        s_platform, name, s_url, location, shown = seller
        record = listing_service.ListingRecord(
            url=url, platform=platform, title=title, currency="IDR",
            seller=listing_service.SellerRecord(s_platform, name, s_url, location, shown),
        )  # fmt: skip
        records.append((record, Verdict(url, category=category, version="bench")))
    return records


def incremental(sessions, world: World, profiling) -> list[tuple[str, str, str]]:
    """Batches of 1,000 new listings stored as the crawler's CasebookPipeline stores one: a
    transaction records the listings and their sellers and picks the sellers a relink could
    change (`profiling.sellers_to_relink`: no actor yet, or an identifier first seen in the
    batch), the next relinks them. Beside it the same recording without the relink, and a
    relink of every seller of the batch."""

    def record(seed: int, relink: str):
        batch, now = new_records(world, seed), actors_world.seen_at(10_000_000 + seed)
        started = time.perf_counter()
        with sessions() as session, session.begin():
            stored = listing_service.record_listings(session, batch, now=now)
            seller_ids = profiling.sellers_of_listings(session, stored.listing_ids.values())
            if relink == "hook":
                seller_ids = profiling.sellers_to_relink(session, seller_ids, since=now)
        recorded = time.perf_counter()
        result = None
        if relink != "none":
            with sessions() as session, session.begin():
                result = profiling.relink(session, actor="crawler", seller_ids=seller_ids)
        done = time.perf_counter()
        return done - started, done - recorded, len(seller_ids), result

    plain, _, _, _ = record(11, "none")
    total, part, seeds, result = record(12, "hook")
    every, every_part, every_seeds, every_result = record(13, "all")
    return [
        (f"incremental: record {BATCH:,} listings + relink as the crawl hook does",
         f"{total:.2f} s", f"relink part {part:.2f} s ({seeds:,} sellers seeded); record alone "
         f"{plain:.2f} s (another batch); {relink_said(result)}"),
        ("incremental, every seller of the batch relinked (seen again or not)",
         f"{every:.2f} s", f"relink part {every_part:.2f} s ({every_seeds:,} sellers seeded); "
         f"{relink_said(every_result)}"),
    ]  # fmt: skip


def accounts_in_memory(world: World) -> list:
    from rules.profiling import Account

    by_seller: dict[int, list[tuple[str, str]]] = {}
    for seller_id, kind, value in world.identifiers:
        by_seller.setdefault(seller_id, []).append((kind, value))
    return [
        Account(id=str(seller_id), platform=platform, shop_name=name, shop_url=url, city=city,
                identifiers=tuple(by_seller.get(seller_id, ())),
                products=(world.categories[seller_id - 1],))
        for seller_id, platform, _key, name, url, city in world.sellers
    ]  # fmt: skip


def pure_linker(world: World) -> tuple[float, list[int] | None, object]:
    try:
        from rules.profiling import link
    except ImportError as error:
        print(f"rules.profiling not importable ({error}); pure linker skipped")
        return float("nan"), None, None
    accounts = accounts_in_memory(world)
    from rules.profiling import load_default_stoplist

    # the casebook's stoplist (the marketplaces' numbers) beside the shipped default one
    stoplist = frozenset((k, v) for k, v, _ in world.stoplist) | load_default_stoplist()
    seconds, linkage = timed(lambda: link(accounts, stoplist=stoplist))
    labels = [linkage.actor_of.get(str(n + 1), f"alone{n}") for n in range(len(world.sellers))]
    return seconds, labels, linkage


# ---- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} listings")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-file", type=Path, help="keep the casebook here (a new file)")
    parser.add_argument("--baseline-timeout", type=float, default=300.0)
    options = parser.parse_args()
    size = QUICK if options.quick else options.listings
    print(f"load average {os.getloadavg()[0]:.1f} at the start; {os.cpu_count()} cores", flush=True)
    seconds, world = timed(lambda: actors_world.generate(size, options.seed))
    print(f"generated {len(world.listings):,} listings, {len(world.sellers):,} accounts, "
          f"{world.actors:,} actors, {len(world.identifiers):,} identifiers in {seconds:.1f} s",
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="actors-bench-") as folder:
        path = options.sqlite_file or Path(folder) / "actors.db"
        if path.exists():
            raise SystemExit(f"{path} exists: the benchmark loads a new casebook")
        run(make_engine(f"sqlite:///{path}"), world, options)


def run(engine, world: World, options) -> None:
    schema.upgrade(engine)
    seconds, _ = timed(lambda: load(engine, world))
    print(f"loaded in {seconds:.1f} s", flush=True)
    sessions = make_session_factory(engine)
    truth = world.actor_of
    ceiling = pairwise(linkable_truth(world), truth)
    lines: list[tuple[str, str, str]] = [
        ("recall ceiling (identifiers that join anything at all)", "", str(ceiling)),
    ]
    try:
        from casebook.services import profiling
    except ImportError as error:
        profiling = None
        print(f"casebook.services.profiling not importable ({error}); relink skipped")
    full = float("nan")
    if profiling is not None:
        full, again, result, second = _full(sessions, profiling)
        quality = pairwise(casebook_actors(sessions, len(world.sellers)), truth)
        lines += [
            (
                "relink, full (`profiling.relink` + commit)",
                f"{full:.1f} s",
                f"{quality}; {relink_said(result)}",
            ),
            ("relink, full, again (nothing new)", f"{again:.1f} s", relink_said(second)),
        ]
        lines += incremental(sessions, world, profiling)
        after = pairwise(casebook_actors(sessions, len(world.sellers)), truth)
        lines.append(("the world's accounts after the incremental batches", "", str(after)))
    seconds, labels, linkage = pure_linker(world)
    if labels is not None:
        lines.append(("pure linker `rules.profiling.link` (in memory)", f"{seconds:.1f} s",
                      f"{pairwise(labels, truth)}; {_linkage(linkage)}"))  # fmt: skip
    cap = getattr(linkage, "cap", None) or _default_cap(len(world.sellers))
    baselines = (
        ("baseline: self-join + union-find, as is", None),
        (f"baseline: same, strong kinds, stoplist, HAVING count <= {cap}", cap),
    )
    for label, guard in baselines:
        seconds, labels, pairs, finished = baseline_self_join(
            engine, len(world.sellers), options.baseline_timeout, guard
        )
        note = "" if finished else f" STOPPED by the {options.baseline_timeout:.0f} s guard"
        ratio = f"; the full relink takes {full / seconds:.1f}x its time" if full == full else ""
        lines.append((label, f"{seconds:.1f} s", f"{pairs:,} pairs{note}; "
                      f"{pairwise(labels, truth)}{ratio}"))  # fmt: skip
    _table(world, lines)
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)


def _full(sessions, profiling) -> tuple[float, float, object, object]:
    def once():
        with sessions() as session, session.begin():
            return profiling.relink(session)

    full, result = timed(once)
    again, second = timed(once)
    return full, again, result, second


def relink_said(result) -> str:
    """A RelinkResult in a table cell (its lists counted, not printed)."""
    if result is None:
        return ""
    parts = [
        f"{getattr(result, 'accounts', '?'):,} accounts in {getattr(result, 'actors', '?'):,}"
        f" actors, {len(getattr(result, 'created', ())):,} new, "
        f"{getattr(result, 'suggested', 0):,} suggestions, "
        f"{len(getattr(result, 'common', ())):,} identifiers too common"
    ]
    seconds = getattr(result, "seconds", {}) or {}
    if seconds:
        parts.append(" + ".join(f"{k} {v:.2f} s" for k, v in seconds.items()))
    if getattr(result, "full", False):
        parts.append("ran in full")
    return "; ".join(parts)


def _default_cap(accounts: int) -> int:
    try:
        from rules.profiling import default_cap
    except ImportError:
        return 50
    return default_cap(accounts)


def _linkage(linkage) -> str:
    actors = len(set(linkage.actor_of.values()))
    return (f"{actors:,} actors, {len(linkage.suggestions):,} suggestions, "
            f"{len(linkage.common):,} identifiers too common")  # fmt: skip


def _table(world: World, lines) -> None:
    print(f"\nActors at {len(world.listings):,} listings: {len(world.sellers):,} accounts of "
          f"{world.actors:,} actors (seed {world.seed}), SQLite\n")  # fmt: skip
    print("| what | time | beside |")
    print("|---|---|---|")
    for what, seconds, beside in lines:
        print(f"| {what} | {seconds} | {beside} |")


if __name__ == "__main__":
    main()
