"""Image hashes from real evidence (WARC, screenshot) written by the crawler's evidence store:
the product image is the listing's own picture, never the platform's logo; pictures that cannot
be hashed are skipped with a line naming the capture; each capture is hashed once; the linker
reads each seller's hashes. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casebook import imaging
from casebook.models import Capture, ImageHash, Listing
from casebook.services import evidence, image_hashes, listings
from casebook.services.image_hashes import SOURCES, hash_new_images, image_hashes_of
from casebook.services.listings import ListingRecord, SellerRecord
from crawler.evidence import EvidenceStore, Exchange
from rules.model import Verdict

IMAGES = Path(__file__).parents[1] / "fixtures" / "images"
T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
CDN = "https://cdn.pasarku.example"
LOGO = ("https://pasarku.example/static/logo.jpg", "far-scene.jpg", "image/jpeg")
HTML = b"<html><body><h1>Produk</h1></body></html>"


@dataclass(frozen=True)
class Page:
    """A listing as the world has it: its seller, the image URLs the listing names, what the
    browser loaded (url, fixture, content type) and the screenshot fixture, if any."""

    seller: str
    images: tuple[str, ...]
    loaded: tuple[tuple[str, str, str], ...]
    screenshot: str | None


WORLD = {
    # The page loaded another size of the listing's photo (same file name) beside the logo.
    "slim-a": Page(
        "Toko A",
        images=(f"{CDN}/700/slim.jpg?v=2",),
        loaded=(LOGO, (f"{CDN}/300/slim.jpg?v=1", "product-q60.jpg", "image/jpeg")),
        screenshot="far-scene.jpg",
    ),
    # The same URL as the page wrote it and as the browser asked for it; the screenshot is
    # truncated: the product is still hashed.
    "slim-b": Page(
        "Toko B",
        images=(f"{CDN}/b/slim b.webp",),
        loaded=(LOGO, (f"{CDN}/b/slim%20b.webp", "product-recoloured.webp", "image/webp")),
        screenshot="broken-truncated.png",
    ),
    # The first listed image is an SVG (no photo): the second listed one is the product.
    "jar-c": Page(
        "Toko C",
        images=(f"{CDN}/c/icon.svg", f"{CDN}/c/jar.png"),
        loaded=(
            (f"{CDN}/c/icon.svg", "not-an-image.png", "image/svg+xml"),
            (f"{CDN}/c/jar.png", "far-jar-same-backdrop.png", "image/png"),
        ),
        screenshot="far-mirrored.png",
    ),
    # The listing's photo never loaded: the logo is not taken for it.
    "lost-c": Page(
        "Toko C", images=(f"{CDN}/c/gone.jpg",), loaded=(LOGO,), screenshot="product-small.png"
    ),
    # A bomb served as the product image, and no screenshot: nothing to store.
    "bomb-d": Page(
        "Toko D",
        images=(f"{CDN}/d/bomb.png",),
        loaded=((f"{CDN}/d/bomb.png", "bomb-header.png", "image/png"),),
        screenshot=None,
    ),
}
# (listing key, source) -> the fixture whose hash is stored; absent: nothing stored.
EXPECTED = {
    ("slim-a", "screenshot"): "far-scene.jpg",
    ("slim-a", "product"): "product-q60.jpg",
    ("slim-b", "product"): "product-recoloured.webp",
    ("jar-c", "screenshot"): "far-mirrored.png",
    ("jar-c", "product"): "far-jar-same-backdrop.png",
    ("lost-c", "screenshot"): "product-small.png",
}


def url_of(key: str) -> str:
    return f"https://pasarku.example/p/{key}"


def exchange(url: str, body: bytes, content_type: str) -> Exchange:
    return Exchange(url, "GET", [], 200, "OK", [("Content-Type", content_type)], body, True)


def browser_capture(store: EvidenceStore, key: str, at: datetime):
    page = WORLD[key]
    exchanges = [exchange(url_of(key), HTML, "text/html")]
    exchanges += [exchange(u, (IMAGES / name).read_bytes(), kind) for u, name, kind in page.loaded]
    shot = (IMAGES / page.screenshot).read_bytes() if page.screenshot else None
    return store.capture(url=url_of(key), kind="browser", exchanges=exchanges,
                         rendered_html=HTML, screenshot=shot, now=at)  # fmt: skip


@pytest.fixture
def world(sessions, config) -> dict[str, int]:
    """The listings of WORLD with a browser capture each, a plain-HTTP capture of one and a
    capture of a seller page (no listing), neither of which has pictures to hash."""
    store = EvidenceStore(config.data_dir)
    records = [
        (ListingRecord(url=url_of(key), platform="pasarku", title=key, images=page.images,
                       seller=SellerRecord("pasarku", page.seller)), Verdict(url_of(key)))
        for key, page in WORLD.items()
    ]  # fmt: skip
    with sessions() as session, session.begin():
        ids = listings.record_listings(session, records, now=T0).listing_ids
        keys = {key: ids[url_of(key)] for key in WORLD}
        captures = [(browser_capture(store, key, T0), keys[key]) for key in WORLD]
        plain = [exchange(url_of("slim-a"), HTML, "text/html")]
        captures.append((store.capture(url=url_of("slim-a"), kind="http", exchanges=plain), None))
        captures.append((browser_capture(store, "lost-c", T0), None))
        evidence.record_captures(session, captures)
    return keys


def stored(session) -> dict[tuple[int, str], str]:
    rows = session.execute(select(ImageHash.listing_id, ImageHash.source, ImageHash.dhash))
    return {(listing_id, source): dhash for listing_id, source, dhash in rows}


def test_each_capture_gives_its_screenshot_and_its_own_product_image(
    sessions, config, world, caplog
):
    caplog.set_level(logging.WARNING, logger="casebook.services.image_hashes")
    with sessions() as session, session.begin():
        count = hash_new_images(session, data_dir=config.data_dir, now=T1)
    expected = {
        (world[key], source): imaging.dhash((IMAGES / name).read_bytes())
        for (key, source), name in EXPECTED.items()
    }
    with sessions() as session:
        assert stored(session) == expected
        assert count == len(EXPECTED)
        sellers = dict(session.execute(select(Listing.id, Listing.seller_id)).all())
        rows = session.scalars(select(ImageHash)).all()
        assert {(r.seller_id, r.computed_at) for r in rows} == {
            (sellers[r.listing_id], T1) for r in rows
        }
    refusals = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("capture ") and f"({url_of('slim-b')}) screenshot: broken" in m
        for m in refusals
    ), refusals
    assert any(f"({url_of('bomb-d')}) product: decompression bomb" in m for m in refusals)
    assert all("\n" not in m for m in refusals)


def test_hashing_again_stores_nothing_new_and_a_new_capture_only_its_own(sessions, config, world):
    with sessions() as session, session.begin():
        first = hash_new_images(session, data_dir=config.data_dir, now=T1)
    with sessions() as session, session.begin():
        assert hash_new_images(session, data_dir=config.data_dir, now=T1) == 0
        record = browser_capture(EvidenceStore(config.data_dir), "slim-a", T1)
        evidence.record_captures(session, [(record, world["slim-a"])])
    with sessions() as session, session.begin():
        assert hash_new_images(session, data_dir=config.data_dir, now=T1) == 2
    with sessions() as session:
        assert session.scalar(select(func.count(ImageHash.id))) == first + 2


def test_a_limit_counts_captures_oldest_first(sessions, config, world):
    """Captures in WORLD order give 2, 1, 2, 1 and 0 hashes; each call starts after the last."""
    for limit, expected in [(1, 2), (2, 3), (1, 1), (None, 0), (None, 0)]:
        with sessions() as session, session.begin():
            assert hash_new_images(session, data_dir=config.data_dir, limit=limit) == expected


def test_the_incremental_path_hashes_only_the_given_captures(sessions, config, world, monkeypatch):
    monkeypatch.setattr(image_hashes, "PAGE", 2)  # windows and pages of two: every seam runs
    with sessions() as session:
        rows = session.execute(select(Capture.id, Capture.listing_id, Capture.kind)).all()
    capture = {key: next(i for i, lid, _ in rows if lid == world[key]) for key in WORLD}
    others = [i for i, lid, kind in rows if lid is None or kind == "http"]  # no pictures
    steps = [  # (capture ids, limit, hashes stored)
        ([capture["jar-c"], capture["bomb-d"], *others], None, 2),
        ([capture["jar-c"], capture["lost-c"], capture["slim-a"]], 1, 2),  # jar-c is done
        ([], None, 0),
        ([*capture.values(), *others, 10_000], None, 2),  # slim-b and lost-c were left
    ]
    for capture_ids, limit, expected in steps:
        with sessions() as session, session.begin():
            stored_now = hash_new_images(
                session, data_dir=config.data_dir, capture_ids=capture_ids, limit=limit
            )
        assert stored_now == expected, (capture_ids, limit)
    with sessions() as session:
        assert len(stored(session)) == len(EXPECTED)


def test_a_missing_screenshot_file_is_skipped_and_the_product_still_hashed(sessions, config, world):
    for path in (config.data_dir / "evidence").rglob("screenshot.png"):
        path.unlink()
    with sessions() as session, session.begin():
        assert hash_new_images(session, data_dir=config.data_dir) == 3
        assert {source for _, source in stored(session)} == {"product"}


def test_the_linker_reads_each_sellers_distinct_hashes(sessions, config, world):
    with sessions() as session, session.begin():
        hash_new_images(session, data_dir=config.data_dir, now=T1)
        record = browser_capture(EvidenceStore(config.data_dir), "slim-a", T1)
        evidence.record_captures(session, [(record, world["slim-a"])])  # the same pictures again
        hash_new_images(session, data_dir=config.data_dir, now=T1)
    with sessions() as session:
        seller = dict(session.execute(select(Listing.title, Listing.seller_id)).all())
        everything = image_hashes_of(session, [*seller.values(), 999_999], sources=SOURCES)
        products = image_hashes_of(session, seller.values())  # screenshots are no link
    a, b, c = (seller[k] for k in ("slim-a", "slim-b", "jar-c"))
    assert set(everything) == {a, b, c}  # D has none; an unknown id is no error
    assert len(everything[a]) == 2 and len(everything[c]) == 3  # no duplicates
    assert all(isinstance(h, int) for hashes in everything.values() for h in hashes)
    assert products[a] == [imaging.dhash_int((IMAGES / "product-q60.jpg").read_bytes())]
    assert set(products) == {a, b, c}
    near = imaging.distance(products[a][0], products[b][0])
    far = imaging.distance(products[a][0], products[c][0])
    assert near <= 10 < far
