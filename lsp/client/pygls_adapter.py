"""Everything caret uses of pygls, in one place: JSON-RPC framing, request ids and futures, handlers.

Public pygls API does the work: `JsonRPCClient` (handler registration, the protocol), `JsonRPCProtocol`
(`set_writer`, `send_request`, `notify`), `pygls.io_.run_async` (the read loop) and lsprotocol's converter.
The process is spawned by caret (pygls' `start_io` pipes stderr without reading it, which blocks a chatty
server) and its exit is watched by caret, so none of the client's private start/stop machinery is used.

Messages stay plain JSON: pygls 2.1's typed client cannot structure some servers' answers
(python-lsp-server's initialize result hangs it), so results are parsed leniently by lsp.client.results.

Private pygls internals still used (tests/lsp/client/test_pygls_adapter.py fails if an upgrade changes them):
- `JsonRPCProtocol._request_futures` / `_result_types`: nothing public drops a request we stopped waiting
  for; without it, every request a hung server never answers stays in pygls' bookkeeping for good.
- the warning "Received response to unknown message id" of logger "pygls.protocol.json_rpc": a late
  answer to such a request is expected, so that warning is filtered.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from lsprotocol import converters
from pygls.client import JsonRPCClient
from pygls.exceptions import JsonRpcException
from pygls.io_ import run_async
from pygls.protocol import JsonRPCNotification, JsonRPCProtocol, JsonRPCRequestMessage, JsonRPCResponseMessage

if TYPE_CHECKING:
    from cattrs import Converter

__all__ = ["JsonRpcEndpoint", "JsonRpcException", "private_internals_missing"]

PROTOCOL_LOGGER = "pygls.protocol.json_rpc"
LATE_ANSWER_WARNING = "Received response to unknown message id"


class _LateAnswerFilter(logging.Filter):
    """Answers to requests we stopped waiting for are expected; pygls would warn about each one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(LATE_ANSWER_WARNING)


logging.getLogger(PROTOCOL_LOGGER).addFilter(_LateAnswerFilter())


def plain_json_converter() -> Converter:
    """lsprotocol's converter, except that pygls' generic messages keep params and results as plain JSON."""
    converter = converters.get_converter()
    for cls in (JsonRPCRequestMessage, JsonRPCResponseMessage, JsonRPCNotification):
        converter.register_structure_hook(cls, lambda obj, cls: cls(**obj))
    return converter


class JsonRpcEndpoint:
    """One JSON-RPC connection over a process's pipes: requests, notifications, and handlers for its messages."""

    def __init__(self) -> None:
        self._client = JsonRPCClient(protocol_cls=JsonRPCProtocol, converter_factory=plain_json_converter)
        self._stop = threading.Event()

    @property
    def protocol(self) -> JsonRPCProtocol:
        return self._client.protocol

    def on(self, method: str, handler: Callable[[Any], Any]) -> None:
        """Answer a request (or take a notification) the server sends; `handler` gets the params as JSON."""

        # pygls sets attributes on what it registers, so each registration gets its own function.
        def registered(params: Any) -> Any:
            return handler(params)

        self._client.feature(method)(registered)

    def attach(self, writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> asyncio.Task[None]:
        """Write to `writer`; the returned task reads and dispatches messages from `reader` until stop()."""
        self.protocol.set_writer(writer)
        return asyncio.create_task(
            run_async(
                stop_event=self._stop,
                reader=reader,
                protocol=self.protocol,
                error_handler=self._client.report_server_error,
            )
        )

    def send_request(self, method: str, params: Any, msg_id: int) -> Future[Any]:
        return self.protocol.send_request(method, params, msg_id=msg_id)

    def notify(self, method: str, params: Any) -> None:
        self.protocol.notify(method, params)

    def forget_request(self, msg_id: int) -> None:
        """Drop a request we stopped waiting for, so its late answer (if any) is ignored (private API)."""
        for name in ("_request_futures", "_result_types"):
            pending = getattr(self.protocol, name, None)
            if isinstance(pending, dict):
                pending.pop(msg_id, None)

    def stop(self) -> None:
        """End the read loop at its next message (the caller cancels the task for a reader that is stuck)."""
        self._stop.set()


def private_internals_missing() -> list[str]:
    """What of pygls' private internals used above is gone or changed: empty while this pygls fits."""
    problems = []
    protocol = JsonRpcEndpoint().protocol
    for name in ("_request_futures", "_result_types"):
        if not isinstance(getattr(protocol, name, None), dict):
            problems.append(f"JsonRPCProtocol.{name} is no longer a dict: forget_request() cannot drop requests")
    return problems
