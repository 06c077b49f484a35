"""bpe-openai counters: exact counts, special-token text, long texts, unknown encodings; the estimate at zero."""

from __future__ import annotations

import bpe_openai
import pytest

from models.tokenizers import bpe_counter, estimate_tokens


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
