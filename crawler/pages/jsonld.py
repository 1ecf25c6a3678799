"""JSON-LD as pages really write it: trailing commas, comments, several objects, and scripts
cut short by a `</script>` inside a product name. Read from the raw HTML, not the parsed tree,
because the HTML parser has already cut such a script where the browser would."""

from __future__ import annotations

import json
import re
from itertools import islice

_SCRIPT_OPEN = re.compile(
    r"<script\b[^>]*?\btype\s*=\s*[\"']?\s*application/ld\+json\b[^>]*>", re.IGNORECASE
)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
_WRAPPERS_START = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)")
_WRAPPERS_END = re.compile(r"(?://\s*)?(?:-->|\]\]>)\s*$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_BARE_KEY = re.compile(r"[A-Za-z_@$][\w@$:-]*")
MAX_SCRIPT = 2_000_000  # characters of one script read at most
MAX_CUTS = 4  # `</script>` strings inside one script's strings that we read across
MAX_DEPTH = 100


def jsonld_values(html: str) -> list[dict]:
    """The top-level objects of every `application/ld+json` script, in page order. A broken
    script gives what can be recovered from it; an unreadable one gives nothing."""
    found: list[dict] = []
    for opening in _SCRIPT_OPEN.finditer(html):
        value = read_script(html, opening.end())
        for node in value if isinstance(value, list) else [value]:
            if isinstance(node, dict):
                found.append(node)
    return found


def read_script(html: str, start: int):
    """One script's value. The browser ends a script at the first `</script>`; when that sat
    inside a JSON string, the JSON goes on after it, so read on across the next ones before
    settling for the part that is there."""
    ends = [m.start() for m in islice(_SCRIPT_CLOSE.finditer(html, start), MAX_CUTS + 1)]
    if not ends:
        ends = [min(len(html), start + MAX_SCRIPT)]
    first_value = None
    for end in ends:
        if end - start > MAX_SCRIPT:
            break
        value, complete = lenient_json(html[start:end])
        if complete:
            return value
        if first_value is None:
            first_value = value
    return first_value


def lenient_json(text: str) -> tuple[object, bool]:
    """(value, complete). Complete means the text was JSON, give or take trailing commas,
    comments and comment wrappers; otherwise the value is what could be read before the text
    broke off, every open object and string closed. Several values in a row give a list."""
    text = _WRAPPERS_END.sub("", _WRAPPERS_START.sub("", text, count=1), count=1)
    try:
        return json.loads(text, strict=False), True
    except ValueError:
        pass
    reader = _LenientReader(text)
    values = []
    while True:
        reader.skip()
        if reader.at_end():
            break
        try:
            values.append(reader.value())
        except _Broken:
            reader.repaired = True
            break
    if not values:
        return None, False
    return (values[0] if len(values) == 1 else values), not reader.repaired


class _Broken(Exception):
    """The text stops being JSON here."""


class _LenientReader:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.depth, self.repaired = text, 0, 0, False

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = len(text) if end < 0 else end + 2
            else:
                return

    def value(self):
        self.skip()
        if self.at_end():
            raise _Broken
        char = self.text[self.pos]
        if char == "{":
            return self._nested(self._object)
        if char == "[":
            return self._nested(self._array)
        if char == '"':
            return self._string()
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return json.loads(number.group())
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        raise _Broken

    def _nested(self, read):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Broken
        try:
            return read()
        finally:
            self.depth -= 1

    def _object(self) -> dict:
        self.pos += 1
        found: dict = {}
        while True:
            self.skip()
            if self.at_end():
                self.repaired = True
                return found
            char = self.text[self.pos]
            if char == "}":
                self.pos += 1
                return found
            if char == ",":
                self.pos += 1
                continue
            key = self._key()
            self.skip()
            if key is None or self.at_end() or self.text[self.pos] != ":":
                self.repaired = True
                self.pos = len(self.text)
                return found
            self.pos += 1
            try:
                found[key] = self.value()
            except _Broken:
                self.repaired = True
                self.pos = len(self.text)
                return found

    def _key(self) -> str | None:
        if self.text[self.pos] == '"':
            return self._string()
        bare = _BARE_KEY.match(self.text, self.pos)
        if bare is None:
            return None
        self.repaired = True
        self.pos = bare.end()
        return bare.group()

    def _array(self) -> list:
        self.pos += 1
        found: list = []
        while True:
            self.skip()
            if self.at_end():
                self.repaired = True
                return found
            char = self.text[self.pos]
            if char == "]":
                self.pos += 1
                return found
            if char == ",":
                self.pos += 1
                continue
            try:
                found.append(self.value())
            except _Broken:
                self.repaired = True
                self.pos = len(self.text)
                return found

    def _string(self) -> str:
        try:
            value, self.pos = json.decoder.scanstring(self.text, self.pos + 1, False)
            return value
        except ValueError:  # unterminated: the text broke off inside this string
            self.repaired = True
            rest = self.text[self.pos + 1 :]
            self.pos = len(self.text)
            try:
                return json.loads(f'"{rest.rstrip(chr(92))}"', strict=False)
            except ValueError:
                return rest
