"""Rules benchmark at real shape: build, `check` throughput, naive baseline, agreement, starts.

    .venv/bin/python -m benchmarks.rules_bench                       # 500,000 rows, 20,000 listings
    .venv/bin/python -m benchmarks.rules_bench --rows 20000 --listings 2000   # a quick run

The registry (benchmarks/synth.py) has big brands of 1,000-5,000 products whose names share
most words beside a long tail of small brands. Everything is measured in one run:

- index build: `RegistryIndex.build` in this process (wall and CPU time);
- check: `rules.matcher.check` over every listing, listings per CPU-second of this
  single-threaded process (the machine is shared; wall rate and load average beside it);
- baseline: the name matcher a user would write without an index, per listing
  `rapidfuzz.process.extractOne(headline, all_product_names, scorer=token_set_ratio,
  score_cutoff=90)`, names pre-processed once outside the timing (in its favour). It only
  matches names while `check` does everything, so the speed-up understates the gain;
- agreement: on a sample, the top-1 of `RegistryIndex.identify` (the call `check` makes, on
  the same words) against the baseline's: both find nothing, the same row, or a row the
  baseline scores as high as its own pick (a tie the scan broke by list order). Where the
  listing was made from a registry row, both are also scored against that truth;
- cold and warm start: `patroli rules check` on the registry CSV and one listing, in a fresh
  process with an empty data dir (reads the CSV, builds, stores the index), then again
  (reads the stored index): wall time, CPU time and peak memory of each process.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from benchmarks.synth import (
    generate_listings,
    generate_registry,
    generate_warnings,
    write_jsonl,
    write_registry_csv,
    write_warnings_csv,
)
from casebook.services.matching import stored_registry_index
from rules.catalogue import load_catalogue
from rules.evaluate import evaluate
from rules.index_store import registry_from_bytes, registry_to_bytes
from rules.matcher import check
from rules.mentions import FieldText
from rules.model import Listing
from rules.names import ListingWords
from rules.registry import RegistryIndex, WarningIndex
from rules.text import name_words

TARGETS = {"throughput": 2_000, "speedup": 100, "agreement": 0.99, "build_s": 30,
           "peak_gib": 2, "warm_s": 3}  # fmt: skip
CUTOFF = 90


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rules_bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000, help="registry rows")
    parser.add_argument("--listings", type=int, default=20_000, help="listings to check")
    parser.add_argument("--baseline", type=int, default=200, help="listings in the baseline sample")
    parser.add_argument("--warnings", type=int, default=500, help="public-warning rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-casebook",
        action="store_true",
        help="skip the casebook start (import into SQLite, Matcher.from_session)",
    )
    args = parser.parse_args(argv)

    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"{_cores()} cores; one core used; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    started = time.perf_counter()
    rows = generate_registry(args.rows, seed=args.seed)
    warnings = generate_warnings(args.warnings, seed=args.seed)
    data = generate_listings(args.listings, rows, seed=args.seed, warnings=warnings)
    listings = [Listing.from_dict(d) for d in data]
    print(f"generated {len(rows):,} registry rows ({_shape(rows)}), {len(warnings):,} warnings, "
          f"{len(listings):,} listings in {time.perf_counter() - started:.1f} s")  # fmt: skip

    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    registry = RegistryIndex.build(rows)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    warning_index, catalogue = WarningIndex.build(warnings), load_catalogue()
    print(f"index build: {build_s:.2f} s wall, {build_cpu:.2f} s CPU")

    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    verdicts = [check(listing, registry, warning_index, catalogue) for listing in listings]
    check_s, check_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    wall_rate, throughput = len(listings) / check_s, len(listings) / check_cpu
    print(f"check: {len(listings):,} listings; wall {check_s:.2f} s = {wall_rate:,.0f}/s; "
          f"CPU {check_cpu:.2f} s = {throughput:,.0f} listings/s on one core "
          f"(load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})")  # fmt: skip
    report = evaluate((d["expected"], v.codes) for d, v in zip(data, verdicts, strict=True))
    print(f"  (sanity: synthetic labels reproduced on {report.exact:,}/{report.listings:,} "
          f"listings, micro F1 {report.overall.f1:.3f})")  # fmt: skip
    _same_after_round_trip(registry, listings[:2_000], warning_index, catalogue)

    sample = random.Random(args.seed).sample(data, min(args.baseline, len(data)))
    baseline_rate, agreement = _baseline(registry, sample, catalogue)
    speedup = throughput / baseline_rate
    print(f"speed-up of check over the baseline (CPU time, same run): {speedup:,.0f}x")
    del registry, verdicts
    gc.collect()

    starts = _starts(rows, warnings, data[:1], casebook=not args.no_casebook)
    results = {
        "throughput": (throughput, throughput >= TARGETS["throughput"], ">= 2,000/s"),
        "wall_rate": (wall_rate, True, "(info)"),
        "speedup": (speedup, speedup >= TARGETS["speedup"], ">= 100x"),
        "agreement": (agreement, agreement >= TARGETS["agreement"], ">= 99% (*)"),
        "build_s": (build_s, build_s <= TARGETS["build_s"], "<= 30 s"),
        "cold_start_s": (starts["cold"][0], True, "(baseline)"),
        "warm_start_s": (starts["warm"][0], starts["warm"][0] <= TARGETS["warm_s"], "<= 3 s"),
        "peak_gib": (starts["cold"][2], starts["cold"][2] <= TARGETS["peak_gib"], "<= 2 GiB"),
    }
    print("\ntarget            value       goal        met")
    for name, (value, met, goal) in results.items():
        shown = f"{value:.1%}" if name == "agreement" else f"{value:,.2f}"
        print(f"{name:<16}{shown:>11}   {goal:<11} {'yes' if met else 'NO'}")
    print("(*) top-1 agreement of identify with the baseline on listings of registered products")
    return 0


def _shape(rows) -> str:
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[row.brand] = sizes.get(row.brand, 0) + 1
    big = sorted((n for n in sizes.values() if n >= 1_000), reverse=True)
    return (f"{len(sizes):,} brands; {len(big)} with 1,000+ products "
            f"({sum(big):,} rows, largest {big[0] if big else 0:,})")  # fmt: skip


def _words(data: dict, catalogue) -> ListingWords:
    """A listing's words exactly as check() builds them before it calls identify()."""
    fields = [FieldText.of("title", data.get("title") or "", catalogue),
              FieldText.of("description", data.get("description") or "", catalogue)]  # fmt: skip
    return ListingWords(ordered=[w for f in fields for w in name_words(f.words)])


