"""`python -m patroli.demo.generate`: write the default world's files to patroli/demo/data/."""

from __future__ import annotations

import sys
from pathlib import Path

from patroli.demo.world import build_world

DATA = Path(__file__).parent / "data"


def main() -> int:
    DATA.mkdir(exist_ok=True)
    for name, text in build_world().files().items():
        (DATA / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {DATA / name} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
