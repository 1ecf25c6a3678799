"""Finding word phrases in a field's words: longest match first, offsets kept, payloads attached."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rules.text import LEET, Token, fold, leet_variant

T = TypeVar("T")
_WORD = re.compile(r"[0-9a-z]+")
_ALPHA_HEAD = re.compile(r"[a-z]+")


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(phrase)))


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A phrase found in a token list: token index range [first, last) and what it stands for."""

    first: int
    last: int
    payloads: tuple[T, ...]


class PhraseIndex(Generic[T]):
    """Phrases of one or more words, looked up by their first word."""

    def __init__(self, phrases: Iterable[tuple[str, T]]):
        grouped: dict[tuple[str, ...], list[T]] = {}
        for text, payload in phrases:
            words = phrase_words(text)
            if words:
                grouped.setdefault(words, []).append(payload)
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[T, ...]]]] = {}
        for words, payloads in grouped.items():
            self._by_first.setdefault(words[0], []).append((words, tuple(payloads)))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self.single_words = frozenset(w[0] for w in grouped if len(w) == 1)
        self.vocabulary = frozenset(word for words in grouped for word in words)
        # every beginning of a one-word phrase, to stop joining split words ("tra madol") early
        self.prefixes = frozenset(w[:k] for w in self.single_words for k in range(1, len(w) + 1))

    def find(self, words: Sequence[str]) -> list[Found[T]]:
        found: list[Found[T]] = []
        i, n = 0, len(words)
        by_first = self._by_first
        while i < n:
            entries = by_first.get(words[i])
            if entries:
                for phrase, payloads in entries:
                    size = len(phrase)
                    if size == 1 or tuple(words[i : i + size]) == phrase:
                        found.append(Found(i, i + size, payloads))
                        i += size - 1
                        break
            i += 1
        return found


def readable_words(tokens: list[Token], index: PhraseIndex) -> list[Token]:
    """Undo common obfuscation before a catalogue scan, keeping offsets.

    "tr4madol" reads as "tramadol", "sildenafil100mg" as "sildenafil", and "t.r.a.m.a.d.o.l"
    or "tra-madol" as one word - but only when the result is a word the catalogue knows, so
    ordinary text is never rewritten.
    """
    vocabulary, singles = index.vocabulary, index.single_words
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        text = token.text
        # a one-letter word may be part of a name ("double L", "vitamin A") and still begin
        # a split-up one ("l.o.r.a.z.e.p.a.m"): try joining it all the same
        if text not in vocabulary or len(text) == 1:
            joined = _joined(tokens, i, singles, index.prefixes)
            if joined is not None:
                out.append(joined[0])
                i = joined[1]
                continue
            readable = _deobfuscated(text, vocabulary)
            if readable is not None:
                token = Token(readable, token.start, token.end, token.clause_start)
        out.append(token)
        i += 1
    return out


def _deobfuscated(text: str, vocabulary: frozenset[str]) -> str | None:
    if text.isalpha() or text.isdigit():
        return None
    variant = leet_variant(text)
    if variant in vocabulary:
        return variant
    head = _ALPHA_HEAD.match(text)
    if head and len(head.group()) >= 4 and head.group() in vocabulary:
        return head.group()
    return None


def _joined(
    tokens: list[Token], i: int, singles: frozenset[str], prefixes: frozenset[str]
) -> tuple[Token, int] | None:
    first = tokens[i]
    text = first.text
    if len(text) > 6 or i + 1 >= len(tokens):
        return None
    if text not in prefixes and (text.isalpha() or text.translate(LEET) not in prefixes):
        return None
    end = first.end
    for j in range(i + 1, min(i + 12, len(tokens))):
        nxt = tokens[j]
        if nxt.start - end != 1 or len(nxt.text) > 8:
            return None  # pieces of one word sit one separator apart: "tra-madol", "t.r.a"
        text += nxt.text
        end = nxt.end
        readable = text.translate(LEET)
        if readable in singles:
            return Token(readable, first.start, end, first.clause_start), j + 1
        if readable not in prefixes:
            return None
    return None


def gap_has(text: str, tokens: Sequence[Token], i: int, chars: str) -> bool:
    """Whether the text between token i-1 and token i contains any of `chars`."""
    if i <= 0:
        return False
    gap = text[tokens[i - 1].end : tokens[i].start]
    return any(c in gap for c in chars)