def _baseline(registry: RegistryIndex, sample: list[dict], catalogue) -> tuple[float, float]:
    """The naive scan per listing, and how often identify()'s top-1 agrees with it."""
    names = [utils.default_process(p.product_name) for p in registry.products]
    queries = [utils.default_process(_headline(d)) for d in sample]
    started = time.process_time()
    scans = [process.extractOne(q, names, scorer=fuzz.token_set_ratio, processor=None,
                                score_cutoff=CUTOFF) for q in queries]  # fmt: skip
    rate = len(queries) / (time.process_time() - started)
    print(f"baseline (extractOne, token_set_ratio, score_cutoff={CUTOFF}, over "
          f"{len(names):,} names): {rate:,.2f} listings/s (CPU time)")  # fmt: skip

    words = [_words(d, catalogue) for d in sample]
    started = time.process_time()
    ours = [registry.identify(w) for w in words]
    identify_rate = len(sample) / (time.process_time() - started)
    # listings made from a registry row (there is a right answer) and the rest (none is right)
    tally = {group: dict.fromkeys(_OUTCOMES, 0) for group in ("registered", "not registered")}
    right = {"identify": 0, "baseline": 0}
    for data, query, scan, found in zip(sample, queries, scans, ours, strict=True):
        mine = found[0].row if found else None
        theirs = registry.products[scan[2]] if scan else None
        outcome = _outcome(query, mine, theirs, scan[1] if scan else 0.0)
        group = "registered" if "product_nie" in data else "not registered"
        tally[group][outcome] += 1
        if outcome not in _AGREE and sum(tally[group][o] for o in _OUTCOMES[3:]) <= 3:
            print(f"  e.g. {outcome} ({data['kind']}): {_headline(data)!r}: identify "
                  f"{mine and mine.product_name!r}, baseline {theirs and theirs.product_name!r}"
                  f" ({scan[1] if scan else 0:.0f})")  # fmt: skip
        if group == "registered":
            truth = registry.lookup(data["product_nie"]).product_name.split()
            right["identify"] += mine is not None and mine.product_name.split() == truth
            right["baseline"] += theirs is not None and theirs.product_name.split() == truth
    print(f"identify (the call check makes): {identify_rate:,.0f} listings/s")
    shares = {}
    for group, counts in tally.items():
        agreed, total = sum(counts[o] for o in _AGREE), sum(counts.values())
        shares[group] = agreed / total if total else 1.0
        print(f"  top-1 agreement with the baseline, listings of {group} products: "
              f"{agreed}/{total} ({shares[group]:.1%}) {counts}")  # fmt: skip
    made = sum(tally["registered"].values())
    print(f"  right product (the row the listing was made from, {made} listings): identify "
          f"{right['identify']}/{made}, baseline {right['baseline']}/{made}")  # fmt: skip
    wrongly = tally["not registered"]
    print(f"  a registered product claimed for an unregistered one: identify "
          f"{wrongly['ours_only']}, baseline {wrongly['base_only']} "
          f"of {sum(wrongly.values())} listings")  # fmt: skip
    return rate, shares["registered"]


_OUTCOMES = ("none", "same", "tie", "base_only", "ours_only", "differ")
_AGREE = ("none", "same", "tie")


def _outcome(query: str, mine, theirs, best: float) -> str:
    """How identify's top-1 (mine) and the scan's (theirs) compare."""
    if mine is None or theirs is None:
        return "none" if mine is theirs else ("ours_only" if theirs is None else "base_only")
    if mine.product_name.split() == theirs.product_name.split():
        return "same"
    if fuzz.token_set_ratio(query, utils.default_process(mine.product_name)) >= best:
        return "tie"  # the scan scores our row as high as its own pick: list order chose
    return "differ"


