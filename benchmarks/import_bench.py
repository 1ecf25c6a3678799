"""Registry import into SQLite: `patroli registry import` of a seeded 500,000-row CSV.

    python -m benchmarks.import_bench [--rows 500000]

Measured in one run, each into a fresh database file:
- baseline: the floor, plain `sqlite3.executemany` INSERT of the same parsed rows into the
  same table (no upsert, no change detection);
- the import as officers run it: `patroli registry import FILE` in a subprocess (CSV parsing
  with per-line errors, upsert by NIE, counts of added/updated/unchanged);
- the same file imported again (idempotent: every row unchanged).
Targets: first import <= 60 s; the ratio to the floor shows what upsert and parsing cost.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate_registry, write_registry_csv
from casebook import schema
from casebook.db import make_engine
from rules.tables import read_registry


def fresh_database(folder: Path, name: str) -> Path:
    path = folder / name
    schema.upgrade(make_engine(f"sqlite:///{path}"))
    return path


def floor(csv_path: Path, database: Path) -> float:
    """Plain executemany of pre-parsed rows: what SQLite itself needs."""
    with csv_path.open(encoding="utf-8", newline="") as lines:
        rows = [
            (r.nie, r.product_name, r.brand, r.category, r.registrant, r.form,
             r.issued_on, r.expires_on, r.status, "2026-01-01 00:00:00")
            for r in read_registry(lines)
        ]  # fmt: skip
    db = sqlite3.connect(database)
    started = time.perf_counter()
    db.executemany(
        "INSERT INTO registry_products (nie, product_name, brand, category, registrant, form,"
        " issued_on, expires_on, status, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.commit()
    return time.perf_counter() - started


def patroli_import(csv_path: Path, data_dir: Path) -> tuple[float, str]:
    env = {**os.environ, "PATROLI_DATA_DIR": str(data_dir)}
    env.pop("PATROLI_DATABASE_URL", None)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "patroli", "registry", "import", str(csv_path)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="patroli-import-"))
    csv_path = folder / "registry.csv"
    write_registry_csv(csv_path, generate_registry(args.rows, seed=1))
    size = csv_path.stat().st_size / 1e6

    floor_seconds = floor(csv_path, fresh_database(folder, "floor.db"))
    fresh_database(folder, "patroli.db")
    first, first_out = patroli_import(csv_path, folder)
    again, again_out = patroli_import(csv_path, folder)

    print(f"registry import, {args.rows:,} rows ({size:.0f} MB CSV), SQLite, 2 cores:")
    print(f"  floor (executemany, parsed rows): {floor_seconds:6.1f} s "
          f"{args.rows / floor_seconds:9,.0f} rows/s")  # fmt: skip
    print(f"  patroli registry import:          {first:6.1f} s "
          f"{args.rows / first:9,.0f} rows/s   (target <= 60 s)  {first_out}")  # fmt: skip
    print(f"  import again (all unchanged):     {again:6.1f} s "
          f"{args.rows / again:9,.0f} rows/s   {again_out}")  # fmt: skip
    print(
        f"  ratio floor/import: {floor_seconds / first:.2f} (parsing, upsert and counting "
        f"cost {first / floor_seconds:.1f}x the bare insert)"
    )


if __name__ == "__main__":
    main()
