"""Casebook: the SOP's records (listings, hits, registry, users, audit) and the services that own them."""
