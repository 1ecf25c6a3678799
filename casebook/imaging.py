"""Perceptual hashes of images: the 64-bit difference hash (dHash) of PNG, JPEG or WebP bytes,
and the Hamming distance between two hashes. Near-identical pictures (re-encoded, resized,
slightly recoloured) get hashes a few bits apart; different pictures differ in about half.

The bytes come from crawled pages, so they are hostile: the size in bytes and in pixels is
capped before anything is decoded, only three formats are read, and whatever a decoder raises
becomes an `ImageError` with a one-line reason."""

from __future__ import annotations

import warnings
from io import BytesIO
from itertools import pairwise

from PIL import Image, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP")
MAX_IMAGE_BYTES = 32 * 1024 * 1024
# A full-page screenshot 1280 px wide and ~30,000 px long still fits; a decompression bomb (a few
# kB declaring gigapixels) is refused from its header. Below Pillow's own warning threshold, so
# Pillow's check only ever fires for images this cap refuses anyway.
MAX_PIXELS = 40_000_000
# Smaller than this is an icon, a tracking pixel or a spacer, not a picture of anything.
MIN_SIDE = 16
# A grey range narrower than this is a blank or a placeholder: its hash is noise around zero and
# would match every other blank, gluing accounts together through nothing.
MIN_CONTRAST = 8
HASH_WIDTH, HASH_HEIGHT = 9, 8  # 8 comparisons per row, 8 rows: 64 bits


class ImageError(ValueError):
    """Bytes that cannot be hashed; the message says why in one line."""


def dhash(data: bytes) -> str:
    """The dHash of one image as 16 hex digits: each bit says whether a pixel of the 9x8
    greyscale thumbnail is brighter than its right-hand neighbour."""
    return to_hex(dhash_int(data))


def dhash_int(data: bytes) -> int:
    image = _open(data)
    try:
        grey = _thumbnail(image)
    except ImageError:
        raise
    except (ValueError, OSError) as error:  # a mode or palette the conversions do not take
        raise ImageError(f"unreadable pixels ({image.mode}): {error}") from None
    pixels = grey.tobytes()  # mode L: one byte per pixel, row by row
    bits = 0
    for row in range(HASH_HEIGHT):
        line = pixels[row * HASH_WIDTH : (row + 1) * HASH_WIDTH]
        for left, right in pairwise(line):
            bits = (bits << 1) | (left > right)
    return bits


def distance(a: int | str, b: int | str) -> int:
    """Hamming distance between two hashes (ints or hex strings): 0 for the same picture,
    ~32 for unrelated ones."""
    return (_as_int(a) ^ _as_int(b)).bit_count()


def to_hex(value: int) -> str:
    if not 0 <= value < 1 << 64:
        raise ValueError(f"not a 64-bit hash: {value}")
    return f"{value:016x}"


def to_int(value: str) -> int:
    """A stored hash (16 hex digits) as the int the linker compares."""
    if len(value) != 16:
        raise ValueError(f"not a 16-digit hex hash: {value!r}")
    try:
        return int(value, 16)
    except ValueError:
        raise ValueError(f"not a 16-digit hex hash: {value!r}") from None


def _as_int(value: int | str) -> int:
    return to_int(value) if isinstance(value, str) else value


def _open(data: bytes) -> Image.Image:
    """Open and decode, refusing before decoding what is too big, in a format we do not read, or
    broken."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"image of {len(data)} bytes exceeds {MAX_IMAGE_BYTES}")
    if not data:
        raise ImageError("empty image")
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between its two bomb thresholds: a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=FORMATS)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ImageError(f"image of {width}x{height} pixels exceeds {MAX_PIXELS} pixels")
        if min(width, height) < MIN_SIDE:
            raise ImageError(f"image of {width}x{height} pixels is too small to compare")
        if image.format == "JPEG":
            # Let the JPEG decoder scale down by up to 8 while decoding: far less work, and
            # the 9x8 thumbnail comes out the same to within a bit or two.
            image.draft("L", (HASH_WIDTH * 8, HASH_HEIGHT * 8))
        image.load()
        return image
    except ImageError:
        raise
    except MemoryError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            "decompression bomb refused: the header declares too many pixels"
        ) from None
    except UnidentifiedImageError:
        raise ImageError("not a PNG, JPEG or WebP image") from None
    except Exception as error:  # a hostile file may trip any decoder error: all mean "broken"
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ImageError(f"broken or unreadable image: {reason}") from None


def _thumbnail(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels count as white, as a page shows them, not as whatever colour the
        # encoder left behind them.
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backdrop, rgba)
    if image.mode.startswith("I;16"):
        # 16-bit grey: scaled to 8 bits, where a plain conversion would clip nearly all to white.
        image = image.convert("I").point(lambda value: value * (1 / 256))
    grey = image.convert("L")
    low, high = grey.getextrema()
    if high - low < MIN_CONTRAST:
        raise ImageError("blank image (one flat colour): nothing to compare")
    # Box-reduce by whole factors to within twice the size first, then Lanczos: 50x faster on a
    # tall screenshot than Lanczos all the way. Stored hashes were made so: keep it.
    return grey.resize((HASH_WIDTH, HASH_HEIGHT), Image.Resampling.LANCZOS, reducing_gap=2.0)
