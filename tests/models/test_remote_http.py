"""RemoteModel against a scripted OpenAI-compatible server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from models.base import GenerationParams, Model, ModelError, ModelStream
from models.remote import DUMMY_API_KEY, RemoteModel
from models.tokenizers import estimate_tokens
from prompts import Message
from tests.models.scripted_server import (
    Reply,
    Request,
    ScriptedServer,
    chat_events,
    completion_events,
    error_reply,
)

HELLO = [Message("system", "Be brief."), Message("user", "Say hello.")]
PARAMS = GenerationParams(max_tokens=16, temperature=0.0, stop=("\n\n",), seed=7)


def remote(server: ScriptedServer, name: str = "test-model", **kw: object) -> RemoteModel:
    return RemoteModel(name=name, base_url=server.url, api_key="sk-test", **kw)  # type: ignore[arg-type]


async def drain(stream: ModelStream) -> tuple[list[str], ModelError | None]:
    deltas: list[str] = []
    try:
        async for delta in stream:
            deltas.append(delta)
    except ModelError as exc:
        return deltas, exc
    return deltas, None


def assert_one_line(error: ModelError | None) -> str:
    assert error is not None
    message = str(error)
    assert message and "\n" not in message and len(message) < 300
    return message


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused, and no one else can take it meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


async def test_streamed_chat_collects_deltas_finish_reason_and_usage(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["Hel", "lo", ", world"], finish="length", usage=(21, 3))))
    model = remote(scripted_server)
    assert isinstance(model, Model)
    stream = model.stream_chat(HELLO, PARAMS)
    deltas, error = await drain(stream)
    assert error is None
    assert deltas == ["Hel", "lo", ", world"]
    assert stream.finish_reason == "length"
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (21, 3)

    [request] = scripted_server.requests
    body = request.json()
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == "Bearer sk-test"
    assert body["model"] == "test-model" and body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": m.role, "content": m.content} for m in HELLO]
    assert (body["max_tokens"], body["temperature"], body["stop"], body["seed"]) == (16, 0.0, ["\n\n"], 7)
    await model.aclose()


async def test_streamed_completion_without_usage_counts_tokens_itself(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=completion_events(["    return ", "a + b", "\n"])))
    model = remote(scripted_server)
    prompt = "def add(a, b):\n"
    stream = model.stream_completion(prompt, PARAMS)
    assert await stream.text() == "    return a + b\n"
    assert stream.finish_reason == "stop"
    assert not model.token_count_exact
    assert stream.usage.prompt_tokens == estimate_tokens(prompt)
    assert stream.usage.completion_tokens == estimate_tokens("    return a + b\n")
    [request] = scripted_server.requests
    assert request.path == "/v1/completions" and request.json()["prompt"] == prompt
    await model.aclose()


async def test_rejected_key_is_one_line_and_not_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(401, "Incorrect API key provided: sk-test.", code="invalid_api_key"))
    model = remote(scripted_server)
    stream = model.stream_chat(HELLO, PARAMS)
    _, error = await drain(stream)
    message = assert_one_line(error)
    assert message == f"{scripted_server.url} rejected the API key (HTTP 401): set OPENAI_API_KEY"
    assert stream.finish_reason == "error" and stream.error is error
    assert len(scripted_server.requests) == 1


async def test_server_error_then_success_is_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(500, "upstream overloaded"), Reply(events=chat_events(["ok"])))
    model = remote(scripted_server)
    assert await model.stream_chat(HELLO, PARAMS).text() == "ok"
    assert len(scripted_server.requests) == 2
    await model.aclose()


async def test_rate_limit_with_retry_after_then_success(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        error_reply(429, "Rate limit reached", code="rate_limit_exceeded", **{"Retry-After": "0.2"}),
        Reply(events=completion_events(["x = 1"])),
    )
    model = remote(scripted_server)
    assert await model.stream_completion("# set x\n", PARAMS).text() == "x = 1"
    assert len(scripted_server.requests) == 2
    await model.aclose()


async def test_connection_reset_before_the_first_byte_is_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(hang_up=True), Reply(events=chat_events(["again"])))
    model = remote(scripted_server)
    assert await model.stream_chat(HELLO, PARAMS).text() == "again"
    assert len(scripted_server.requests) == 2
    await model.aclose()


async def test_server_errors_until_retries_run_out(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(503, "down"), error_reply(503, "still down"))
    model = remote(scripted_server, max_retries=1)
    _, error = await drain(model.stream_chat(HELLO, PARAMS))
    message = assert_one_line(error)
    assert message == f"{scripted_server.url} failed with a server error (HTTP 503) after retries: still down"
    assert len(scripted_server.requests) == 2
    await model.aclose()


async def test_unknown_model(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(404, "The model `nope` does not exist.", code="model_not_found"))
    model = remote(scripted_server, name="nope")
    _, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert assert_one_line(error) == f"model 'nope' not found on {scripted_server.url}: check CARET_MODEL / config"
    assert len(scripted_server.requests) == 1


async def test_wrong_base_url_path_is_not_called_an_unknown_model(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(status=404, body={"detail": "Not Found"}))
    model = remote(scripted_server)
    _, error = await drain(model.stream_completion("x", PARAMS))
    message = assert_one_line(error)
    assert "no such endpoint (HTTP 404)" in message and "/v1" in message


async def test_other_client_errors_show_the_server_message(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(400, "This model's maximum context length is 8192 tokens."))
    model = remote(scripted_server)
    _, error = await drain(model.stream_chat(HELLO, PARAMS))
    message = assert_one_line(error)
    assert message.startswith(f"{scripted_server.url} refused the request (HTTP 400): ")
    assert message.endswith("maximum context length is 8192 tokens.")


async def test_connection_refused(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    model = RemoteModel(name="m", base_url=url, api_key=None, max_retries=0)
    _, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert assert_one_line(error) == f"cannot reach {url}: connection refused"
    with pytest.raises(ModelError, match=r"^cannot reach .*: connection refused$"):
        await model.warm_up()
    await model.aclose()


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A listener whose accept queue is full and never drained: the kernel drops further SYNs, connect hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for sock in (*fillers, listener):
        sock.close()


async def test_connect_timeout(unanswered_port: int) -> None:
    url = f"http://127.0.0.1:{unanswered_port}/v1"
    model = RemoteModel(name="m", base_url=url, api_key=None, connect_timeout_s=0.5, timeout_s=2, max_retries=0)
    _, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert assert_one_line(error) == f"cannot reach {url}: no answer in 0.5 s (connect timeout)"
    await model.aclose()


async def test_garbage_event_data_is_a_malformed_stream(scripted_server: ScriptedServer) -> None:
    events = chat_events(["fine"])
    scripted_server.add(Reply(events=[events[0], events[1], "<html>502 Bad Gateway</html>", *events[2:]]))
    model = remote(scripted_server)
    deltas, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert deltas == ["fine"]
    assert assert_one_line(error).startswith(f"{scripted_server.url} sent a malformed stream (JSONDecodeError")
    await model.aclose()


async def test_an_empty_stream_is_an_error(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=[]))
    model = remote(scripted_server)
    deltas, error = await drain(model.stream_completion("x", PARAMS))
    assert deltas == []
    assert assert_one_line(error).startswith(f"{scripted_server.url} ended the stream without a single event")
    await model.aclose()


async def test_error_event_inside_the_stream(scripted_server: ScriptedServer) -> None:
    events = chat_events(["par"])
    error_event = '{"error": {"message": "worker crashed", "type": "server_error"}}'
    scripted_server.add(Reply(events=[*events[:2], error_event, *events[2:]]))
    model = remote(scripted_server)
    deltas, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert deltas == ["par"]
    assert assert_one_line(error) == f"{scripted_server.url} reported an error mid-stream: worker crashed"
    await model.aclose()


async def test_stall_after_the_first_chunk_ends_with_a_read_timeout(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["first", "never"]), stall_after=2))
    model = remote(scripted_server, timeout_s=1.0)
    deltas, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert deltas == ["first"]
    assert assert_one_line(error) == f"{scripted_server.url} stalled mid-stream: nothing for 1 s (read timeout)"
    await model.aclose()


async def test_cancel_mid_stream_closes_the_connection(scripted_server: ScriptedServer) -> None:
    many = chat_events([f"t{i} " for i in range(500)])
    scripted_server.add(Reply(events=many, event_delay_s=0.01))
    model = remote(scripted_server)
    stream = model.stream_chat(HELLO, PARAMS)
    seen: list[str] = []
    async for delta in stream:
        seen.append(delta)
        if len(seen) == 3:
            stream.cancel()
    assert seen == ["t0 ", "t1 ", "t2 "]
    assert stream.finish_reason == "cancelled" and stream.error is None
    await asyncio.wait_for(scripted_server.disconnected.wait(), timeout=10)
    assert scripted_server.events_sent < len(many)
    await model.aclose()


async def test_cancel_before_the_request_starts(scripted_server: ScriptedServer) -> None:
    model = remote(scripted_server)
    stream = model.stream_chat(HELLO, PARAMS)
    stream.cancel()
    deltas, error = await drain(stream)
    assert (deltas, error, stream.finish_reason) == ([], None, "cancelled")
    assert scripted_server.requests == []
    await model.aclose()


async def test_aclose_ends_live_streams(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["a", "b"]), stall_after=2))
    model = remote(scripted_server)
    stream = model.stream_chat(HELLO, PARAMS)
    first = await anext(aiter(stream))
    await model.aclose()
    rest, error = await drain(stream)
    assert (first, rest, error, stream.finish_reason) == ("a", [], None, "cancelled")


async def test_server_rejecting_stream_options_gets_requests_without_them(scripted_server: ScriptedServer) -> None:
    def strict(request: Request) -> Reply:
        if "stream_options" in request.json():
            return error_reply(400, "Unrecognized request argument supplied: stream_options")
        return Reply(events=chat_events(["plain"]))

    scripted_server.add(strict, strict, strict)
    model = remote(scripted_server, name="gpt-4o")
    for _ in range(2):
        stream = model.stream_chat(HELLO, PARAMS)
        assert await stream.text() == "plain"
        assert stream.usage.completion_tokens == model.count_tokens("plain")
    assert ["stream_options" in r.json() for r in scripted_server.requests] == [True, False, False]
    await model.aclose()


async def test_missing_key_on_a_local_server_sends_a_dummy_key(
    scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    scripted_server.add(Reply(events=chat_events(["hi"])))
    model = RemoteModel(name="m", base_url=scripted_server.url, api_key=None)
    assert await model.stream_chat(HELLO, PARAMS).text() == "hi"
    assert scripted_server.requests[0].headers["authorization"] == f"Bearer {DUMMY_API_KEY}"
    await model.aclose()


async def test_warm_up_reads_the_window_a_server_states(scripted_server: ScriptedServer) -> None:
    vllm_listing = {"object": "list", "data": [
        {"id": "other", "object": "model", "max_model_len": 2048},
        {"id": "qwen", "object": "model", "owned_by": "vllm", "max_model_len": 32768},
    ]}
    llama_listing = {"object": "list", "data": [{"id": "x.gguf", "object": "model", "meta": {"n_ctx_train": 4096}}]}
    scripted_server.add(Reply(body=vllm_listing), Reply(body=llama_listing), Reply(body=vllm_listing))
    vllm = remote(scripted_server, name="qwen")
    assert vllm.context_window == 8192
    await vllm.warm_up()
    await vllm.warm_up()  # idempotent: one GET
    assert vllm.context_window == 32768
    llama = remote(scripted_server, name="whatever")
    await llama.warm_up()
    assert llama.context_window == 4096
    configured = remote(scripted_server, name="qwen", context_window=1000)
    await configured.warm_up()
    assert configured.context_window == 1000
    assert [(r.method, r.path) for r in scripted_server.requests] == [("GET", "/v1/models")] * 3
    for model in (vllm, llama, configured):
        await model.aclose()


async def test_warm_up_failure_is_one_line(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(401, "bad key"))
    model = remote(scripted_server)
    with pytest.raises(ModelError) as caught:
        await model.warm_up()
    assert assert_one_line(caught.value).endswith("rejected the API key (HTTP 401): set OPENAI_API_KEY")
    await model.aclose()
