"""Perceptual hashes of the pictures in the evidence, for the linker's weak signal: accounts
showing near-identical product photos may be one actor.

Each browser capture of a listing gives up to two hashes: its screenshot, and its product
image — the first of the listing's own image URLs the page loaded, read back from the WARC.
Other pictures the page loaded (the platform's logo, banners, icons) are never taken for the
product: they are the same on every listing of a platform and would suggest every account
there is one actor."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from casebook import imaging
from casebook.imaging import ImageError
from casebook.models import Capture, ImageHash, Listing, utcnow

logger = logging.getLogger(__name__)
SOURCES = ("screenshot", "product")
PAGE = 200  # captures read per query
IN_CHUNK = 1000  # seller ids per IN (...) list
RASTER_TYPES = {"image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/webp"}


@dataclass(frozen=True)
class Candidate:
    """One capture still to hash, with what it needs of its listing."""

    capture_id: int
    url: str
    manifest_path: str
    files: list[dict[str, Any]]
    listing_id: int
    seller_id: int | None
    images: tuple[str, ...]


def hash_new_images(
    session: Session,
    *,
    data_dir: Path,
    limit: int | None = None,
    capture_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Hash the screenshot and product image of every browser capture of a listing that has
    no hash yet, oldest first, at most `limit` captures; with `capture_ids`, only among those
    (the incremental path: the captures a crawl batch just stored). Returns the number of
    hashes stored. A picture that cannot be hashed (missing, truncated, a bomb, blank) is
    logged in one line naming the capture and skipped; the capture's other picture is still
    hashed."""
    now = now or utcnow()
    stored = 0
    for candidate in _unhashed(session, limit, capture_ids):
        for source, data in _pictures(Path(data_dir), candidate):
            try:
                dhash = imaging.dhash(data)
            except ImageError as error:
                logger.warning("capture %d (%s) %s: %s", candidate.capture_id, candidate.url,
                               source, error)  # fmt: skip
                continue
            session.add(
                ImageHash(
                    capture_id=candidate.capture_id,
                    listing_id=candidate.listing_id,
                    seller_id=candidate.seller_id,
                    source=source,
                    dhash=dhash,
                    computed_at=now,
                )
            )
            stored += 1
        session.flush()
    return stored


def image_hashes_of(
    session: Session, seller_ids: Collection[int], *, sources: Collection[str] = ("product",)
) -> dict[int, list[int]]:
    """Each seller's distinct image hashes (as ints, ascending), for the linker; sellers with
    none are left out. Product images only unless asked: a full-page screenshot's hash is the
    platform's page layout more than the listing (on the demo's social platform, 96 screenshots
    of different sellers' posts gave 23 distinct hashes, nearly every pair within 4 bits), so
    screenshots would suggest that every two accounts on a platform are one actor."""
    found: dict[int, set[int]] = defaultdict(set)
    ids = sorted(set(seller_ids))
    for start in range(0, len(ids), IN_CHUNK):
        query = select(ImageHash.seller_id, ImageHash.dhash).where(
            ImageHash.seller_id.in_(ids[start : start + IN_CHUNK]),
            ImageHash.source.in_(list(sources)),
        )
        for seller_id, dhash in session.execute(query):
            found[seller_id].add(imaging.to_int(dhash))
    return {seller_id: sorted(hashes) for seller_id, hashes in sorted(found.items())}


def _unhashed(
    session: Session, limit: int | None, capture_ids: Collection[int] | None
) -> Iterator[Candidate]:
    """Browser captures of listings without a hash, in id order, a page at a time. A capture
    that yields nothing is looked at again on the next call (its files may be repaired); the
    cursor keeps it from coming back within one call."""
    hashed = select(ImageHash.id).where(ImageHash.capture_id == Capture.id).exists()
    wanted = sorted(set(capture_ids)) if capture_ids is not None else None
    after, left = 0, limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        query = (
            select(Capture, Listing.seller_id, Listing.images)
            .join(Listing, Listing.id == Capture.listing_id)
            .where(Capture.id > after, Capture.kind != "http", ~hashed)
            .order_by(Capture.id)
            .limit(size)
        )
        if wanted is not None:  # the next window of the given ids, at most PAGE to an IN list
            window = [i for i in wanted if i > after][:PAGE]
            if not window:
                return
            query = query.where(Capture.id.in_(window))
        rows = session.execute(query).all()
        for capture, seller_id, images in rows:
            yield Candidate(
                capture_id=capture.id,
                url=capture.url,
                manifest_path=capture.manifest_path,
                files=list(capture.files or ()),
                listing_id=capture.listing_id,
                seller_id=seller_id,
                images=tuple(i for i in images or () if isinstance(i, str)),
            )
        if left is not None:
            left -= len(rows)
        if len(rows) == size:  # a full page: more may follow it
            after = rows[-1][0].id
        elif wanted is not None:  # this window is done: on to the next
            after = window[-1]
        else:
            return


def _pictures(data_dir: Path, candidate: Candidate) -> Iterator[tuple[str, bytes]]:
    """(source, bytes) of the capture's screenshot and product image, those that exist."""
    folder = (data_dir / candidate.manifest_path).parent
    paths = {
        entry.get("role"): folder / str(entry.get("path", ""))
        for entry in candidate.files
        if isinstance(entry, dict)
    }
    screenshot = paths.get("screenshot")
    if screenshot is not None:
        data = _read(screenshot, candidate)
        if data is not None:
            yield "screenshot", data
    warc = paths.get("warc")
    if warc is not None and candidate.images:
        data = _product_image(warc, candidate)
        if data is not None:
            yield "product", data


def _read(path: Path, candidate: Candidate) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read(imaging.MAX_IMAGE_BYTES + 1)  # one more: the cap still refuses
    except OSError as error:
        logger.warning("capture %d (%s): %s: %s", candidate.capture_id, candidate.url,
                       path.name, error.strerror or error)  # fmt: skip
        return None


def _product_image(warc: Path, candidate: Candidate) -> bytes | None:
    """The body of the first of the listing's image URLs the page loaded, by its order in the
    listing. A URL matches exactly, or else by file name: marketplaces serve one photo under
    several sizes and query strings, and the page may load another size than the listing names."""
    wanted = {_exact(url): rank for rank, url in enumerate(candidate.images)}
    by_name = {_file_name(url): rank for rank, url in reversed(list(enumerate(candidate.images)))}
    by_name.pop("", None)
    best: tuple[int, int, bytes] | None = None  # (rank, exact? 0 : 1, body)
    try:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                match = _match(record, wanted, by_name)
                if match is None or (best is not None and match >= best[:2]):
                    continue
                body = record.content_stream().read(imaging.MAX_IMAGE_BYTES + 1)
                best = (*match, body)
    except (OSError, ArchiveLoadFailed, ValueError) as error:
        logger.warning("capture %d (%s): %s: %s", candidate.capture_id, candidate.url,
                       warc.name, error)  # fmt: skip
    return best[2] if best is not None else None


def _match(record, wanted: dict[str, int], by_name: dict[str, int]) -> tuple[int, int] | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.rec_headers.get_header("WARC-Truncated"):
        return None  # a cut-off picture would only be refused as truncated
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if content_type.split(";", 1)[0].strip() not in RASTER_TYPES:
        return None  # SVG and the rest: no photo to compare, or a format we do not decode
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if _exact(url) in wanted:
        return wanted[_exact(url)], 0
    name = _file_name(url)
    return (by_name[name], 1) if name in by_name else None


def _exact(url: str) -> str:
    return unquote(url.split("#", 1)[0])


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])
