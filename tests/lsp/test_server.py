"""caret's own language server, end to end over stdio with the real embedded completion model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.clients import stop
from tests.models.scripted_server import Reply, Request, ScriptedServer, completion_events

WORKSPACE = Path(__file__).parent / "fixtures" / "server_ws"
SOURCE = "import os\n\n\ndef read_file(path):\n    "


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(WORKSPACE)],
    ),
)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim"),
            workspace_folders=[lsp.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow
async def test_inline_completion_comes_from_the_embedded_model(client: LanguageClient) -> None:
    uri = (WORKSPACE / "util.py").as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE)
        )
    )
    result = await client.text_document_inline_completion_async(
        lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=4, character=4),
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Automatic),
        )
    )
    assert isinstance(result, lsp.InlineCompletionList)
    assert len(result.items) == 1
    item = result.items[0]
    assert isinstance(item.insert_text, str) and item.insert_text.strip()
    assert item.range == lsp.Range(start=lsp.Position(4, 4), end=lsp.Position(4, 4))


async def test_server_advertises_inline_completion_and_incremental_sync(client: LanguageClient) -> None:
    capabilities = client.initialize_result.capabilities
    assert capabilities.inline_completion_provider
    sync = capabilities.text_document_sync
    assert sync.change == lsp.TextDocumentSyncKind.Incremental
    assert client.initialize_result.server_info.name == "caret"



async def test_utf16_positions_are_converted_at_the_boundary() -> None:
    """A VS Code-like client (UTF-16 positions) puts the cursor after an emoji: the model must see exactly the
    text before the cursor. The completion model is a scripted server, so the test can read the prompt."""
    server = ScriptedServer()
    await server.start()

    def answer(request: Request) -> Reply:
        server.add(answer)  # answer every request: the warm-up, the prefill on didOpen, the completion
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        return Reply(events=completion_events([" * 2"]))

    server.add(answer)
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(WORKSPACE),
                        "--set", "models.completion.provider=openai", "--set", "models.completion.model=scripted",
                        "--set", f"models.completion.base_url={server.url}", "--set", "lsp.enabled=false"],
    )
    client = await config.start()
    try:
        await client.initialize_session(
            lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                                 workspace_folders=[lsp.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="ws")])
        )
        uri = (WORKSPACE / "emoji.py").as_uri()
        text = 'greeting = "🎉" + name\n'
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        column = len('greeting = "🎉"'.encode("utf-16-le")) // 2  # 15 UTF-16 units, 14 code points
        result = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=column),
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
        assert result is not None, [r.path for r in server.requests]
        prompts = [r.json()["prompt"] for r in server.requests if r.method == "POST"]
        assert any(p.endswith('greeting = "🎉"') for p in prompts), prompts
        assert result.items[0].insert_text == " * 2"
        assert result.items[0].range == lsp.Range(start=lsp.Position(0, column), end=lsp.Position(0, column))
    finally:
        try:
            await stop(client)
        finally:
            await server.aclose()
