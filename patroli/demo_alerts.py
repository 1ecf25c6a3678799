"""The demo's alerts: a small herbal shop handed in as a tip is crawled twice; the first time it
answers, then it starts to block bots (HTTP 403 and a "verify you are human" page), and the
second crawl raises a `blocking` alert, so /alerts shows what an analyst would meet. Both are
real crawls of a real loopback site through the `urls` spider; RunRecorder raises the alert.
Run again, the alert still open is renewed by the new blocking crawl, not repeated."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable

from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from casebook.config import Config
from casebook.models import Alert
from patroli.crawling import SpiderRun, run_spiders
from patroli.wiring import Casebook

# Beside the demo platforms (127.0.0.1-3, ports 8801-8803); any free port if taken.
ADDRESS = ("127.0.0.4", 8804)
SHOP = "Toko Herbal Kilat"
PRODUCTS = [  # (title, price, description): a tip's typical finds
    ("Jamu Kuat Lelaki Perkasa", 85_000,
     "Jamu herbal stamina pria, reaksi cepat 30 menit, mengandung sildenafil. 100% aman tanpa "
     "efek samping. Kirim cepat dari Jakarta, COD tersedia."),
    ("Kapsul Pelangsing Langsing Kilat", 120_000,
     "Turun 10 kg dalam seminggu, dijamin. Kapsul herbal pelangsing dengan sibutramin, tanpa "
     "diet dan tanpa olahraga. Ready stok, grosir dan ecer."),
    ("Krim Pemutih Glowing Seminggu", 65_000,
     "Krim malam pemutih wajah, hasil instan dalam 7 hari, mengandung merkuri dan hidrokinon. "
     "Original, bisa kirim ke seluruh Indonesia."),
    ("Pil Asam Urat Sembuh Total", 95_000,
     "Obat herbal asam urat dan rematik, menyembuhkan total tanpa kambuh, mengandung "
     "deksametason. Cocok untuk lansia. Promo beli 2 gratis 1."),
    ("Tramadol 50 mg tanpa resep", 150_000,
     "Tramadol 50 mg isi 10 tablet, pereda nyeri kuat, tanpa resep dokter. Pengiriman rahasia, "
     "kemasan aman, bisa COD."),
    ("Madu Penambah Nafsu Makan Anak", 55_000,
     "Madu herbal anak penambah nafsu makan, mengandung siproheptadin, berat badan naik cepat. "
     "Aman untuk anak 1 tahun ke atas."),
]  # fmt: skip
BLOCK_PAGE = (
    "<!doctype html><html><head><title>Just a moment...</title></head><body>"
    "<h1>Verify you are human</h1><p>Checking your browser before accessing the shop.</p>"
    "<div class=cf-turnstile></div></body></html>"
)


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass  # the crawl logs what it fetched


class BlockingShop:
    """A tiny shop site on loopback that answers until `block()`, then walls every page."""

    def __init__(self) -> None:
        self.blocking = False
        self.server = None

    def start(self) -> BlockingShop:
        host, port = ADDRESS
        try:
            self.server = make_server(host, port, self.app, threaded=True, request_handler=_Quiet)
        except OSError:  # the port is taken (another demo): any free one
            self.server = make_server(host, 0, self.app, threaded=True, request_handler=_Quiet)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                         name="demo-blocking-shop", daemon=True).start()  # fmt: skip
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def urls(self) -> list[str]:
        return [f"{self.base}/produk/{n}" for n in range(1, len(PRODUCTS) + 1)]

    def block(self) -> None:
        self.blocking = True

    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/robots.txt":
            return _answer(start_response, "200 OK", "User-agent: *\nAllow: /\n", "text/plain")
        if self.blocking:
            return _answer(start_response, "403 Forbidden", BLOCK_PAGE)
        number = path.removeprefix("/produk/")
        if not number.isdigit() or not 1 <= int(number) <= len(PRODUCTS):
            return _answer(start_response, "404 Not Found", "<h1>Produk tidak ditemukan</h1>")
        return _answer(start_response, "200 OK", _product_page(*PRODUCTS[int(number) - 1]))


def _answer(start_response, status: str, body: str, kind: str = "text/html"):
    data = body.encode()
    start_response(status, [("Content-Type", f"{kind}; charset=utf-8"),
                            ("Content-Length", str(len(data)))])  # fmt: skip
    return [data]


def _product_page(title: str, price: int, description: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": title,
            "description": description, "brand": {"@type": "Brand", "name": SHOP},
            "offers": {"@type": "Offer", "price": price, "priceCurrency": "IDR",
                       "seller": {"@type": "Organization", "name": SHOP}}}  # fmt: skip
    return (
        f"<!doctype html><html lang=id><head><meta charset=utf-8><title>{html.escape(title)} | "
        f"{SHOP}</title><script type=application/ld+json>{json.dumps(data)}</script></head>"
        f"<body><h1>{html.escape(title)}</h1><p class=price>Rp{price:,}</p>"
        f"<div class=description><p>{html.escape(description)}</p></div>"
        f"<p class=seller>Dijual oleh {SHOP}, Jakarta Barat.</p></body></html>"
    )


def raise_demo_alerts(casebook: Casebook, config: Config, settings: dict, step: Callable) -> int:
    """Crawl the shop while it answers, then while it blocks; returns the alerts now open.
    Ctrl-C stops the demo here as in every other step (KeyboardInterrupt)."""
    shop = BlockingShop().start()
    try:
        for blocking in (False, True):
            if blocking:
                shop.block()
            outcomes = run_spiders(config, [SpiderRun("urls", {"urls": ",".join(shop.urls())})],
                                   settings)  # fmt: skip
            if any(outcome.interrupted for outcome in outcomes):
                raise KeyboardInterrupt
            state = "blocking bots" if blocking else "answering"
            step(f"tip: {SHOP} ({shop.base}) crawled while {state}")
    finally:
        shop.stop()
    with casebook.sessions() as session:
        opened = select(func.count(Alert.id)).where(Alert.acknowledged_at.is_(None))
        count = session.scalar(opened) or 0
    step(f"Alerts: {count} open (see /alerts)")
    return count
