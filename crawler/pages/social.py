"""Social posts and accounts, read from the DOM the browser rendered."""

from __future__ import annotations

import re

from crawler.items import ListingItem, SellerItem
from crawler.pages.marketplace import ProfiledPage

_PRICE = re.compile(r"\bRp\.?\s?(\d{1,3}(?:[.,]\d{3})+|\d+)(?!\d)", re.IGNORECASE)
TITLE_LENGTH = 120


class FeedPage(ProfiledPage):
    def post_urls(self) -> list[str]:
        return list(dict.fromkeys(self.urls(self.profile.search.get("results"))))

    def account_urls(self) -> list[str]:
        return list(dict.fromkeys(self.urls(self.profile.search.get("accounts"))))


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
            seller_name=self.text(fields.get("author")),
            seller_url=author_url[0] if author_url else "",
            source="rendered-dom",
        )


class AccountPage(ProfiledPage):
    def is_account(self) -> bool:
        return bool(self.response.css(self.profile.account["page"]))

    def to_item(self) -> SellerItem:
        fields = self.profile.account
        return SellerItem(
            url=self.response.url,
            platform=self.profile.platform,
            name=self.text(fields.get("name")),
            location=self.text(fields.get("location")),
            text=self.text(fields.get("description")),
        )
