"""Social posts and accounts, read from the DOM the browser rendered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.items import ListingItem
from crawler.pages.marketplace import ProfiledPage, SellerPage
from crawler.profiles import Profile

_PRICE = re.compile(r"\bRp\.?\s?(\d{1,3}(?:[.,]\d{3})+|\d+)(?!\d)", re.IGNORECASE)
TITLE_LENGTH = 120


# Reads the posts on screen and removes them, so the feed's DOM (and the browser's memory)
# stays small however long it scrolls; the site's own infinite scroll then loads the next.
_TAKE_POSTS = """([item, permalink, author]) => {
    const taken = [];
    for (const post of document.querySelectorAll(item)) {
        const link = post.querySelector(permalink), who = post.querySelector(author);
        taken.push([link ? link.href : null, who ? who.href : null]);
        post.remove();
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
    window.dispatchEvent(new Event("scroll"));  // the page got shorter: tell the site
    return taken;
}"""


@dataclass
class FeedLinks:
    posts: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    walled: bool = False  # the site stopped the feed until the reader logs in


class LiveFeed:
    """An infinite-scroll feed in a live browser page, read to its end (or `max_items`)."""

    def __init__(self, page, profile: Profile) -> None:
        self.page, self.feed, self.wall = page, profile.search, profile.login.get("wall")

    async def read(self, max_items: int, max_rounds: int = 1_000) -> FeedLinks:
        posts: dict[str, None] = {}
        accounts: dict[str, None] = {}
        selectors = [self.feed["item"], self.feed["permalink"], self.feed["author"]]
        for _ in range(max_rounds):
            for post, author in await self.page.evaluate(_TAKE_POSTS, selectors):
                if post:
                    posts[post] = None
                if author:
                    accounts[author] = None
            if len(posts) >= max_items or not await self._more_arrived():
                break
        walled = bool(self.wall and await self.page.query_selector(self.wall))
        return FeedLinks(list(posts)[:max_items], list(accounts), walled)

    async def _more_arrived(self) -> bool:
        # New posts, or the site's login wall: the wall ends the feed at once.
        awaited = f"{self.feed['item']}, {self.wall}" if self.wall else self.feed["item"]
        try:
            await self.page.wait_for_selector(awaited, timeout=3_000)
        except PlaywrightTimeout:  # nothing more within the wait: the feed has ended
            return False
        return not (self.wall and await self.page.query_selector(self.wall))


class PostPage(ProfiledPage):
    def is_post(self) -> bool:
        return bool(self.response.css(self.profile.post["page"]))

    def to_item(self) -> ListingItem:
        fields = self.profile.post
        caption = self.text(fields.get("caption"))
        author_url = self.urls(fields.get("author_url"))
        price = _PRICE.search(caption)
        return ListingItem(
            url=self.response.url,
            platform=self.profile.platform,
            # A post has no title: its first line stands in for one.
            title=caption.strip().split("\n", 1)[0][:TITLE_LENGTH],
            description=caption,
            price=price.group(1) if price else None,
            currency="IDR" if price else None,
            images=self.urls(fields.get("images")),
            seller_name=self.text(fields.get("author_name")) or self.text(fields.get("author")),
            seller_url=author_url[0] if author_url else "",
            source="rendered-dom",
        )


class AccountPage(SellerPage):
    section = "account"
