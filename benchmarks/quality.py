"""`python -m benchmarks.quality`: the rules' precision and recall per code on three labelled sets.

- dev: `tests/fixtures/rules/dev/` (the set the rules were developed on: shows fit);
- demo: the demo marketplace's ground truth (written by another hand from the same definitions);
- held-out: `tests/fixtures/rules/heldout/`, written before tuning, in other styles (captions,
  chat, emoji, obfuscation, English), by an author who had not read the rules. Nobody tunes on
  it; it is the only one of the three that says how the rules generalise.

Each table comes from `patroli rules eval`, the command an analyst runs, so the figures are
those of the product's own code path.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "dev": ROOT / "tests" / "fixtures" / "rules" / "dev",
    "demo": ROOT / "patroli" / "demo" / "data",
    "held-out": ROOT / "tests" / "fixtures" / "rules" / "heldout",
}


def evaluate(folder: Path) -> str:
    command = [
        sys.executable, "-m", "patroli", "rules", "eval",
        "--registry", str(folder / "registry.csv"),
        "--warnings", str(folder / "warnings.csv"),
        str(folder / "listings.jsonl"),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout


def main() -> None:
    for name, folder in SETS.items():
        print(f"== {name} ({folder.relative_to(ROOT)})", flush=True)
        print(evaluate(folder), flush=True)


if __name__ == "__main__":
    main()
