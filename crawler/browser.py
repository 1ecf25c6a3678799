"""Navigating JavaScript pages: scroll an infinite feed until it stops growing."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


async def scroll_feed(page, item_selector: str, *, max_items: int, max_rounds: int = 200) -> int:
    """Scroll to the bottom until no new items arrive (or enough are shown); returns the count."""
    count = await page.locator(item_selector).count()
    for _ in range(max_rounds):
        if count >= max_items:
            break
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        try:
            await page.wait_for_function(
                "([selector, before]) => document.querySelectorAll(selector).length > before",
                arg=[item_selector, count],
                timeout=3_000,
            )
        except Exception:  # nothing more arrived in time: the feed has ended
            break
        count = await page.locator(item_selector).count()
    return count
