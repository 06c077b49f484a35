"""Token counters as `render` takes them: any function `str -> int`, and a cache around one.

prompts/ never tokenizes: the engine passes the model's own counter (models/ owns tokenizers and the estimate).
"""

from __future__ import annotations

from collections.abc import Callable

TokenCounter = Callable[[str], int]


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
