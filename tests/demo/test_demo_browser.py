"""ceritaku in real headless Chromium: posts exist only after JavaScript, scrolling loads more."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from patroli.demo import PATROL_ACCOUNT, DemoMarketplace, World
from patroli.demo.ceritaku import PAGE_SIZE

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs the system Chromium"),
]


@pytest.fixture(scope="module")
def browser_page() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 800})
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def post_id(listing) -> str:
    return listing.path.rsplit("/", 1)[1]


def test_posts_appear_only_through_javascript_and_scrolling_loads_more(
    demo: DemoMarketplace, world: World, browser_page, get
) -> None:
    page, url = browser_page, demo.base_urls["ceritaku"] + "/explore?q="
    assert "post-caption" not in get(url).text.split("</style>")[1]  # the shell has no posts
    page.goto(url)
    page.wait_for_selector("article.post")
    assert page.locator("article.post").count() == PAGE_SIZE
    page.wait_for_timeout(300)  # nothing more loads while the reader does not scroll
    assert page.locator("article.post").count() == PAGE_SIZE
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_selector(".login-wall")  # a stranger sees one page, then the wall
    assert page.locator("article.post").count() == PAGE_SIZE
    page.goto(demo.base_urls["ceritaku"] + "/masuk")
    page.fill("input[name=username]", PATROL_ACCOUNT[0])
    page.fill("input[name=password]", PATROL_ACCOUNT[1])
    page.click("button[type=submit]")
    page.wait_for_selector(f"body[data-reader='{PATROL_ACCOUNT[0]}'] article.post")
    total = len(world.listings_on("ceritaku"))
    for _ in range(total // PAGE_SIZE + 3):
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(150)
        if page.locator("article.post").count() == total:
            break
    assert page.locator("article.post").count() == total
    page.wait_for_function("document.querySelector('#feed-status').textContent.includes('lagi')")
    ids = page.eval_on_selector_all("article.post", "els => els.map(e => e.dataset.postId)")
    assert sorted(ids) == sorted(post_id(x) for x in world.listings_on("ceritaku"))


def test_hostile_caption_renders_as_text(demo, world, browser_page) -> None:
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    x = next(x for x in world.listings if x.hostile == "caption-markup")
    page.goto(demo.url(x))
    page.wait_for_selector("article.post")
    caption = page.locator("article.post p.post-caption").inner_text()
    assert "<script>alert(1)</script>" in caption and "<img src=x onerror=alert(1)>" in caption
    assert (
        page.locator("article.post img[src='x'], article.post script, article.post b").count() == 0
    )
    assert page.locator("a.post-permalink").get_attribute("href") == x.path
    assert not dialogs


def test_account_page_shows_bio_and_posts(demo, world, browser_page) -> None:
    page = browser_page
    seller = next(s for s in world.sellers_on("ceritaku") if "WA" in s.bio)
    page.goto(demo.seller_url(seller.id))
    page.wait_for_selector("article.post")
    assert page.locator(".profile-bio").inner_text().strip() == seller.bio
    authors = set(page.eval_on_selector_all("a.post-author", "els => els.map(e => e.textContent)"))
    assert authors == {f"@{seller.slug}"}


def test_taken_down_post_shows_unavailable(demo, world, browser_page) -> None:
    page, x = browser_page, world.listings_on("ceritaku")[2]
    demo.take_down(x.id)
    try:
        page.goto(demo.url(x))
        page.wait_for_selector(".post-unavailable")
        assert page.locator(".post-unavailable").inner_text() == "Postingan tidak tersedia"
        assert page.locator("article.post").count() == 0
    finally:
        demo.restore(x.id)
    page.goto(demo.url(x))
    page.wait_for_selector("article.post")
