"""Prompt-lookup speculative decoding on the local model: a prompt longer than one batch (llama-cpp-python 0.3.36
sizes its logits buffer wrongly unless caret asks for logits_all), and the config that turns it on."""

from __future__ import annotations

import pytest

from engine.config import PROMPT_LOOKUP_TOKENS, prompt_lookup_tokens
from models.base import GenerationParams
from models.embedded import SMOLLM2, embedded_path
from models.local import LocalModel
from prompts import Message


@pytest.mark.slow
async def test_a_long_prompt_decodes_with_prompt_lookup() -> None:
    model = LocalModel(SMOLLM2, embedded_path(SMOLLM2), n_ctx=2048, n_batch=128, prompt_lookup=PROMPT_LOOKUP_TOKENS)
    code = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(60))  # ~900 tokens: several batches
    try:
        stream = model.stream_chat([Message("user", f"{code}\nRepeat the first function.")],
                                   GenerationParams(max_tokens=16, temperature=0.0))
        assert (await stream.text()).strip()
        assert stream.finish_reason in ("stop", "length")
    finally:
        await model.aclose()


def test_prompt_lookup_is_for_local_chat_and_edit_models_when_on() -> None:
    assert prompt_lookup_tokens("on", "edit", "local") == PROMPT_LOOKUP_TOKENS
    assert prompt_lookup_tokens("on", "completion", "local") == 0
    assert prompt_lookup_tokens("on", "edit", "openai") == 0
    assert prompt_lookup_tokens("auto", "edit", "local") == prompt_lookup_tokens("off", "chat", "local") == 0
