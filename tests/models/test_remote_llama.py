"""RemoteModel against llama-cpp-python's own OpenAI-compatible server running the embedded SmolLM2."""

from __future__ import annotations

import pytest

from models.base import GenerationParams, ModelError
from models.remote import RemoteModel
from prompts import Message
from tests.models.conftest import LLAMA_SERVER_CONTEXT, LlamaServer

pytestmark = pytest.mark.slow

GREEDY = GenerationParams(max_tokens=8, temperature=0.0, seed=1)


def served(server: LlamaServer) -> RemoteModel:
    # No key: a local server gets the dummy one. The window is configured, as llama-cpp-python does not state it.
    return RemoteModel(name=server.model, base_url=server.url, api_key=None, context_window=LLAMA_SERVER_CONTEXT)


async def test_streamed_chat(llama_server: LlamaServer) -> None:
    model = served(llama_server)
    await model.warm_up()
    stream = model.stream_chat([Message("user", "Say hello to Ada.")], GREEDY)
    deltas = [delta async for delta in stream]
    assert deltas and all(isinstance(d, str) and d for d in deltas)
    assert stream.finish_reason in ("stop", "length") and stream.error is None
    # llama-cpp-python ignores stream_options, so the counts are caret's own (estimated) ones.
    assert stream.usage.prompt_tokens == model.count_tokens("Say hello to Ada.")
    assert stream.usage.completion_tokens == model.count_tokens("".join(deltas)) > 0
    await model.aclose()


async def test_streamed_completion_is_deterministic_when_greedy(llama_server: LlamaServer) -> None:
    model = served(llama_server)
    prompt = "def add(a, b):\n    return"
    first = model.stream_completion(prompt, GREEDY)
    text = await first.text()
    assert text.strip() and first.finish_reason in ("stop", "length")
    assert await model.stream_completion(prompt, GREEDY).text() == text
    await model.aclose()


async def test_cancel_then_the_server_still_answers(llama_server: LlamaServer) -> None:
    model = served(llama_server)
    long = GenerationParams(max_tokens=64, temperature=0.0)
    stream = model.stream_chat([Message("user", "Count from one to two hundred in words.")], long)
    seen = []
    async for delta in stream:
        seen.append(delta)
        stream.cancel()
    assert len(seen) == 1 and stream.finish_reason == "cancelled" and stream.error is None
    after = model.stream_completion("The capital of France is", GREEDY)
    assert (await after.text()).strip()
    await model.aclose()


async def test_prompt_beyond_the_server_window_is_one_line(llama_server: LlamaServer) -> None:
    model = served(llama_server)
    too_long = "word " * (LLAMA_SERVER_CONTEXT * 2)
    with pytest.raises(ModelError) as caught:
        await model.stream_completion(too_long, GREEDY).text()
    # The server answers 200 and closes the stream empty; its log holds the reason.
    assert str(caught.value).startswith(f"{llama_server.url} ended the stream without a single event")
    await model.aclose()
