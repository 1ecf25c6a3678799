"""`python -m benchmarks` (`make bench`): every benchmark, full size, one after another."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = (
    "benchmarks.quality",
    "benchmarks.rules_bench",
    "benchmarks.import_bench",
    "benchmarks.crawl_bench",
    "benchmarks.letters_bench",
    "benchmarks.casebook_bench",
    "benchmarks.actors_scale",
    "benchmarks.profiling_docs_bench",
    "benchmarks.image_hash_bench",
    "benchmarks.distributed",
)

for module in BENCHMARKS:
    print(f"== {module}", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)
