"""Site profiles: data files under crawler/profiles/ that say where things are on one site."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

PROFILE_DIR = Path(__file__).parent / "profiles"


class UnknownProfile(KeyError):
    def __str__(self) -> str:
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
        return f"no site profile {self.args[0]!r} (known: {known})"


@dataclass(frozen=True)
class Profile:
    name: str
    platform: str
    kind: str  # marketplace | shop | social
    base_url: str
    render: str = "http"  # http | browser
    obey_robots: bool = True
    robots_reason: str = ""
    search: dict[str, Any] = field(default_factory=dict)
    product: dict[str, str] = field(default_factory=dict)
    shop: dict[str, str] = field(default_factory=dict)
    post: dict[str, Any] = field(default_factory=dict)
    account: dict[str, str] = field(default_factory=dict)
    gone: dict[str, Any] = field(default_factory=dict)  # what the site shows for a removed listing
    blocked: dict[str, Any] = field(default_factory=dict)  # its captcha / bot-check pages
    login: dict[str, str] = field(default_factory=dict)

    @property
    def browser(self) -> bool:
        return self.render == "browser"

    def with_base(self, base_url: str | None) -> Profile:
        """The same site served elsewhere (the demo on an ephemeral port, a mirror)."""
        if not base_url:
            return self
        fields = {**self.__dict__, "base_url": base_url.rstrip("/")}
        return Profile(**fields)

    def search_url(self, keyword: str, page: int = 1) -> str:
        return self.search["url"].format(base=self.base_url, keyword=quote_plus(keyword), page=page)

    def owns(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def request_meta(self) -> dict[str, Any]:
        """Meta every request to this site carries: robots override (recorded), browser."""
        meta: dict[str, Any] = {"profile": self.name}
        if not self.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return meta


def load_profile(name: str, base_url: str | None = None) -> Profile:
    path = PROFILE_DIR / f"{name}.toml"
    if not path.is_file():
        raise UnknownProfile(name)
    data = dict(_read(path))
    robots = data.pop("robots", {})
    profile = Profile(
        obey_robots=robots.get("obey", True), robots_reason=robots.get("reason", ""), **data
    )
    if not profile.obey_robots and not profile.robots_reason:
        raise ValueError(f"profile {name}: robots.txt may be overridden only with a reason")
    return profile.with_base(base_url)


@lru_cache(maxsize=64)
def _read(path: Path) -> dict[str, Any]:
    # Read once per process: a re-check asks which profile owns each of millions of URLs.
    return tomllib.loads(path.read_text(encoding="utf-8"))


def all_profiles() -> list[Profile]:
    return [load_profile(path.stem) for path in sorted(PROFILE_DIR.glob("*.toml"))]


def profile_for(url: str, bases: dict[str, str] | None = None) -> Profile | None:
    """The profile whose site serves this URL (with `bases` overriding profile base URLs)."""
    for profile in all_profiles():
        profile = profile.with_base((bases or {}).get(profile.name))
        if profile.owns(url):
            return profile
    return None