def _same_after_round_trip(registry, listings, warning_index, catalogue) -> None:
    started = time.perf_counter()
    back, _ = registry_from_bytes(registry_to_bytes(registry, "bench"), "bench")
    same = all(
        check(x, registry, warning_index, catalogue) == check(x, back, warning_index, catalogue)
        for x in listings
    )
    print(f"stored index round trip ({time.perf_counter() - started:.1f} s): the same verdicts "
          f"on {len(listings):,} listings: {'yes' if same else 'NO'}")  # fmt: skip


def _starts(
    rows, warnings, one: list[dict], casebook: bool = True
) -> dict[str, tuple[float, float, float]]:
    """`patroli rules check` on the CSV in a fresh process: empty data dir, then warm."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        write_registry_csv(base / "registry.csv", rows)
        write_warnings_csv(base / "warnings.csv", warnings)
        write_jsonl(base / "one.jsonl", one)
        size_mb = (base / "registry.csv").stat().st_size / 1e6
        command = [sys.executable, "-m", "patroli", "rules", "check", "--registry",
                   str(base / "registry.csv"), "--warnings", str(base / "warnings.csv"),
                   str(base / "one.jsonl")]  # fmt: skip
        env = {**os.environ, "PATROLI_DATA_DIR": str(base / "var")}
        out = {"cold": _timed(command, env)}
        index_dir = base / "var" / "index"
        made = {f: f.stat().st_mtime_ns for f in index_dir.glob("*.idx")}
        out["warm"] = _timed(command, env)
        if {f: f.stat().st_mtime_ns for f in index_dir.glob("*.idx")} != made:
            print("  (the rules code changed between the two runs: the warm run rebuilt; again)")
            out["warm"] = _timed(command, env)
        stored = sum(f.stat().st_size for f in index_dir.glob("*.idx")) / 1e6
        for name, (wall, cpu, peak) in out.items():
            print(f"{name} start (`patroli rules check`, {size_mb:.0f} MB CSV, one listing): "
                  f"{wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.2f} GiB")  # fmt: skip
        print(f"  stored index: {stored:.0f} MB; warm/cold wall "
              f"{out['warm'][0] / out['cold'][0]:.2f}")  # fmt: skip
        _index_ready(base / "registry.csv", index_dir)
        _cli_imports()
        if casebook:
            _casebook_starts(base)
    return out


def _index_ready(csv: Path, index_dir: Path) -> None:
    """The warm start's own part, in this process: hash the CSV, read the stored index."""
    started, cpu_started = time.perf_counter(), time.process_time()
    digest = hashlib.sha256()
    with csv.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)

    def refuse():
        raise SystemExit("the stored index was not used")

    stored_registry_index(index_dir, digest.hexdigest(), refuse)
    print(f"  of which the index (hash the CSV, read and check the stored index): "
          f"{time.perf_counter() - started:.2f} s wall, "
          f"{time.process_time() - cpu_started:.2f} s CPU")  # fmt: skip


def _cli_imports() -> None:
    code = ("import time; t = time.process_time(); import patroli.cli; "
            "print(time.process_time() - t)")  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = time.perf_counter() - started, float(done.stdout)
    print(f"  and the `patroli` command's own imports (every command group): "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU")  # fmt: skip


_FROM_SESSION = """
from casebook import config
from casebook.db import make_engine, make_session_factory
from casebook.services.matching import Matcher
with make_session_factory(make_engine(config.load().database_url))() as session:
    print(Matcher.from_session(session).index_source)
"""


def _casebook_starts(base: Path) -> None:
    """The crawler's start: Matcher.from_session on a casebook holding the same registry."""
    env = {**os.environ, "PATROLI_DATA_DIR": str(base / "casebook"), "PATROLI_SECRET_KEY": "b"}
    started = time.perf_counter()
    command = [sys.executable, "-m", "patroli", "registry", "import", str(base / "registry.csv")]
    subprocess.run(command, env=env, check=True, capture_output=True)
    print(f"casebook (SQLite) loaded with the registry in {time.perf_counter() - started:.0f} s")
    for name in ("cold", "warm"):
        wall, cpu, peak = _timed([sys.executable, "-c", _FROM_SESSION], env)
        print(f"{name} Matcher.from_session (what RulesPipeline runs when a crawl opens): "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.2f} GiB")  # fmt: skip


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall s, CPU s and peak GiB of one child process (run alone, so its own peak)."""
    code = (
        "import json, resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "t = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(json.dumps([r.returncode, t, u.ru_utime + u.ru_stime, u.ru_maxrss]))"
    )
    done = subprocess.run([sys.executable, "-c", code, *command], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    returncode, wall, cpu, peak_kib = json.loads(done.stdout.strip().splitlines()[-1])
    if returncode != 0:
        raise SystemExit(f"patroli rules check failed: {done.stderr.strip()[-300:]}")
    return wall, cpu, peak_kib / 1024**2


def _headline(data: dict) -> str:
    title = (data.get("title") or "").strip()
    return title or (data.get("description") or "").strip().split("\n", 1)[0]


def _cores() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
