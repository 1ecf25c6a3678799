"""Pure rules library: NIE parsing, registry and warning indexes, rule catalogue, matching."""
