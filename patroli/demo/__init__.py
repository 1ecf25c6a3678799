"""The demo marketplace: a seeded world of listings served by three local platforms.

with DemoMarketplace(build_world()) as demo:
    demo.base_urls  # {"pasarku": "http://127.0.0.1:8801", ...}
"""

from patroli.demo.ceritaku import PATROL_ACCOUNT
from patroli.demo.server import DemoMarketplace, DemoPortInUse
from patroli.demo.world import DEFAULT_ADDRESSES, DemoListing, World, build_world

__all__ = [
    "DEFAULT_ADDRESSES",
    "PATROL_ACCOUNT",
    "DemoListing",
    "DemoMarketplace",
    "DemoPortInUse",
    "World",
    "build_world",
]
