"""`python -m benchmarks` (`make bench`): every benchmark, full size, one after another."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("benchmarks.rules_bench", "benchmarks.import_bench", "benchmarks.crawl_bench")

for module in BENCHMARKS:
    print(f"== {module}", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)
