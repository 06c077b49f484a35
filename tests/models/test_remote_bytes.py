"""RemoteModel against a server that sends bytes that are not UTF-8: one line, what arrived before is kept."""

from __future__ import annotations

from tests.models.scripted_server import Reply, ScriptedServer, chat_events
from tests.models.test_remote_http import HELLO, PARAMS, assert_one_line, drain, remote


async def test_invalid_utf8_in_the_stream_is_one_line(scripted_server: ScriptedServer) -> None:
    events: list[str | bytes] = list(chat_events(["ok"]))
    events.insert(2, b'{"choices": [{"index": 0, "delta": {"content": "\xff\xfe\xc3"}}]}')
    scripted_server.add(Reply(events=events))
    model = remote(scripted_server)
    deltas, error = await drain(model.stream_chat(HELLO, PARAMS))
    assert deltas == ["ok"]
    assert assert_one_line(error).startswith(f"{scripted_server.url} sent a malformed stream (UnicodeDecodeError")
    await model.aclose()
