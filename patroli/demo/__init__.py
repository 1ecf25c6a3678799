"""The demo marketplace: a seeded world of listings served by three local platforms."""

from patroli.demo.world import DEFAULT_ADDRESSES, DemoListing, World, build_world

__all__ = ["DEFAULT_ADDRESSES", "DemoListing", "World", "build_world"]
