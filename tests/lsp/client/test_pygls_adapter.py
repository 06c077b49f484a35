"""What lsp.client.pygls_adapter relies on in pygls: if an upgrade changes it, these fail and say what to fix."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from lsp.client.pygls_adapter import PROTOCOL_LOGGER, JsonRpcEndpoint, private_internals_missing


class Pipe:
    """A writer that keeps the JSON bodies pygls writes."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass

    def messages(self) -> list[dict[str, Any]]:
        bodies = self.data.split(b"\r\n\r\n")[1:]
        return [json.loads(body.split(b"Content-Length")[0]) for body in bodies]


def endpoint_with_pipe() -> tuple[JsonRpcEndpoint, Pipe]:
    endpoint, pipe = JsonRpcEndpoint(), Pipe()
    endpoint.protocol.set_writer(pipe)
    return endpoint, pipe


def receive(endpoint: JsonRpcEndpoint, message: dict[str, Any]) -> None:
    """What pygls' read loop does with one message body."""
    protocol = endpoint.protocol
    protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))


def test_private_internals_are_still_there() -> None:
    missing = private_internals_missing()
    assert not missing, "pygls changed; update lsp/client/pygls_adapter.py: " + "; ".join(missing)


def test_results_stay_plain_json() -> None:
    endpoint, pipe = endpoint_with_pipe()
    future = endpoint.send_request("initialize", {"processId": 1}, msg_id=1)
    assert pipe.messages()[0] == {"id": 1, "method": "initialize", "params": {"processId": 1}, "jsonrpc": "2.0"}
    # python-lsp-server's kind of answer: lsprotocol's InitializeResult could not structure this.
    result = {"capabilities": {"notebookDocumentSync": {"notebookSelector": [{"cells": [{"language": "python"}]}]}}}
    receive(endpoint, {"jsonrpc": "2.0", "id": 1, "result": result})
    assert future.result(timeout=1) == result, "pygls no longer leaves results as plain JSON with our converter"


def test_forgotten_request_ignores_its_late_answer_quietly(caplog: pytest.LogCaptureFixture) -> None:
    endpoint, _ = endpoint_with_pipe()
    future = endpoint.send_request("textDocument/hover", {}, msg_id=7)
    endpoint.forget_request(7)
    with caplog.at_level(logging.DEBUG, logger=PROTOCOL_LOGGER):
        receive(endpoint, {"jsonrpc": "2.0", "id": 7, "result": {"contents": "late"}})
    assert not future.done(), "forget_request() no longer drops pygls' future for the request"
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not warnings, f"pygls warns about late answers in new words; update LATE_ANSWER_WARNING: {warnings}"


def test_requests_from_the_server_reach_handlers_as_plain_json() -> None:
    endpoint, pipe = endpoint_with_pipe()
    seen: list[Any] = []

    def answer(params: Any) -> list[None]:
        seen.append(params)
        return [None] * len(params["items"])

    endpoint.on("workspace/configuration", answer)
    receive(endpoint, {"jsonrpc": "2.0", "id": "s1", "method": "workspace/configuration",
                       "params": {"items": [{"section": "python"}]}})  # fmt: skip
    assert seen == [{"items": [{"section": "python"}]}]
    assert pipe.messages()[-1] == {"id": "s1", "jsonrpc": "2.0", "result": [None]}
