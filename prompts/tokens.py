"""Token counters for `render`: exact cl100k/o200k counts (bpe-openai) and a cheap estimate for tests.

Special-token text such as "<|endoftext|>" is counted as ordinary text, like Priompt's cl100k counter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

TokenCounter = Callable[[str], int]

ENCODINGS = ("cl100k_base", "o200k_base")
_MAX_CHUNK_CHARS = 500_000  # bpe-openai refuses texts of 1M characters or more: count longer ones in chunks


def estimate_tokens(text: str) -> int:
    """About four characters per token; monotone in the text's length. For tests and rough budgets."""
    return (len(text) + 3) // 4


@cache
def bpe_counter(encoding: str = "cl100k_base") -> TokenCounter:
    """Exact counter for an OpenAI encoding ("cl100k_base", "o200k_base"); built once per encoding."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")
    import bpe_openai  # imported here: loading the tables costs time that estimate-only users skip

    enc = bpe_openai.get_encoding(encoding)
    backend = getattr(enc, "_backend", None)
    # The Rust backend's count() skips building a token list; fall back to the public API if it moves.
    fast_count = getattr(backend, "count", None)

    def count_chunk(chunk: str) -> int:
        if fast_count is not None:
            try:
                return int(fast_count(chunk))
            except UnicodeEncodeError:
                pass  # lone surrogates: the public API sanitises them
        return len(enc.encode(chunk, disallowed_special=()))

    def count(text: str) -> int:
        if len(text) < _MAX_CHUNK_CHARS:
            if fast_count is not None:
                try:
                    return fast_count(text)  # the common case, kept to one Python call
                except UnicodeEncodeError:
                    pass
            return count_chunk(text) if text else 0
        total, start = 0, 0
        while start < len(text):
            # Cut after a newline so the chunks tokenize as the whole text would (almost always).
            end = min(len(text), start + _MAX_CHUNK_CHARS)
            if end < len(text):
                cut = text.rfind("\n", start, end)
                end = cut + 1 if cut > start else end
            total += count_chunk(text[start:end])
            start = end
        return total

    return count


class CachedCounter:
    """Wraps a counter with a bounded cache by content, for callers that render similar trees often
    (ghost text at every keystroke re-renders the same rules and context)."""

    def __init__(self, count_tokens: TokenCounter, max_entries: int = 4096) -> None:
        self._count = count_tokens
        self._cache: dict[str, int] = {}
        self._max = max_entries

    def __call__(self, text: str) -> int:
        n = self._cache.get(text)
        if n is None:
            n = self._count(text)
            if len(self._cache) >= self._max:
                self._cache.pop(next(iter(self._cache)))  # drop the oldest entry
            self._cache[text] = n
        return n
