"""`caret lsp --tcp HOST:PORT` (for debugging): one client over TCP gets the same server as over stdio."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from lsp.server import tcp_address
from tests.lsp.test_server_features import SOURCE, answering, remote_flags
from tests.models.scripted_server import ScriptedServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_tcp_address_parses_host_and_port() -> None:
    assert tcp_address("127.0.0.1:2087") == ("127.0.0.1", 2087)
    assert tcp_address("[::1]:2087") == ("::1", 2087)
    for bad in ("2087", "localhost", "host:port", "host:0", ":2087"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            tcp_address(bad)


async def test_a_client_over_tcp_gets_completions(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    answering(scripted_server, [], ["2)"])
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "lsp", "--tcp", f"127.0.0.1:{port}", "--workspace", str(tmp_path),
        *remote_flags(scripted_server.url), stderr=asyncio.subprocess.PIPE, cwd=Path(__file__).parents[2])
    client = LanguageClient("test", "1")
    try:
        assert server.stderr is not None
        line = await asyncio.wait_for(server.stderr.readline(), 30)
        assert f"listening on 127.0.0.1:{port}" in line.decode()
        for _ in range(100):  # the line comes just before the socket is bound
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        result = await client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=tmp_path.as_uri()))
        assert result.server_info is not None and result.server_info.name == "caret"
        client.initialized(lsp.InitializedParams())
        uri = (tmp_path / "calc.py").as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE)))
        items = await client.text_document_completion_async(lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(4, 16),
            context=lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.Invoked)))
        assert isinstance(items, lsp.CompletionList) and [i.label for i in items.items] == ["2)"]
        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.wait_for(server.wait(), 15) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await client.stop()


async def test_a_malformed_address_is_one_line(tmp_path: Path) -> None:
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "lsp", "--tcp", "2087", "--workspace", str(tmp_path), "--set",
        "lsp.enabled=false", stderr=asyncio.subprocess.PIPE, cwd=Path(__file__).parents[2])
    _, err = await asyncio.wait_for(server.communicate(), 30)
    assert server.returncode == 2 and err.decode().strip().splitlines() == [
        "caret: --tcp expects HOST:PORT (e.g. 127.0.0.1:2087), got '2087'"]
