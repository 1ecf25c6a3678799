"""Composition root: the `patroli` console script and the demo marketplace."""
