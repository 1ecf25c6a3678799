"""Image hashes: time per picture to dHash (casebook.imaging) against decoding alone with
Pillow (the baseline: what any hash of the pixels must pay), for product photos and
screenshots; and `hash_new_images` over browser captures written by the crawler's evidence
store into a SQLite casebook.

    python -m benchmarks.image_hash_bench [--captures 200]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from casebook import imaging, schema
from casebook.db import make_engine, make_session_factory
from casebook.services import evidence, listings
from casebook.services.image_hashes import hash_new_images
from casebook.services.listings import ListingRecord, SellerRecord
from crawler.evidence import EvidenceStore, Exchange
from rules.model import Verdict

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "images"


def picture(width: int, height: int, fmt: str, **options) -> bytes:
    """The fixture product photo drawn at this size, with stripes so that a tall page is not
    one flat colour."""
    base = Image.open(FIXTURES / "product.png").convert("RGB").resize((width, min(height, width)))
    page = Image.new("RGB", (width, height), (250, 250, 250))
    for top in range(0, height, base.height):
        page.paste(base, (0, top))
    draw = ImageDraw.Draw(page)
    for y in range(0, height, 97):
        draw.line([(0, y), (width, y)], fill=(30, 30, 30), width=3)
    buffer = io.BytesIO()
    page.save(buffer, fmt, **options)
    return buffer.getvalue()


def per_call(function, data: bytes, seconds: float = 1.0) -> float:
    """Mean seconds per call, repeated for about `seconds` (at least 3 calls)."""
    calls, started = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - started < seconds:
        function(data)
        calls += 1
    return (time.perf_counter() - started) / calls


def decode_only(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def pictures() -> None:
    cases = [
        ("product photo 800x800 JPEG q85", picture(800, 800, "JPEG", quality=85)),
        ("product photo 1000x1000 PNG", picture(1000, 1000, "PNG")),
        ("product photo 1000x1000 WebP q80", picture(1000, 1000, "WEBP", quality=80)),
        ("screenshot 1280x900 PNG", picture(1280, 900, "PNG")),
        ("full-page screenshot 1280x12000 PNG", picture(1280, 12000, "PNG")),
    ]
    print(f"{'picture':40} {'KiB':>6} {'decode ms':>10} {'dHash ms':>9} {'ratio':>6}")
    for label, data in cases:
        base, hashed = per_call(decode_only, data), per_call(imaging.dhash, data)
        print(f"{label:40} {len(data) // 1024:6d} {base * 1e3:10.1f} {hashed * 1e3:9.1f} "
              f"{hashed / base:6.2f}")  # fmt: skip
    bomb = (FIXTURES / "bomb-header.png").read_bytes()

    def refuse(data: bytes) -> None:
        with contextlib.suppress(imaging.ImageError):
            imaging.dhash(data)

    print(f"{'bomb (100000x100000 header) refused':40} {len(bomb) // 1024:6d} {'-':>10} "
          f"{per_call(refuse, bomb) * 1e3:9.2f}")  # fmt: skip


def captures(count: int) -> None:
    shot = picture(1280, 900, "PNG")
    photo = picture(800, 800, "JPEG", quality=85)
    logo = (FIXTURES / "far-scene.jpg").read_bytes()
    html = b"<html><body>produk</body></html>"
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        engine = make_engine(f"sqlite:///{data_dir / 'bench.db'}")
        schema.upgrade(engine)
        sessions = make_session_factory(engine)
        store = EvidenceStore(data_dir)
        with sessions() as session, session.begin():
            records, recorded = [], []
            for n in range(count):
                url, image = f"https://m.example/p/{n}", f"https://cdn.m.example/{n}.jpg"
                records.append((ListingRecord(url=url, platform="m", images=(image,),
                                              seller=SellerRecord("m", f"Toko {n % 50}")),
                                Verdict(url)))  # fmt: skip
                exchanges = [
                    Exchange(url, "GET", [], 200, "OK", [("content-type", "text/html")], html),
                    Exchange("https://m.example/logo.jpg", "GET", [], 200, "OK",
                             [("content-type", "image/jpeg")], logo, True),
                    Exchange(image, "GET", [], 200, "OK", [("content-type", "image/jpeg")],
                             photo, True),
                ]  # fmt: skip
                recorded.append((url, store.capture(url=url, kind="browser", exchanges=exchanges,
                                                    screenshot=shot)))  # fmt: skip
            ids = listings.record_listings(session, records).listing_ids
            evidence.record_captures(session, [(record, ids[url]) for url, record in recorded])
        started = time.perf_counter()
        with sessions() as session, session.begin():
            stored = hash_new_images(session, data_dir=data_dir)
        elapsed = time.perf_counter() - started
        engine.dispose()
    print(f"hash_new_images: {count} browser captures (screenshot 1280x900 PNG + 800x800 JPEG "
          f"photo + logo in the WARC), {stored} hashes in {elapsed:.2f} s = "
          f"{elapsed / count * 1e3:.1f} ms per capture")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=200)
    args = parser.parse_args()
    pictures()
    captures(args.captures)


if __name__ == "__main__":
    main()
