"""A server may echo the API key in its error body: no ModelError RemoteModel produces ever carries it."""

from __future__ import annotations

import traceback

import pytest

from models.base import GenerationParams, ModelError
from models.remote import RemoteModel, redact
from prompts import Message
from tests.models.scripted_server import ScriptedServer, error_reply

KEY = "sk-proj-Planted0123456789abcdef"
ODD_KEY = "planted-key-without-a-prefix-42"  # a self-hosted server's key: not shaped like sk-...
HELLO = [Message("user", "Say hello.")]
PARAMS = GenerationParams(max_tokens=8)


def remote(server: ScriptedServer, key: str) -> RemoteModel:
    return RemoteModel(name="m", base_url=server.url, api_key=key, max_retries=0)


async def failure(model: RemoteModel) -> ModelError:
    with pytest.raises(ModelError) as caught:
        await model.stream_chat(HELLO, PARAMS).text()
    return caught.value


@pytest.mark.parametrize("key", [KEY, ODD_KEY])
async def test_a_key_echoed_in_a_400_body_is_redacted(scripted_server: ScriptedServer, key: str) -> None:
    scripted_server.add(error_reply(400, f"Invalid request: the key {key} has no access to model m"))
    model = remote(scripted_server, key)
    try:
        message = str(await failure(model))
    finally:
        await model.aclose()
    assert scripted_server.requests[0].headers["authorization"] == f"Bearer {key}"  # it was sent, to the server
    assert key not in message
    assert "HTTP 400" in message and "***" in message  # the rest of the server's words still help the user


async def test_a_key_echoed_in_a_401_body_is_in_no_message_or_traceback(scripted_server: ScriptedServer) -> None:
    scripted_server.add(error_reply(401, f"Incorrect API key provided: {KEY}. Find yours at platform.openai.com"))
    scripted_server.add(error_reply(401, f"Incorrect API key provided: {KEY}."))
    model = remote(scripted_server, KEY)
    try:
        streamed = await failure(model)
        with pytest.raises(ModelError) as warm:
            await model.warm_up()
    finally:
        await model.aclose()
    assert "HTTP 401" in str(streamed) and KEY not in str(streamed)
    # A log line with the traceback (log.exception) must not quote the client's error under it either.
    shown = "".join(traceback.format_exception(warm.value))
    assert "HTTP 401" in shown and KEY not in shown


def test_redact_removes_the_key_key_shaped_words_and_url_passwords() -> None:
    text = f"key {ODD_KEY} rejected; also sk-abcdefghij and http://user:hunter2@host:8000/v1"
    clean = redact(text, ODD_KEY)
    assert ODD_KEY not in clean and "sk-abcdefghij" not in clean and "hunter2" not in clean
    assert "http://user:***@host:8000/v1" in clean
    assert redact("nothing secret here: sk-1", None) == "nothing secret here: sk-1"  # too short to be a key
