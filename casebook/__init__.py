"""Casebook: the SOP's records (listings, hits, registry, users, audit) and their services."""
