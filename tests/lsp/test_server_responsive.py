"""Every request is answered at once, also while the embedded model loads and prefills a just-opened file: a
model load used to point stdout at /dev/null (llama-cpp-python), and the answer written meanwhile was lost."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.clients import stop


@pytest.mark.slow
async def test_code_action_right_after_opening_a_big_file_is_answered_within_a_second(tmp_path: Path) -> None:
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(667))  # 2,001 lines
    (tmp_path / "big.py").write_text(text)
    config = ClientServerConfig(server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(tmp_path),
                                                "--set", "lsp.enabled=false"])
    client = await config.start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("neovim"),
            workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")]))
        uri = (tmp_path / "big.py").as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        selection = lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(1, 0))
        for _ in range(3):  # the model loads and prefills meanwhile: each is answered, each at once
            started = time.perf_counter()
            actions = await asyncio.wait_for(client.text_document_code_action_async(lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), range=selection,
                context=lsp.CodeActionContext(diagnostics=[]))), 10)
            # The bug this guards: answers lost for 25-40 s while the model loaded. 5 s leaves room for a busy
            # machine; the speed itself is a benchmark's business (bench/lsp_server.py).
            assert time.perf_counter() - started < 5.0
            assert actions
            with pytest.raises(Exception, match="Method Not Found"):  # unhandled: answered at once too
                await asyncio.wait_for(client.protocol.send_request_async("textDocument/hover", lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 0))), 5.0)
            await asyncio.sleep(0.3)
    finally:
        await stop(client)
