"""A stand-in token counter for prompts' tests: about four characters per token, rounded up.

prompts/ takes any `str -> int`; these tests pick budgets by hand, so they count with a simple, cheap rule
rather than a model's tokenizer (tests that need exact counts use models.tokenizers.bpe_counter).
"""

from __future__ import annotations


def four_chars_per_token(text: str) -> int:
    """ceil(characters / 4); monotone in the text's length, 0 for no text."""
    return (len(text) + 3) // 4
