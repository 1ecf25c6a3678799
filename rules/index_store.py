"""A registry index as bytes and back: a format this module parses itself, checked before use.

Why not pickle: unpickling runs whatever code the file names, so a file anyone could drop
into the data dir would run as the crawler. This format holds only flat tables, numeric
arrays (three allowed dtypes) and lists of words, so reading a hostile file can at worst
fail. Every file names the key it was made for (the registry's content digest and the
code's version, chosen by the caller) and the SHA-256 of its payload: a stale, truncated
or flipped file is refused with a one-line reason and the caller rebuilds. The digest
detects damage, not a forger with write access to the data dir, who could as well edit
the database the index is built from.

Layout: MAGIC, header length (8 bytes, little-endian), header (JSON), payload.
Callers do the file I/O; nothing here touches the disk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from rules.registry import RegistryIndex

MAGIC = b"PATROLI-INDEX\n"
FORMAT = 1
_DTYPES = {"<i4": np.int32, "<i8": np.int64, "<f8": np.float64}
_SEPARATOR = "\x00"
_ALIGN = 8


class IndexFileError(ValueError):
    """The bytes are not a usable index for the expected key (stale, damaged or foreign)."""


class TextColumn(Sequence[str]):
    """A list of texts read back as one string and the end of each: nothing split up front.

    Reading 500,000 product names this way costs one decode; a text is cut out when asked
    for, and a full pass splits the string once.
    """

    def __init__(self, text: str, ends: np.ndarray):
        self._text, self._ends = text, ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, position):  # type: ignore[override]
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        end = int(self._ends[position])
        start = int(self._ends[position - 1]) + 1 if position % len(self) else 0
        return self._text[start:end]

    def __iter__(self) -> Iterator[str]:
        return iter(self._text.split(_SEPARATOR) if len(self) else ())


def registry_to_bytes(index: RegistryIndex, key: str, notes: Sequence[str] = ()) -> bytes:
    """The index for `key`, with notes kept beside it (e.g. the registry rows it skipped)."""
    return dump({**index.tables(), "notes": list(notes)}, key)


def registry_from_bytes(data: bytes, key: str) -> tuple[RegistryIndex, list[str]]:
    """The index and notes `registry_to_bytes` wrote for `key`; IndexFileError otherwise."""
    tables = load(data, key)
    try:
        return RegistryIndex.from_tables(tables), list(tables["notes"])  # type: ignore[call-overload]
    except (KeyError, ValueError, IndexError, TypeError) as error:
        raise IndexFileError(f"index tables do not fit together: {error!s:.120}") from None


def dump(tables: Mapping[str, object], key: str) -> bytes:
    """Tables (1-D numeric arrays or lists of str) as one byte string, for `key`."""
    parts: list[bytes] = []
    entries = []
    offset = 0
    for name, value in tables.items():
        if isinstance(value, np.ndarray):
            array = np.ascontiguousarray(value)
            if array.dtype.kind in "if":
                array = array.astype(array.dtype.newbyteorder("<"), copy=False)
            dtype = array.dtype.str
            if not _known(dtype) or array.ndim != 1:
                raise ValueError(f"table {name}: unsupported array {dtype} of {array.ndim} dims")
            blob = array.tobytes()
            entry = {"name": name, "kind": "array", "dtype": dtype, "count": int(array.size)}
        else:
            words = list(value)  # type: ignore[call-overload]
            if any(_SEPARATOR in word for word in words):
                raise ValueError(f"table {name}: a text holds a NUL character")
            text = _SEPARATOR.join(words)
            ends = np.cumsum(np.fromiter(map(len, words), np.int64, len(words)) + 1) - 1
            blob = ends.astype("<i8").tobytes() + text.encode("utf-8")
            entry = {"name": name, "kind": "words", "count": len(words)}
        pad = -offset % _ALIGN
        parts.append(b"\x00" * pad)
        offset += pad
        entries.append({**entry, "offset": offset, "size": len(blob)})
        parts.append(blob)
        offset += len(blob)
    payload = b"".join(parts)
    header = {
        "format": FORMAT,
        "key": key,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "tables": entries,
    }
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return MAGIC + len(head).to_bytes(8, "little") + head + payload


def read_key(data: bytes) -> str:
    """The key a file says it was made for (without checking the payload)."""
    return str(_header(data)[0].get("key", ""))


def load(data: bytes, key: str) -> dict[str, object]:
    """The tables `dump` wrote for `key`; IndexFileError when the bytes are not that."""
    header, start = _header(data)
    if header.get("format") != FORMAT:
        raise IndexFileError(f"index format {header.get('format')!r}, expected {FORMAT}")
    if header.get("key") != key:
        raise IndexFileError("index was built for another registry or code version")
    payload = memoryview(data)[start:]
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise IndexFileError("index payload does not match its SHA-256 (damaged file)")
    tables: dict[str, object] = {}
    for entry in header.get("tables") or ():
        name, kind, count, offset, size = _entry(entry, len(payload))
        if kind == "array":
            dtype = np.dtype(entry["dtype"]) if _known(entry.get("dtype")) else None
            if dtype is None or size != count * dtype.itemsize:
                raise IndexFileError(f"index table {name}: bad dtype or size")
            tables[name] = np.frombuffer(data, dtype, count, start + offset)
        else:
            tables[name] = _text_column(name, data, start + offset, count, size)
    return tables


def _text_column(name: str, data: bytes, at: int, count: int, size: int) -> TextColumn:
    if size < 8 * count:
        raise IndexFileError(f"index table {name}: cut short")
    ends = np.frombuffer(data, np.int64, count, at)
    try:
        text = data[at + 8 * count : at + size].decode("utf-8")
    except UnicodeDecodeError:
        raise IndexFileError(f"index table {name}: not UTF-8") from None
    # ends rise by at least one (the separator) and the last is the text's end
    if count and (int(ends[-1]) != len(text) or int(ends[0]) < 0 or np.any(np.diff(ends) < 1)):
        raise IndexFileError(f"index table {name}: text ends do not fit the text")
    if not count and text:
        raise IndexFileError(f"index table {name}: text without entries")
    return TextColumn(text, ends)


def _known(dtype: object) -> bool:
    """Integers, floats, and fixed-width byte strings (|S8): nothing that holds objects."""
    if dtype in _DTYPES:
        return True
    return (
        isinstance(dtype, str)
        and dtype.startswith("|S")
        and dtype[2:].isdigit()
        and dtype[2:] != "0"
    )


def _header(data: bytes) -> tuple[dict, int]:
    if not data.startswith(MAGIC):
        raise IndexFileError("not a Patroli index file")
    at = len(MAGIC)
    size = int.from_bytes(data[at : at + 8], "little")
    if size <= 0 or at + 8 + size > len(data):
        raise IndexFileError("index header cut short")
    try:
        header = json.loads(data[at + 8 : at + 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IndexFileError("index header unreadable") from None
    if not isinstance(header, dict):
        raise IndexFileError("index header unreadable")
    return header, at + 8 + size


def _entry(entry: object, payload_size: int) -> tuple[str, str, int, int, int]:
    if not isinstance(entry, dict):
        raise IndexFileError("index table entry unreadable")
    name, kind = entry.get("name"), entry.get("kind")
    numbers = [entry.get(k) for k in ("count", "offset", "size")]
    if not isinstance(name, str) or kind not in ("array", "words"):
        raise IndexFileError("index table entry unreadable")
    if not all(isinstance(n, int) and n >= 0 for n in numbers):
        raise IndexFileError(f"index table {name}: bad bounds")
    count, offset, size = numbers
    if offset + size > payload_size:
        raise IndexFileError(f"index table {name}: runs past the end of the file")
    return name, kind, count, offset, size
