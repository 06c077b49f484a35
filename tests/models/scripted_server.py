"""A small OpenAI-compatible HTTP/1.1 server that answers from a script, for RemoteModel's error paths.

It speaks real HTTP/1.1 over a real socket on 127.0.0.1 (keep-alive, Content-Length bodies, chunked
server-sent events `data: {...}\\n\\n` ... `data: [DONE]`), records every request, and notices when a client
hangs up in the middle of a stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

DONE = "[DONE]"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON body of a plain reply
    headers: dict[str, str] = field(default_factory=dict)
    # SSE data payloads, sent in order; set => a streamed reply. Bytes go out as they are (even invalid UTF-8).
    events: list[str | bytes] | None = None
    event_delay_s: float = 0.0
    stall_after: int | None = None  # send this many events, then hold the connection open, silent
    hang_up: bool = False  # close the connection without answering (a reset before the first byte)


Script = Reply | Callable[[Request], Reply]


def chat_events(
    deltas: list[str], finish: str = "stop", usage: tuple[int, int] | None = None, model: str = "m"
) -> list[str]:
    """The events an OpenAI chat stream sends: a role chunk, one chunk per delta, a finish chunk, usage."""

    def chunk(delta: dict[str, Any], reason: str | None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": reason}
        return json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": model,
                           "choices": [choice]})

    events = [chunk({"role": "assistant", "content": ""}, None)]
    events += [chunk({"content": d}, None) for d in deltas]
    events.append(chunk({}, finish))
    if usage is not None:
        events.append(json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": model,
                                  "choices": [], "usage": _usage(*usage)}))
    return [*events, DONE]


def completion_events(
    deltas: list[str], finish: str = "stop", usage: tuple[int, int] | None = None, model: str = "m"
) -> list[str]:
    def chunk(text: str, reason: str | None) -> str:
        choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": reason}
        return json.dumps({"id": "t1", "object": "text_completion", "created": 1, "model": model,
                           "choices": [choice]})

    events = [chunk(d, None) for d in deltas] + [chunk("", finish)]
    if usage is not None:
        events.append(json.dumps({"id": "t1", "object": "text_completion", "created": 1, "model": model,
                                  "choices": [], "usage": _usage(*usage)}))
    return [*events, DONE]


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def error_reply(status: int, message: str, code: str | None = None, **headers: str) -> Reply:
    """An error in OpenAI's shape: {"error": {"message", "type", "code"}}."""
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return Reply(status=status, body=body, headers=dict(headers))


class ScriptedServer:
    """Answers each request with the next scripted Reply (or a function of the request), in order."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.script: list[Script] = []
        self.events_sent = 0
        self.disconnected = asyncio.Event()  # a client hung up in the middle of a streamed reply
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[Any]] = set()
        self._release = asyncio.Event()

    def add(self, *replies: Script) -> None:
        self.script.extend(replies)

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def aclose(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def _next_reply(self, request: Request) -> Reply:
        if not self.script:
            return error_reply(500, f"unscripted request {request.method} {request.path}")
        item = self.script.pop(0)
        return item(request) if callable(item) else item

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while (request := await _read_request(reader)) is not None:
                self.requests.append(request)
                reply = self._next_reply(request)
                if reply.hang_up:
                    break
                if reply.events is None:
                    await _write_json(writer, reply)
                elif not await self._write_events(reader, writer, reply):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _write_events(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reply: Reply) -> bool:
        """Stream the events; False when the client hung up (or the script stalls), so the connection ends."""
        head = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Transfer-Encoding": "chunked"}
        writer.write(_status_head(reply.status, {**head, **reply.headers}))
        # No pipelining in HTTP/1.1: while a reply streams, the only thing the client can send is EOF.
        hang_up = asyncio.ensure_future(reader.read(1))
        try:
            for index, data in enumerate(reply.events or []):
                if reply.stall_after is not None and index >= reply.stall_after:
                    await asyncio.wait([hang_up, asyncio.ensure_future(self._release.wait())],
                                       return_when=asyncio.FIRST_COMPLETED)
                    if hang_up.done():
                        self.disconnected.set()
                    return False
                if hang_up.done():
                    self.disconnected.set()
                    return False
                frame = b"data: " + (data if isinstance(data, bytes) else data.encode()) + b"\n\n"
                writer.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
                await writer.drain()
                self.events_sent += 1
                if reply.event_delay_s:
                    await asyncio.wait([hang_up], timeout=reply.event_delay_s)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return True
        except ConnectionError:
            self.disconnected.set()
            return False
        finally:
            hang_up.cancel()  # and wait, or the next readline finds this read still pending
            await asyncio.gather(hang_up, return_exceptions=True)


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    line = await reader.readline()
    if not line:
        return None
    method, path, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(method, path, headers, body)


def _status_head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _write_json(writer: asyncio.StreamWriter, reply: Reply) -> None:
    payload = json.dumps(reply.body).encode()
    head = {"Content-Type": "application/json", "Content-Length": str(len(payload)), **reply.headers}
    writer.write(_status_head(reply.status, head) + payload)
    await writer.drain()
