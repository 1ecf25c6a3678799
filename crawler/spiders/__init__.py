"""Spiders navigate: which URLs to fetch and in what order. Page objects do the reading."""
