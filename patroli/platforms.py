"""Which kind of platform a listing is on, from the crawler's site profiles (SOP routing)."""

from __future__ import annotations

from functools import cache

from crawler.profiles import all_profiles

# A web shop of its own is a website: its links go to Komdigi like any other site.
_KINDS = {"marketplace": "marketplace", "social": "social", "shop": "website"}


@cache
def _by_platform() -> dict[str, str]:
    return {profile.name: _KINDS.get(profile.kind, "website") for profile in all_profiles()}


def kind_of(platform: str, url: str) -> str:
    """marketplace | social | website; a domain without a site profile is a website."""
    return _by_platform().get(platform, "website")
