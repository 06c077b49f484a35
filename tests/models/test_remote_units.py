"""RemoteModel's offline knowledge: capabilities, windows and tokenizers by model name, and requests it refuses."""

from __future__ import annotations

import re

import bpe_openai
import pytest

from models.base import Capabilities, GenerationParams, ModelError
from models.remote import (
    DEFAULT_CONTEXT_WINDOW,
    OPENAI_BASE_URL,
    RemoteModel,
    context_window_from_listing,
    default_capabilities,
)
from models.tokenizers import estimate_tokens, openai_encoding_name, tokenizer_for
from prompts import Message
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

CODE = "def parse(line: str) -> dict[str, int]:\n    return {k: int(v) for k, v in pairs(line)}  # 変換\n"


@pytest.mark.parametrize(
    ("name", "chat", "raw", "fim"),
    [
        ("gpt-4o", True, False, None),
        ("openai/gpt-4.1-mini", True, False, None),
        ("o3-mini", True, False, None),
        ("gpt-5", True, False, None),
        ("gpt-3.5-turbo-instruct", False, True, None),
        ("gpt-oss-20b", True, True, None),
        ("Qwen/Qwen2.5-Coder-7B-Instruct", True, True, "qwen"),
        ("bigcode/starcoder2-3b", True, True, "starcoder"),
        ("meta-llama/Llama-3.1-8B-Instruct", True, True, None),
    ],
)
def test_default_capabilities_by_name(name: str, chat: bool, raw: bool, fim: str | None) -> None:
    assert default_capabilities(name) == Capabilities(chat=chat, raw_completion=raw, fim_format=fim)


def test_openai_names_count_exactly_with_their_own_encoding() -> None:
    for name, encoding in [("gpt-4o-mini", "o200k_base"), ("o1", "o200k_base"), ("gpt-4", "cl100k_base")]:
        model = RemoteModel(name=name, base_url=None, api_key="sk-x")
        assert (model.tokenizer_name, model.token_count_exact) == (encoding, True)
        assert model.count_tokens(CODE) == len(bpe_openai.get_encoding(encoding).encode_ordinary(CODE))
    # The choice matters: the two tables split this text differently.
    assert tokenizer_for("gpt-4o").count(CODE) != tokenizer_for("gpt-4").count(CODE)


def test_other_servers_estimate_and_say_so() -> None:
    model = RemoteModel(name="qwen2.5-coder", base_url="http://127.0.0.1:8000/v1", api_key=None)
    assert (model.tokenizer_name, model.token_count_exact) == ("estimate", False)
    assert model.count_tokens(CODE) == estimate_tokens(CODE) == -(-len(CODE) * 2 // 7)
    assert openai_encoding_name("qwen2.5-coder") is None


def test_tokenizer_override() -> None:
    forced = RemoteModel(name="my-gpt4-proxy", base_url="http://h/v1", api_key=None, tokenizer="cl100k_base")
    assert forced.token_count_exact and forced.count_tokens(CODE) == tokenizer_for("gpt-4").count(CODE)
    with pytest.raises(ModelError, match=r"unknown tokenizer 'cl200k'; choose one of .*estimate"):
        RemoteModel(name="m", base_url="http://h/v1", api_key=None, tokenizer="cl200k")


def test_context_window_precedence() -> None:
    assert RemoteModel(name="gpt-4o", base_url=None, api_key="k").context_window == 128_000
    assert RemoteModel(name="gpt-4", base_url=None, api_key="k").context_window == 8_192
    assert RemoteModel(name="llama3", base_url="http://h/v1", api_key=None).context_window == DEFAULT_CONTEXT_WINDOW
    assert RemoteModel(name="gpt-4o", base_url=None, api_key="k", context_window=32_000).context_window == 32_000


def test_context_window_from_listing() -> None:
    lm_studio = [{"id": "a", "context_length": 4096}, {"id": "b", "max_context_length": 16384}]
    assert context_window_from_listing(lm_studio, "b") == 16384
    assert context_window_from_listing(lm_studio, "c") is None  # several entries, none named: no guess
    assert context_window_from_listing([{"id": "only", "meta": {"n_ctx_train": 2048}}], "alias") == 2048
    assert context_window_from_listing([{"id": "m", "max_model_len": "big"}], "m") is None


async def test_openai_without_a_key_fails_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = RemoteModel(name="gpt-4o", base_url=None, api_key=None)
    with pytest.raises(ModelError, match=f"^no API key for {re.escape(OPENAI_BASE_URL)}: set OPENAI_API_KEY$"):
        await model.stream_chat([Message("user", "hi")], GenerationParams()).text()
    with pytest.raises(ModelError, match=r"^no API key"):
        await model.warm_up()


async def test_requests_a_model_cannot_serve_fail_without_a_request(scripted_server: ScriptedServer) -> None:
    chat_only = RemoteModel(name="gpt-4o", base_url=scripted_server.url, api_key="k")
    stream = chat_only.stream_completion("def f(", GenerationParams())
    with pytest.raises(ModelError, match="offers chat only, no raw completion"):
        await stream.text()
    assert stream.finish_reason == "error"
    completion_only = RemoteModel(name="gpt-3.5-turbo-instruct", base_url=scripted_server.url, api_key="k")
    with pytest.raises(ModelError, match="completion model without chat"):
        await completion_only.stream_chat([Message("user", "hi")], GenerationParams()).text()
    assert scripted_server.requests == []


async def test_reasoning_models_get_max_completion_tokens_and_no_temperature(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["ok"])), Reply(events=chat_events(["ok"])))
    params = GenerationParams(max_tokens=64, temperature=0.3)
    for name in ("o3-mini", "gpt-4o"):
        model = RemoteModel(name=name, base_url=scripted_server.url, api_key="k")
        assert await model.stream_chat([Message("user", "hi")], params).text() == "ok"
        await model.aclose()
    reasoning, classic = (r.json() for r in scripted_server.requests)
    assert reasoning["max_completion_tokens"] == 64 and "max_tokens" not in reasoning
    assert "temperature" not in reasoning and "top_p" not in reasoning
    assert classic["max_tokens"] == 64 and classic["temperature"] == 0.3
