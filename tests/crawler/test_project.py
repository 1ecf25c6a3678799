"""`scrapy list` and `scrapy crawl` work from the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_scrapy_list_shows_the_spiders():
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["marketplace", "recheck", "shop", "social", "urls"]


def test_profiles_load_and_overrides_need_a_reason(tmp_path, monkeypatch):
    from crawler import profiles

    for profile in profiles.all_profiles():
        assert profile.kind in {"marketplace", "shop", "social"}
    (tmp_path / "rude.toml").write_text(
        'name = "rude"\nplatform = "rude"\nkind = "shop"\nbase_url = "http://x.example"\n'
        "[robots]\nobey = false\n"
    )
    monkeypatch.setattr(profiles, "PROFILE_DIR", tmp_path)
    import pytest

    with pytest.raises(ValueError, match="only with a reason"):
        profiles.load_profile("rude")
