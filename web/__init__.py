"""Casebook web UI and JSON API."""
