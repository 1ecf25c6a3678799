"""Finding word phrases in a field's words: longest match first, offsets kept, payloads attached."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from rules.spelling import Spellings
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

    @cached_property
    def spellings(self) -> Spellings:
        """Stretched and one-letter-off spellings of one-word phrases (built on first use)."""
        return Spellings(self.single_words)

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


def readable_words(tokens: list[Token], index: PhraseIndex, text: str = "") -> list[Token]:
    """Undo common obfuscation before a catalogue scan, keeping offsets.

    "tr4madol" reads as "tramadol", "sildenafil100mg" as "sildenafil", "t.r.a.m.a.d.o.l"
    or "tra-madol" as one word, "merkur!" (in `text`, the field the tokens come from) as
    "merkuri", and "tramadooool", "hydroquinon" or "merkurinya" as the catalogue word they
    spell - but only when the result is a word the catalogue knows, so ordinary text is
    never rewritten.
    """
    vocabulary, singles = index.vocabulary, index.single_words
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        word = token.text
        # a one-letter word may be part of a name ("double L", "vitamin A") and still begin
        # a split-up one ("l.o.r.a.z.e.p.a.m"): try joining it all the same
        if word not in vocabulary or len(word) == 1:
            joined = _joined(tokens, i, singles, index.prefixes)
            if joined is not None:
                out.append(joined[0])
                i = joined[1]
                continue
            token = _readable(token, text, index)
        out.append(token)
        i += 1
    return out


_LETTER_SIGNS = {"!": "i", "|": "l"}  # "merkur!", "a|prazolam" (ends of words: see fold())


def _readable(token: Token, text: str, index: PhraseIndex) -> Token:
    word = token.text
    sign = _LETTER_SIGNS.get(text[token.end : token.end + 1]) if text else None
    if sign is not None and word.isalpha():
        for candidate in (word + sign, index.spellings.correct(word + sign)):
            if candidate in index.vocabulary:
                return Token(candidate, token.start, token.end + 1, token.clause_start)
    readable = _deobfuscated(word, index.vocabulary) or index.spellings.correct(word)
    if readable is None:
        return token
    return Token(readable, token.start, token.end, token.clause_start)


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
