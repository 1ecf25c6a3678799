"""The words a regular expression can start with, read from its parse tree.

Claim patterns are tried only where one of their possible first words stands in the text,
which turns thirty scans of every description into a dictionary lookup per word.
"""

from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def first_words(pattern: str) -> frozenset[str] | None:
    """All words a match can begin with, or None when a match could begin otherwise."""
    found = _first(list(sre_parse.parse(pattern)), "")
    return frozenset(found) if found and "" not in found else None


def _first(items: list, prefix: str) -> set[str] | None:
    for i, (op, arg) in enumerate(items):
        rest = items[i + 1 :]
        if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
            if prefix and op is sre.AT:
                return {prefix}  # a word boundary ends the word
            continue
        if op is sre.LITERAL:
            char = chr(arg)
            if char in _WORD_CHARS:
                prefix += char
                continue
            return {prefix} if prefix else None
        if op is sre.SUBPATTERN:
            return _first(list(arg[-1]) + rest, prefix)
        if op is sre.BRANCH:
            return _union(_first(list(alt) + rest, prefix) for alt in arg[1])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _, body = arg
            once = _first(list(body) + rest, prefix)
            return _union([once, _first(rest, prefix)]) if low == 0 else once
        if op is sre.IN and prefix and not _class_has_word_chars(arg):
            return {prefix}  # spaces or punctuation end the word
        return None
    return {prefix} if prefix else None


def _union(parts) -> set[str] | None:
    out: set[str] = set()
    for part in parts:
        if part is None:
            return None
        out |= part
    return out


def _class_has_word_chars(items: list) -> bool:
    for op, arg in items:
        if op is sre.LITERAL and chr(arg) not in _WORD_CHARS:
            continue
        return True
    return False
