"""`social`: public posts and accounts on social sites, through the browser (scrolling feeds).

Sites show a reader who is not logged in only the start of a feed: the patrol account's login
state (`patroli crawl login SITE`, or `-a storage_state=PATH`) lets the crawl read to the end."""

from __future__ import annotations

import logging

from crawler.pages.social import AccountPage, FeedLinks, LiveFeed, PostPage
from crawler.spiders.base import PatroliSpider, split_arg

logger = logging.getLogger(__name__)


class SocialSpider(PatroliSpider):
    name = "social"
    # A feed page stays open while it is scrolled to its end; a few at a time keep the
    # browser's memory bounded, and each finished feed starts the next keyword's.
    feeds_at_once = 2

    def __init__(
        self, *args, site="ceritaku", keywords="", accounts="", max_posts=200, **kwargs
    ):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.site = self.profile(site)
        plan = self.plan()
        self.keywords = split_arg(keywords) or (plan.keywords if plan else [])
        self.accounts = split_arg(accounts)
        if not self.keywords and not self.accounts:
            raise ValueError("social spider needs keywords, accounts or a plan")
        self.max_posts = int(max_posts)

    def browser_meta(self, **extra) -> dict:
        return {"playwright_include_page": True, **extra}

    async def start(self):
        for index in range(min(self.feeds_at_once, len(self.keywords))):
            yield self.feed_request(index)
        for handle in self.accounts:
            yield self.account_request(
                self.site.account["url"].format(base=self.site.base_url, handle=handle.lstrip("@"))
            )

    def feed_request(self, index: int):
        return self.page_request(
            self.site.search_url(self.keywords[index]),
            self.parse_feed,
            self.site,
            wait_for=self.site.search["ready"],
            meta=self.browser_meta(),
            cb_kwargs={"index": index},
            errback=self.feed_failed,
        )

    def next_feed(self, index: int):
        following = index + self.feeds_at_once
        return [self.feed_request(following)] if following < len(self.keywords) else []

    async def feed_failed(self, failure):
        await self.on_error(failure)
        for request in self.next_feed(failure.request.cb_kwargs["index"]):
            yield request

    def account_request(self, url: str):
        return self.page_request(
            url, self.parse_account, self.site, evidence=True,
            wait_for=self.site.account["ready"], meta=self.browser_meta(),
        )  # fmt: skip

    async def parse_feed(self, response, index: int):
        feed = await self._read_feed(response)
        for url in feed.posts:
            yield self.post_request(url)
        for url in feed.accounts:
            yield self.account_request(url)
        for request in self.next_feed(index):
            yield request

    def post_request(self, url: str):
        return self.page_request(
            url, self.parse_post, self.site, evidence=True, wait_for=self.site.post["ready"]
        )

    def parse_post(self, response):
        post = PostPage(response, self.site)
        if post.is_post():
            yield post.to_item()
        else:
            logger.info("no post at %s (removed?)", response.url)

    async def parse_account(self, response):
        account = AccountPage(response, self.site)  # the DOM as captured in the evidence
        feed = await self._read_feed(response)
        if account.is_seller():
            yield account.to_item()
        for url in feed.posts:
            yield self.post_request(url)

    async def _read_feed(self, response) -> FeedLinks:
        """Every post link in the feed, scrolled to its end; the page is closed either way."""
        page = response.meta["playwright_page"]
        try:
            feed = await LiveFeed(page, self.site).read(self.max_posts)
        finally:
            await page.close()
        if feed.walled:
            self._walled(response.url, len(feed.posts))
        return feed

    def _walled(self, url: str, seen: int) -> None:
        first = not self.crawler.stats.get_value("patroli/walled_feeds")
        self.crawler.stats.inc_value("patroli/walled_feeds")
        if first:
            logger.warning(
                "%s: the feed at %s stops at a login wall after %d posts; save the patrol "
                "account's login with `patroli crawl login %s` to read feeds to the end",
                self.site.name, url, seen, self.site.name,
            )  # fmt: skip
