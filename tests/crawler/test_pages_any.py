"""Any page yields a listing: saved pages of each kind read through the cascade (structured data
first, then the page as a person reads it), compared field by field; pages that are clearly no
listing give a reason instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.any_page import AnyPage

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"

# page, the fields it must give, text its description holds, text it must not hold (menus,
# footers, sidebars, related products, scripts)
KINDS = [
    pytest.param(
        "jsonld_product",
        {
            "title": "Rani Glow Krim Malam Glowing Putih Permanen 15 gr",
            "price": "85000",
            "currency": "IDR",
            "source": "json-ld",
            "seller_name": "Toko Cantik Rani",
        },
        ["Mengandung merkuri dosis aman"],
        [],
        id="json-ld shop page",
    ),
    pytest.param(
        "jsonld_broken_script",
        {
            "title": "Pelangsing Super Slim </script> 7 Hari Turun 10kg",
            "price": "95000",
            "currency": "IDR",
            "source": "json-ld",
            "external_id": "SLIM-7",
            "seller_name": "Rumah Herbal Dewi",
        },
        ["Mengandung sibutramine", "WA 0813-2222-4444"],
        ["Beranda"],
        id="json-ld cut short by </script> in the name, trailing commas",
    ),
    pytest.param(
        "jsonld_itempage",
        {
            "title": "Pil Peninggi Badan Tinggi Max 60 kapsul",
            "price": 75000,
            "currency": "IDR",
            "source": "json-ld",
            "external_id": "8812",
        },
        ["Tambah tinggi 10 cm"],
        ["Vitamin C"],
        id="json-ld product offered inside ItemPage > Offer, comments, related products",
    ),
    pytest.param(
        "microdata_product",
        {
            "title": "Perkasa Jaya Jamu Kuat Pria Tahan Lama isi 10 kapsul",
            "price": "120000",
            "currency": "IDR",
            "source": "microdata",
        },
        ["sildenafil"],
        [],
        id="microdata",
    ),
    pytest.param(
        "opengraph_product",
        {
            "title": "Tramadol 50mg strip isi 10 - bisa tanpa resep",
            "price": "45000",
            "currency": "IDR",
            "source": "opengraph",
        },
        ["kirim aman tanpa nama"],
        [],
        id="opengraph only",
    ),
    pytest.param(
        "plain_shop",
        {
            "title": "Krim Pemutih Wajah Super Glow 30gr",
            "price": 45000.0,
            "currency": "IDR",
            "source": "generic",
            "images": ["https://tokocantikmulus.example/uploads/krim-super-glow.jpg"],
        },
        ["Mengandung merkuri", "WA 0812-3456-7890", "Deskripsi Produk"],
        ["Beranda", "Hak cipta", "Serum Glow", "dataLayer", "Gratis ongkir min", "Cara Order"],
        id="plain shop page: Rp45.000 beside a crossed-out price, free-shipping banner, ongkir",
    ),
    pytest.param(
        "forum_thread",
        {
            "title": "[WTS] Tramadol 50mg original, bisa COD Jakarta",
            "seller_name": "apotekmalam",
            "seller_url": "https://forumthread.example/members/apotekmalam.551/",
            "price": 150000.0,
            "currency": "IDR",
            "source": "generic",
        },
        ["Harga 150rb/strip", "WA 0857-1234-9876"],
        ["Yang baru", "Thread serupa", "Syarat dan ketentuan", "XenForo"],
        id="forum thread: harga 150rb, ongkir in a reply",
    ),
    pytest.param(
        "blog_post",
        {
            "title": "Jamu Asam Urat Racikan Bunda, Sembuh Total dalam Seminggu",
            "price": 45000.0,
            "currency": "IDR",
            "source": "generic",
            "images": ["https://blogger.googleusercontent.example/img/jamu-asam-urat.jpg"],
        },
        ["100% aman tanpa efek samping", "WA 0878-5555-1212"],
        ["Postingan Populer", "Arsip Blog", "Diberdayakan oleh Blogger", "Blogger navbar"],
        id="blog post: IDR 45,000, og:title, no structured data",
    ),
    pytest.param(
        "wordpress_post",
        {
            "title": "Paket Suntik Putih Glutathione 10 Vial Ready Stok",
            "price": 1250000.0,
            "currency": "IDR",
            "source": "json-ld",
            "seller_name": "admin aurora",
        },
        ["glutathione 10 vial", "WA 0811-3030-4040"],
        [
            "Langsung ke konten",
            "Pos-pos Terbaru",
            "Tinggalkan Balasan",
            "Tema oleh WordPress",
            "Layanan",
        ],
        id="wordpress post: Yoast @graph Article, Rp1.250.000 beside a transfer fee",
    ),
    pytest.param(
        "classified_juta",
        {
            "title": "Obat Penggugur Kandungan Cytotec Asli Paket 3 Bulan",
            "price": 1200000.0,
            "currency": "IDR",
            "source": "generic",
        },
        ["misoprostol 200 mcg", "WA 0896-7777-8888"],
        ["Tips keamanan"],
        id="classified ad: Rp 1,2 jt",
    ),
]


def read(page: str, url: str | None = None):
    url = url or f"https://{page.replace('_', '')}.example/p/{page}"
    response = HtmlResponse(url, body=(PAGES / f"{page}.html").read_bytes(), encoding="utf-8")
    return AnyPage(response, "web").read()


@pytest.mark.parametrize("page, fields, holds, lacks", KINDS)
def test_any_page_yields_a_listing(page, fields, holds, lacks):
    url = "https://tokocantikmulus.example/p/krim" if page == "plain_shop" else None
    reading = read(page, url)
    assert reading.item is not None, reading.reason
    assert {name: getattr(reading.item, name) for name in fields} == fields
    for text in holds:
        assert text in reading.item.description
    for text in lacks:
        assert text not in reading.item.description
    assert reading.fields["title"].startswith(reading.item.source)


@pytest.mark.parametrize(
    "page, field, way",
    [
        ("plain_shop", "title", "generic:h1"),
        ("plain_shop", "price", "generic:text"),
        ("blog_post", "title", "generic:og:title"),
        ("wordpress_post", "title", "json-ld"),
        ("wordpress_post", "description", "generic:text"),  # Yoast's Article has no body
        ("wordpress_post", "price", "generic:text"),
        ("jsonld_broken_script", "price", "json-ld"),
        ("microdata_product", "description", "microdata"),
    ],
)
def test_each_field_records_the_way_it_was_read(page, field, way):
    assert read(page).fields[field] == way


@pytest.mark.parametrize(
    "page, reason",
    [
        ("login_page", "a login page"),
        ("empty_page", "an empty page"),
    ],
)
def test_pages_that_are_clearly_no_listing_say_why(page, reason):
    reading = read(page)
    assert reading.item is None
    assert reading.reason == reason


def markup(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "head, body, title, price",
    [
        # the `</script>` cut the product short and what follows is not JSON either: the
        # part that is there still names the product, the page shows the price
        (
            '<script type="application/ld+json">{"@type":"Product","name":"Krim </script>" ruined',
            '<h1>Krim</h1><p class="price">Rp 45.000,-</p>',
            "Krim ",
            45000.0,
        ),
        (
            '<script type="application/ld+json">{"@type": "Product", "name": "Jamu X",}</script>',
            '<p>Harga Rp 1.250.000</p><script type="application/ld+json">{"@type": "Organization"',
            "Jamu X",
            1250000.0,
        ),
        (
            '<script type="application/ld+json">[{"@type":"WebSite","name":"S"},'
            '{"@type":"schema:Product","name":"Obat Z","offers":{"@id":"#o"}},'
            '{"@type":"Offer","@id":"#o","price":"30000","priceCurrency":"IDR"}]</script>',
            "",
            "Obat Z",
            "30000",
        ),
    ],
    ids=["unrecoverable cut", "trailing comma, second script unterminated", "offer by @id"],
)
def test_json_ld_as_pages_really_write_it(head, body, title, price):
    reading = AnyPage(HtmlResponse("https://s.example/p", body=markup(body, head)), "s").read()
    assert (reading.item.title, reading.item.price, reading.item.source) == (
        title, price, "json-ld"
    )  # fmt: skip


def test_rdfa_product():
    body = """<div vocab="https://schema.org/" typeof="Product">
      <h1 property="name">Serum Racikan Dokter</h1>
      <p property="description">Mengandung tretinoin 0,1%.</p>
      <div property="offers" typeof="Offer"><meta property="priceCurrency" content="IDR">
      <span property="price" content="88000">Rp88.000</span></div></div>"""
    reading = AnyPage(HtmlResponse("https://r.example/p", body=markup(body)), "r").read()
    item = reading.item
    assert (item.title, item.price, item.currency, item.source) == (
        "Serum Racikan Dokter", "88000", "IDR", "rdfa"
    )  # fmt: skip


@pytest.mark.parametrize(
    "body, price",
    [
        ("<h1>Krim A</h1><p>Harga Rp45.000</p><p>Ongkir Rp10.000</p>", 45000.0),
        ("<h1>Krim A</h1><p>Ongkir Rp10.000 ke Jawa</p><p>Harga Rp45.000</p>", 45000.0),
        ("<p>Gratis ongkir minimal belanja Rp50.000</p><h1>Krim A</h1><p>Rp 45.000</p>", 45000.0),
        ('<h1>Krim A</h1><div class="price"><del>Rp60.000</del> <b>Rp45.000</b></div>', 45000.0),
        ("<h1>Krim A</h1><p>Diskon Rp15.000!</p><span class='harga'>Rp 85.000</span>", 85000.0),
        ("<h1>Krim A</h1><p>Cashback Rp5.000, voucher Rp20.000</p><p>Rp 99.000</p>", 99000.0),
        ("<h1>Krim A</h1><p>Harga <span>Rp</span><span>1.250.000</span></p>", 1250000.0),
        # hard negatives: nothing here is what the product costs
        ("<h1>Krim A</h1><p>Ongkir Rp10.000 ke Jawa, bebas biaya admin.</p>", None),
        ("<h1>Krim A</h1><p>Hubungi WA 0812-3456-7890 atau 0812.345.678, kode 45000</p>", None),
        ("<h1>Krim A</h1><p>Harga nego, WA 0857 1234 9876</p><p>Stok 1.200 pcs</p>", None),
        ("<h1>Krim A</h1><p>Order id 20261130 NIE NA18201234567</p>", None),
    ],
)
def test_the_product_price_among_the_page_prices(body, price):
    reading = AnyPage(HtmlResponse("https://s.example/p", body=markup(body)), "s").read()
    assert reading.item.price == price


@pytest.mark.parametrize(
    "title, body, reason",
    [
        ("Just a moment...", "<p>Checking your browser before accessing the site.</p>",
         "a challenge (captcha) page, not the page itself"),
        ("Toko", '<div class="g-recaptcha"></div><p>Buktikan Anda bukan robot</p>',
         "a challenge (captcha) page, not the page itself"),
        ("Halaman tidak ditemukan", "<h1>Oops! Produk tidak ditemukan</h1>", "a 'not found' page"),
        ("404", "<p>Maaf, halaman yang Anda cari sudah dipindahkan.</p>", "a 'not found' page"),
        ("Obat Kuat", "<h1>Obat Kuat</h1>", "no text beyond its title"),
        # hard negatives: listings that only sound like one of those
        ("Obat aborsi, tidak tersedia di apotek", "<p>Cytotec asli, WA 0812 3456 7890</p>", ""),
        ("Krim 404 Glow", "<p>Krim pemutih, hasil putih 3 hari. Rp45.000</p>", ""),
        ("Jual tramadol", "<header><form><input type='password'></form></header>"
                          "<p>Tramadol 50mg, COD Jakarta.</p>", ""),
    ],
)  # fmt: skip
def test_more_pages_that_are_no_listing(title, body, reason):
    page = markup(body, f"<title>{title}</title>")
    reading = AnyPage(HtmlResponse("https://s.example/p", body=page), "s").read()
    assert reading.reason == reason
    assert (reading.item is None) == bool(reason)


@pytest.mark.parametrize(
    "page, listed",
    [
        ("plain_shop", True),  # no structured data, but a price shown
        ("jsonld_product", True),
        ("forum_thread", True),
        ("not_a_product", False),  # an about page: neither product data nor a price
        ("login_page", False),
    ],
)
def test_pages_a_shop_sitemap_lists_count_when_they_sell(page, listed):
    response = HtmlResponse(
        f"https://s.example/{page}", body=(PAGES / f"{page}.html").read_bytes(), encoding="utf-8"
    )
    reading = AnyPage(response, "s").product()
    assert (reading.item is not None) == listed, reading.reason
    assert bool(reading.reason) != listed
