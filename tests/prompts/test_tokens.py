"""Token counters: bpe-openai exact counts, long texts, the estimate, the cache."""

from __future__ import annotations

import bpe_openai
import pytest

from prompts import CachedCounter, bpe_counter, estimate_tokens


@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
def test_bpe_counter_matches_the_encoder(encoding: str) -> None:
    text = "def render(tree, budget):\n    return tree  # naïve ✓\n"
    assert bpe_counter(encoding)(text) == len(bpe_openai.get_encoding(encoding).encode_ordinary(text))


def test_special_token_text_counts_as_plain_text() -> None:
    enc = bpe_openai.get_encoding("cl100k_base")
    text = "a <|endoftext|> b"
    assert bpe_counter()(text) == len(enc.encode(text, disallowed_special=()))


def test_long_text_is_counted_in_chunks_without_error() -> None:
    line = "x = compute(value, other) + 1\n"
    count = bpe_counter()
    assert count(line * 40_000) == count(line) * 40_000


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoding"):
        bpe_counter("p50k_edit")


def test_empty_text_costs_nothing() -> None:
    assert (bpe_counter()(""), estimate_tokens("")) == (0, 0)


def test_estimate_is_about_four_chars_per_token() -> None:
    assert [estimate_tokens("x" * n) for n in (1, 4, 5, 400)] == [1, 1, 2, 100]


def test_cached_counter_counts_each_text_once_and_stays_bounded() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return len(text)

    cached = CachedCounter(counting, max_entries=2)
    assert [cached(t) for t in ("aa", "aa", "bbb", "c", "aa")] == [2, 2, 3, 1, 2]
    assert calls == ["aa", "bbb", "c", "aa"]
