"""dHash of real image files: re-uploads of one picture come out near, other pictures far, and
hostile or useless bytes are refused with a one-line reason instead of a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook import imaging
from casebook.imaging import ImageError

IMAGES = Path(__file__).parents[1] / "fixtures" / "images"
NEAR = 10  # the usual dHash cut-off: at most this many of 64 bits apart is "the same picture"


def read(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


def test_the_hash_of_a_picture_is_pinned():
    """Stored hashes are compared with hashes computed later: the algorithm must not drift."""
    assert imaging.dhash(read("product.png")) == "c868c0c29292c2c4"


@pytest.mark.parametrize(
    "name",
    [
        "product-q60.jpg",  # re-encoded as a low-quality JPEG
        "product-small.png",  # resized to 200x200
        "product-recoloured.webp",  # more saturated, brighter, WebP
        "product-cropped.jpg",  # 8 px cropped from each side and blurred
        "product-watermarked.png",  # a reseller's handle written in a corner
        "product-rgba.png",  # with an alpha channel
        "product-16bit.png",  # 16-bit grey: not clipped to white
    ],
)
def test_a_re_upload_of_the_picture_is_near(name):
    assert imaging.distance(imaging.dhash(read("product.png")), imaging.dhash(read(name))) <= NEAR


@pytest.mark.parametrize(
    "name",
    [
        "far-mirrored.png",  # the same pixels flipped: dHash reads left-to-right
        "far-jar-same-backdrop.png",  # another product on the same backdrop, same spot
        "far-scene.jpg",  # something else altogether
    ],
)
def test_another_picture_is_far(name):
    assert imaging.distance(imaging.dhash(read("product.png")), imaging.dhash(read(name))) > NEAR


@pytest.mark.parametrize(
    "name, reason",
    [
        ("broken-truncated.png", "broken or unreadable image: image file is truncated"),
        ("broken-truncated.jpg", "broken or unreadable image: image file is truncated"),
        ("broken-scrambled.png", "broken or unreadable image: unrecognized data stream"),
        ("bomb-header.png", "decompression bomb refused"),
        ("bomb-8000.png", "image of 8000x8000 pixels exceeds 40000000 pixels"),
        ("not-an-image.png", "not a PNG, JPEG or WebP image"),
        ("product.gif", "not a PNG, JPEG or WebP image"),
        ("pixel.png", "image of 1x1 pixels is too small to compare"),
        ("blank-white.png", "blank image"),
    ],
)
def test_what_cannot_be_hashed_is_refused_with_its_reason(name, reason):
    with pytest.raises(ImageError) as refused:
        imaging.dhash(read(name))
    assert str(refused.value).startswith(reason)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty image"),
        (b"\x89PNG\r\n\x1a\n", "not a PNG, JPEG or WebP image"),  # a signature, no header
        (b"\xff\xd8\xff" + b"\x00" * 64, "not a PNG, JPEG or WebP image"),
    ],
)
def test_bytes_that_are_no_image_are_refused(data, reason):
    with pytest.raises(ImageError, match=f"^{re.escape(reason)}"):
        imaging.dhash(data)


def test_too_many_bytes_are_refused_before_decoding():
    data = read("product.png") + b"\x00" * imaging.MAX_IMAGE_BYTES
    with pytest.raises(ImageError, match=r"^image of \d+ bytes exceeds"):
        imaging.dhash(data)


@pytest.mark.parametrize(
    "a, b, bits",
    [
        (0, 0, 0),
        ("0000000000000000", "0000000000000001", 1),
        ("ffffffffffffffff", 0, 64),
        ("4868c0c29292c4c4", 0x4868C0C29292C4C4, 0),
        (0b1011, 0b0110, 3),
        ("8000000000000000", "0000000000000001", 2),  # the top bit counts as much as the last
    ],
)
def test_distance_counts_the_bits_that_differ(a, b, bits):
    assert imaging.distance(a, b) == bits == imaging.distance(b, a)


@pytest.mark.parametrize("text", ["", "4868c0c2", "4868c0c29292c4c4ff", "zz68c0c29292c4c4"])
def test_a_hash_that_is_not_16_hex_digits_is_refused(text):
    with pytest.raises(ValueError, match="not a 16-digit hex hash"):
        imaging.to_int(text)


@pytest.mark.parametrize("value", [0, 1, 0x4868C0C29292C4C4, (1 << 64) - 1])
def test_hex_and_int_round_trip(value):
    assert imaging.to_int(imaging.to_hex(value)) == value
    assert len(imaging.to_hex(value)) == 16


@pytest.mark.parametrize("value", [-1, 1 << 64])
def test_an_int_outside_64_bits_is_no_hash(value):
    with pytest.raises(ValueError, match="not a 64-bit hash"):
        imaging.to_hex(value)
