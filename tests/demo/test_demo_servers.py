"""The three demo platforms over real HTTP: pages, selectors, APIs, take-downs, traps, ports."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import urlencode, urljoin
from xml.etree import ElementTree

import pytest
from parsel import Selector

from patroli.demo import PATROL_ACCOUNT, DemoMarketplace, DemoPortInUse, World


def page(get, url: str) -> Selector:
    answer = get(url)
    assert answer.status == 200, url
    return Selector(text=answer.text)


def hostile(world: World, label: str):
    return next(x for x in world.listings if x.hostile == label)


def test_every_text_answer_names_its_charset(demo: DemoMarketplace, world: World, get) -> None:
    first = {p: world.listings_on(p)[0] for p in demo.base_urls}
    urls = [demo.url(x) for x in first.values()]
    urls += [base + "/robots.txt" for base in demo.base_urls.values()]
    urls += [
        demo.base_urls["pasarku"] + "/search?q=jamu",
        demo.base_urls["tokosehat"] + "/sitemap.xml",
        demo.base_urls["tokosehat"] + "/wp-json/wc/store/v1/products",
        demo.base_urls["ceritaku"] + "/api/posts",
        demo.base_urls["ceritaku"] + "/static/ceritaku.js",
    ]
    for url in urls:
        answer = get(url)
        assert answer.status == 200, url
        assert "charset=utf-8" in answer.headers["Content-Type"].lower(), url


def test_robots_txt_disallows_private_paths(demo: DemoMarketplace, get) -> None:
    for platform, base in demo.base_urls.items():
        robots = get(base + "/robots.txt").text
        for path in ("/cart", "/checkout", "/admin", "/_demo/"):
            assert f"Disallow: {path}\n" in robots, platform
        assert "Allow: /\n" in robots
    assert "Sitemap: http://127.0.0.2:" in get(demo.base_urls["tokosehat"] + "/robots.txt").text


def test_search_pagination_reaches_every_pasarku_listing(demo, world, get) -> None:
    base, seen, pages = demo.base_urls["pasarku"], [], 0
    url = base + "/search?q="
    while url:
        sel = page(get, url)
        seen += sel.css(".product-card a.product-link::attr(href)").getall()
        nxt = sel.css("nav.pagination a.next::attr(href)").get()
        url = urljoin(base, nxt) if nxt else None
        pages += 1
    paths = [x.path for x in world.listings_on("pasarku")]
    assert sorted(seen) == sorted(paths) and pages == -(-len(paths) // 20)


def test_keyword_search_matches_title_or_description(demo, world, get) -> None:
    sel = page(get, demo.base_urls["pasarku"] + "/search?q=Kapsul+isi")
    found = sel.css(".product-card a.product-link::attr(href)").getall()
    expected = [
        x.path
        for x in world.listings_on("pasarku")
        if all(w in f"{x.title}\n{x.description}".lower() for w in ("kapsul", "isi"))
    ]
    assert len(expected) > 20 and found == expected[:20]
    assert int(sel.css(".search-results::attr(data-total)").get()) == len(expected)
    assert page(get, demo.base_urls["pasarku"] + "/search?q=zzzzqqq").css(".no-results")


def test_product_and_shop_pages_carry_the_listing(demo, world, get) -> None:
    x = next(x for x in world.listings_on("pasarku") if not x.hostile)
    sel = page(get, demo.url(x))
    assert sel.css("h1.product-title::text").get() == x.title
    assert int(sel.css(".product-price::attr(data-price)").get()) == x.price
    assert "".join(sel.css(".product-description::text").getall()) == x.description
    assert sel.css("img.product-image::attr(src)").get() == f"/img/{x.id}.svg"
    seller = world.seller(x.seller_id)
    assert sel.css("a.shop-link::attr(href)").get() == seller.path
    assert sel.css(".shop-info .shop-location::text").get() == seller.location
    shop = page(get, demo.seller_url(seller.id))
    assert shop.css("h1.shop-name::text").get() == seller.shop_name
    assert "".join(shop.css(".shop-description::text").getall()) == seller.bio
    assert x.path in shop.css("ul.shop-products a.product-link::attr(href)").getall()
    svg = get(demo.base_urls["pasarku"] + f"/img/{x.id}.svg")
    assert svg.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.body


def test_pasarku_shows_hostile_text_literally(demo, world, get) -> None:
    for label in ("script-title", "img-onerror", "odd-unicode", "long-description"):
        x = hostile(world, label)
        answer = get(demo.url(x))
        sel = Selector(text=answer.text)
        assert not sel.css("script"), label  # pasarku pages carry no script at all
        assert not sel.css("img[onerror]") and not sel.css('img[src="x"]'), label
        assert sel.css("h1.product-title::text").get() == x.title, label
        assert "".join(sel.css(".product-description::text").getall()) == x.description
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in get(demo.url(hostile(world, "script-title"))).text
    )


def test_tokosehat_json_ld_and_og_match_the_listing(demo, world, get) -> None:
    for x in [*world.listings_on("tokosehat")[:5], hostile(world, "jsonld-breakout")]:
        answer = get(demo.url(x))
        sel = Selector(text=answer.text)
        blocks = [
            json.loads(b) for b in sel.css('script[type="application/ld+json"]::text').getall()
        ]
        assert len(sel.css("script")) == 2  # the two JSON-LD blocks; markup never broke out
        product = next(b for b in blocks if b["@type"] == "Product")
        seller = world.seller(x.seller_id)
        assert product["name"] == x.title and product["description"] == x.description
        assert product["sku"] == x.sku and product["url"] == demo.url(x)
        assert product.get("brand", {}).get("name", "") == x.brand
        offer = product["offers"][0]
        assert offer["price"] == str(x.price) and offer["priceCurrency"] == "IDR"
        assert offer["availability"] == "https://schema.org/InStock"
        assert offer["seller"]["name"] == seller.shop_name
        assert sel.css('meta[property="og:title"]::attr(content)').get() == x.title
        assert sel.css('meta[property="og:url"]::attr(content)').get() == demo.url(x)
        assert sel.css("h1.product_title::text").get() == x.title
        assert sel.css(".sold-by a.vendor-link::attr(href)").get() == seller.path
    assert "</script><script>alert" not in get(demo.url(hostile(world, "jsonld-breakout"))).text


def test_sitemap_lists_all_shop_products(demo, world, get) -> None:
    answer = get(demo.base_urls["tokosehat"] + "/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ElementTree.fromstring(answer.body).findall("s:url/s:loc", ns)]
    assert sorted(locs) == sorted(demo.url(x) for x in world.listings_on("tokosehat"))


def test_woocommerce_store_api_pages_through_every_product(demo, world, get) -> None:
    base, ids, n = demo.base_urls["tokosehat"], [], 1
    while True:
        answer = get(f"{base}/wp-json/wc/store/v1/products?page={n}&per_page=7")
        products = json.loads(answer.body)
        if not products:
            break
        assert answer.headers["X-WP-Total"] == str(len(world.listings_on("tokosehat")))
        ids += [p["id"] for p in products]
        n += 1
    assert n - 1 == int(answer.headers["X-WP-TotalPages"]) and len(ids) == len(set(ids))
    assert len(ids) == len(world.listings_on("tokosehat"))
    x = world.listings_on("tokosehat")[0]
    one = json.loads(get(f"{base}/wp-json/wc/store/v1/products/{ids[0]}").body)
    assert one["permalink"] == demo.url(x) and one["prices"]["price"] == str(x.price)
    assert one["prices"]["currency_code"] == "IDR" and one["prices"]["currency_minor_unit"] == 0
    assert one["images"][0]["src"].endswith(".svg") and one["sku"] == x.sku
    assert {"name", "slug", "short_description", "description", "is_in_stock"} <= set(one)
    breakout = hostile(world, "jsonld-breakout")
    found = json.loads(get(f"{base}/wp-json/wc/store/v1/products?search=svg+onload").body)
    assert "&lt;svg onload" in next(p for p in found if p["sku"] == breakout.sku)["description"]


def ceritaku_session(base: str, get, password: str) -> dict[str, str]:
    form = urlencode({"username": PATROL_ACCOUNT[0], "password": password})
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = get(base + "/masuk", "POST", headers=kind, body=form)
    cookie = answer.headers.get("Set-Cookie", "").split(";", 1)[0]
    return {"Cookie": cookie} if cookie else {}


def test_ceritaku_shows_strangers_one_page_then_asks_to_log_in(demo, get) -> None:
    base = demo.base_urls["ceritaku"]
    first = json.loads(get(base + "/api/posts?q=").body)
    assert len(first["posts"]) == 12 and first["next_url"]
    wall = get(base + first["next_url"])
    assert wall.status == 401 and json.loads(wall.body)["error"] == "login_required"
    assert ceritaku_session(base, get, "salah") == {}
    assert (
        "kata sandi salah"
        in get(
            base + "/masuk",
            "POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="username=x&password=y",
        ).text
    )
    forged = {"Cookie": f"ceritaku_sesi={PATROL_ACCOUNT[0]}.0123456789abcdef0123456789abcdef"}
    assert get(base + first["next_url"], headers=forged).status == 401


def test_ceritaku_api_pages_through_every_post(demo, world, get) -> None:
    base, ids, url = demo.base_urls["ceritaku"], [], "/api/posts?q="
    session = ceritaku_session(base, get, PATROL_ACCOUNT[1])
    while url:
        body = json.loads(get(base + url, headers=session).body)
        assert len(body["posts"]) <= 12
        ids += [p["id"] for p in body["posts"]]
        url = body["next_url"]
    assert sorted(ids) == sorted(x.path.rsplit("/", 1)[1] for x in world.listings_on("ceritaku"))
    x = world.listings_on("ceritaku")[0]
    seller = world.seller(x.seller_id)
    post = json.loads(get(base + "/api/posts/" + x.path.rsplit("/", 1)[1]).body)
    assert post["caption"] == x.description and post["author"]["handle"] == seller.slug
    account = json.loads(get(f"{base}/api/accounts/{seller.slug}").body)
    assert account["bio"] == seller.bio
    shell = get(base + x.path).text
    assert not Selector(text=shell).css("article") and x.description[:30] not in shell
    assert get(base + "/api/posts?cursor=@@@").status == 400


def test_take_down_and_restore_on_all_three(demo, world, get) -> None:
    shop_x, web_x, post_x = (world.listings_on(p)[1] for p in ("pasarku", "tokosehat", "ceritaku"))
    api = demo.base_urls["ceritaku"] + "/api/posts/" + post_x.path.rsplit("/", 1)[1]
    try:
        demo.take_down(shop_x.id)
        answer = get(demo.url(shop_x))
        assert answer.status == 200 and "Produk tidak ditemukan" in answer.text
        assert shop_x.path not in get(demo.base_urls["pasarku"] + "/search?q=").text
        # Another process flips the switch over HTTP, on any of the three apps.
        assert get(demo.base_urls["pasarku"] + f"/_demo/takedown/{web_x.id}", "POST").status == 200
        assert get(demo.url(web_x)).status == 404
        assert demo.url(web_x) not in get(demo.base_urls["tokosehat"] + "/sitemap.xml").text
        assert (
            get(demo.base_urls["ceritaku"] + f"/_demo/takedown/{post_x.id}", "POST").status == 200
        )
        gone = get(api)
        assert gone.status == 410 and json.loads(gone.body)["message"] == "Postingan tidak tersedia"
        state = json.loads(get(demo.base_urls["tokosehat"] + "/_demo/state").body)
        assert set(state["taken_down"]) == {shop_x.id, web_x.id, post_x.id}
    finally:
        demo.restore(shop_x.id)
        assert get(demo.base_urls["tokosehat"] + f"/_demo/restore/{web_x.id}", "POST").status == 200
        demo.restore(post_x.id)
    assert "Produk tidak ditemukan" not in get(demo.url(shop_x)).text
    assert get(demo.url(web_x)).status == 200 and get(api).status == 200
    assert get(demo.base_urls["pasarku"] + "/_demo/takedown/NOPE", "POST").status == 404


def test_a_banned_seller_disappears(demo, world, get) -> None:
    seller = next(s for s in world.sellers_on("pasarku") if len(
        [x for x in world.listings_on("pasarku") if x.seller_id == s.id]) >= 2)  # fmt: skip
    mine = [x for x in world.listings_on("pasarku") if x.seller_id == seller.id]
    try:
        assert get(demo.base_urls["pasarku"] + f"/_demo/ban/{seller.id}", "POST").status == 200
        shop = get(demo.seller_url(seller.id))
        assert shop.status == 200 and "Toko ini sedang tidak aktif" in shop.text
        assert not Selector(text=shop.text).css("ul.shop-products")
        assert all("Produk tidak ditemukan" in get(demo.url(x)).text for x in mine)
    finally:
        demo.unban_seller(seller.id)
    assert "Toko ini sedang tidak aktif" not in get(demo.seller_url(seller.id)).text
    account = world.sellers_on("ceritaku")[0]
    try:
        demo.ban_seller(account.id)
        api = demo.base_urls["ceritaku"] + f"/api/accounts/{account.slug}"
        assert get(api).status == 410
    finally:
        demo.unban_seller(account.id)


def test_traps(demo, get) -> None:
    base = demo.base_urls["pasarku"]
    a = get(base + "/_trap/loop/a")
    b = get(base + "/_trap/loop/b")
    assert (a.status, b.status) == (302, 302)
    assert a.headers["Location"].endswith("/_trap/loop/b")
    assert b.headers["Location"].endswith("/_trap/loop/a")
    removed = get(base + "/_trap/removed")
    assert removed.status == 302 and removed.headers["Location"] in ("/", base + "/")
    assert get(base + "/_trap/error").status == 500
    assert "<table><tr><td>sel" in get(base + "/_trap/broken").text
    latin1 = get(base + "/_trap/latin1")
    assert "utf-8" in latin1.headers["Content-Type"] and b"Caf\xe9" in latin1.body
    with pytest.raises(UnicodeDecodeError):
        latin1.body.decode("utf-8")
    meta = get(base + "/_trap/meta-charset")
    assert meta.headers["Content-Type"] == "text/html" and b'charset="windows-1252"' in meta.body
    start = time.perf_counter()
    assert get(base + "/_trap/slow?s=0.3").status == 200
    assert time.perf_counter() - start >= 0.3


def test_huge_trap_streams_more_than_20_mb(demo, get) -> None:
    import http.client
    from urllib.parse import urlsplit

    conn = http.client.HTTPConnection(urlsplit(demo.base_urls["pasarku"]).netloc, timeout=10)
    try:
        conn.request("GET", "/_trap/huge?mb=21")
        response = conn.getresponse()
        assert int(response.headers["Content-Length"]) > 20 * 1024 * 1024
        assert response.read(1024).startswith(b"<!doctype html>")
        total = 1024
        while chunk := response.read(1 << 20):
            total += len(chunk)
        assert total == int(response.headers["Content-Length"])
    finally:
        conn.close()


def test_port_in_use_is_a_one_line_error(world: World, ephemeral, get) -> None:
    with DemoMarketplace(world, ephemeral) as first:
        taken = first.base_urls["tokosehat"].removeprefix("http://")
        host, port = taken.split(":")
        with pytest.raises(DemoPortInUse) as error:
            DemoMarketplace(world, ephemeral | {"tokosehat": (host, int(port))}).start()
        message = str(error.value)
        assert "\n" not in message and taken in message and "tokosehat" in message
    # stop() freed the ports: the same addresses serve again.
    again = {p: (h, int(u.rsplit(":", 1)[1])) for p, u in first.base_urls.items() for h in
             [ephemeral[p][0]]}  # fmt: skip
    with DemoMarketplace(world, again) as second:
        assert get(second.base_urls["pasarku"] + "/robots.txt").status == 200
    assert threading.active_count() < 50


def test_serves_hundreds_of_pages_a_second(demo, world, get) -> None:
    import http.client
    from urllib.parse import urlsplit

    urls = [urlsplit(demo.url(x)) for x in world.listings] * 3
    count, workers = len(urls), 8

    def crawl(part: int) -> None:
        conns: dict[str, http.client.HTTPConnection] = {}
        try:
            for u in urls[part::workers]:
                conn = conns.setdefault(u.netloc, http.client.HTTPConnection(u.netloc))
                conn.request("GET", u.path)
                response = conn.getresponse()
                response.read()
                assert response.status == 200
        finally:
            for conn in conns.values():
                conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=crawl, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = count / (time.perf_counter() - start)
    print(f"demo served {rate:.0f} pages/s")
    assert rate >= 300
