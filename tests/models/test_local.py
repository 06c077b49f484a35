"""The embedded GGUF models through llama-cpp-python: real generation, real cancellation."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from common.priority import BACKGROUND_NICE
from models.base import GenerationParams, ModelError
from models.embedded import GEMMA3, SMOLLM2, gemma3_path, smollm2_path
from models.local import LocalModel, detect_fim_format, eval_prompt, prompt_tokens
from models.registry import ModelRegistry, ModelSpec
from prompts import FIM_FORMATS, Message

PROMPT = "# util.py\nimport os\n\n\ndef read_file(path):\n    "


@pytest.mark.slow
async def test_gemma_completes_a_prefix() -> None:
    model = LocalModel(GEMMA3, gemma3_path)
    try:
        assert not model.capabilities.chat
        assert model.capabilities.fim_format is None
        stream = model.stream_completion(PROMPT, GenerationParams(max_tokens=8, temperature=0))
        text = await stream.text()
        assert text.strip()
        assert stream.finish_reason in ("length", "stop")
        assert 0 < stream.usage.completion_tokens <= 8
        assert stream.usage.prompt_tokens == model.count_tokens(PROMPT)
    finally:
        await model.aclose()


@pytest.mark.slow
async def test_smollm2_chats() -> None:
    model = LocalModel(SMOLLM2, smollm2_path)
    try:
        assert model.capabilities.chat
        stream = model.stream_chat([Message("user", "Say hello.")], GenerationParams(max_tokens=6, seed=1))
        deltas = [delta async for delta in stream]
        assert "".join(deltas).strip()
        assert stream.usage.completion_tokens == len(deltas)
    finally:
        await model.aclose()


@pytest.mark.slow
async def test_cancel_stops_decoding_within_a_token() -> None:
    model = LocalModel(SMOLLM2, smollm2_path)
    try:
        stream = model.stream_completion("Once upon a time", GenerationParams(max_tokens=400, temperature=0.8))
        seen = 0
        async for _ in stream:
            seen += 1
            if seen == 3:
                stream.cancel()
        assert stream.finish_reason == "cancelled"
        # The worker checks the flag after every token: at most one more was decoded after cancel().
        assert stream.usage.completion_tokens <= 4
        # The model is free at once for the next request.
        follow = model.stream_completion("def f():", GenerationParams(max_tokens=3, temperature=0))
        assert await asyncio.wait_for(follow.text(), timeout=60)
    finally:
        await model.aclose()


@pytest.mark.slow
async def test_a_request_cancelled_while_queued_never_decodes() -> None:
    model = LocalModel(SMOLLM2, smollm2_path)
    try:
        first = model.stream_completion("Once upon a time", GenerationParams(max_tokens=30))
        second = model.stream_completion("Once upon a time", GenerationParams(max_tokens=30))
        second.cancel()
        await first.text()
        assert await second.text() == ""
        assert second.finish_reason == "cancelled"
    finally:
        await model.aclose()


async def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    model = LocalModel("nope", tmp_path / "missing.gguf")
    with pytest.raises(ModelError, match="model file not found"):
        model.count_tokens("x")
    stream = model.stream_completion("x", GenerationParams(max_tokens=1))
    with pytest.raises(ModelError, match="model file not found"):
        await stream.text()
    await model.aclose()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are Linux's")
async def test_the_model_runs_at_a_lower_priority_than_the_thread_a_user_waits_on(tmp_path: Path) -> None:
    model = LocalModel("nope", tmp_path / "missing.gguf")
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    worker = await asyncio.wrap_future(model._submit(lambda: os.getpriority(os.PRIO_PROCESS, 0)))
    assert worker == min(19, ours + BACKGROUND_NICE) and os.getpriority(os.PRIO_PROCESS, 0) == ours
    await model.aclose()


async def test_garbage_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + b"\x00" * 64)
    model = LocalModel("broken", path)
    with pytest.raises(ModelError) as info:
        await model.stream_completion("x", GenerationParams(max_tokens=1)).text()
    assert "\n" not in str(info.value)
    await model.aclose()


def test_registry_shares_one_instance_per_spec() -> None:
    registry = ModelRegistry()
    spec = ModelSpec(provider="local", model=SMOLLM2)
    assert registry.get(spec) is registry.get(ModelSpec(provider="local", model=SMOLLM2))
    with pytest.raises(ModelError, match="neither an embedded model"):
        registry.get(ModelSpec(provider="local", model="some-model")).count_tokens("x")


def test_fim_detection_by_vocabulary() -> None:
    vocab = {"<|fim_prefix|>", "<fim_prefix>", "[SUFFIX]"}

    def count(token: str) -> int:
        return 1 if token in vocab else 5

    assert detect_fim_format(count, "qwen2") == "qwen"
    assert detect_fim_format(count, "gemma") == "codegemma"
    vocab.discard("<|fim_prefix|>")
    assert detect_fim_format(count, "starcoder2") == "starcoder"
    vocab.clear()
    assert detect_fim_format(count, "llama") is None


@pytest.mark.parametrize(
    ("token", "architecture", "expected"),
    [
        ("<|fim_prefix|>", "qwen2", "qwen"),
        ("<|fim_prefix|>", "gemma", "codegemma"),
        ("<fim_prefix>", "starcoder2", "starcoder"),
        ("<｜fim▁begin｜>", "deepseek2", "deepseek"),
        ("[SUFFIX]", "llama", "codestral"),
        ("▁<PRE>", "llama", "codellama"),
        ("<PRE>", "llama", "codellama"),
    ],
)
def test_each_detected_format_is_one_prompts_lays_out(token: str, architecture: str, expected: str) -> None:
    # The format crosses from models/ to prompts/ as a plain name: both sides must spell it the same.
    assert detect_fim_format(lambda t: 1 if t == token else 3, architecture) == expected
    assert expected in FIM_FORMATS


@pytest.mark.slow
async def test_a_prompt_sharing_a_prefix_evaluates_only_its_tail() -> None:
    model = LocalModel(GEMMA3, gemma3_path)
    body = PROMPT + "".join(f"x{i} = {i}\n    " for i in range(40))
    try:
        await model.stream_completion(body, GenerationParams(max_tokens=2, temperature=0)).text()
        cold = model.prompt_eval.evaluated
        await model.stream_completion(body + "ret", GenerationParams(max_tokens=2, temperature=0)).text()
        assert model.prompt_eval.evaluated <= 3 < cold
        assert model.prompt_eval.reused >= cold - 3
    finally:
        await model.aclose()


@pytest.mark.slow
async def test_prompt_evaluation_stops_between_chunks_when_cancelled() -> None:
    model = LocalModel(GEMMA3, gemma3_path)
    try:
        await model.warm_up()
        llm = model._load()
        tokens = prompt_tokens(llm, PROMPT * 30)
        looks: list[int] = []
        evaluated, reused, stopped = eval_prompt(llm, tokens, lambda: looks.append(1) or len(looks) > 1, chunk=32)
        assert stopped and evaluated == 32 and reused == 0 and llm.n_tokens == 32
    finally:
        await model.aclose()
