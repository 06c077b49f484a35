"""`caret lsp` reports engine events to its client: work-done progress while the model loads and the workspace
indexes, and each problem once as window/showMessage (not once per request)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.clients import stop


async def _until(predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _kinds(reports: Sequence[object]) -> list[str]:
    return [getattr(value, "kind", "?") for value in reports]


async def test_progress_and_problems_reach_the_client(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("def double(x):\n    return 2 * x\n")
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(tmp_path),
                        "--set", "models.completion.provider=openai", "--set", "models.completion.model=m",
                        # nothing listens on the discard port: the model cannot load
                        "--set", "models.completion.base_url=http://127.0.0.1:9/v1", "--set", "lsp.enabled=false"],
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(
            lsp.InitializeParams(capabilities=client_capabilities("neovim"),
                                 workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")])
        )
        reports = client.progress_reports

        def ended(prefix: str) -> bool:
            return any(str(t).startswith(prefix) and _kinds(v)[-1:] == ["end"] for t, v in reports.items())

        await _until(lambda: ended("caret/model:completion") and ended("caret/index"))
        index = next(v for t, v in reports.items() if str(t).startswith("caret/index"))
        assert _kinds(index)[0] == "begin" and "1 files" in (getattr(index[-1], "message", "") or "")
        model = next(v for t, v in reports.items() if str(t).startswith("caret/model:completion"))
        assert _kinds(model) == ["begin", "end"]

        uri = (tmp_path / "util.py").as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text="x = \n")))
        for _ in range(3):
            result = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=4),
                context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
            assert result is None
        await _until(lambda: bool(client.messages))
        texts = [m.message for m in client.messages]
        assert any("127.0.0.1:9" in text for text in texts), texts
        assert len(texts) == len(set(texts)) < 3, texts  # each problem once, however many requests failed
    finally:
        await stop(client)
