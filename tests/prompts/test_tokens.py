"""The counter cache render's callers wrap a model's counter in."""

from __future__ import annotations

from prompts import CachedCounter


def test_cached_counter_counts_each_text_once_and_stays_bounded() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return len(text)

    cached = CachedCounter(counting, max_entries=2)
    assert [cached(t) for t in ("aa", "aa", "bbb", "c", "aa")] == [2, 2, 3, 1, 2]
    assert calls == ["aa", "bbb", "c", "aa"]
