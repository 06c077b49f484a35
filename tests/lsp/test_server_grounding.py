"""`caret lsp` over stdio with scripted OpenAI-compatible servers (the words matter): the editor's selection reaches
the chat prompt (caret.chat with a range, the Explain code action), and a completion model changed through
workspace/didChangeConfiguration is loaded and prefilled again, with progress, before the next suggestion."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from tests.lsp.clients import stop
from tests.lsp.test_server_features import PROFILES, SOURCE, answering, commands_of, open_doc, start
from tests.models.scripted_server import ScriptedServer

SELECTED = "def add(a, b):\n    return a + b"
TYPED = "total = add(1,"
LINES_0_TO_2 = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "calc.py").write_text(SOURCE)
    return tmp_path


@pytest.fixture
async def other_server() -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer()
    await server.start()
    yield server
    await server.aclose()


def chat_prompts(server: ScriptedServer) -> list[str]:
    """The user messages of every chat request the server received, in order."""
    return [m["content"] for r in server.requests if r.method == "POST" and r.path.endswith("/chat/completions")
            for m in r.json()["messages"] if m["role"] == "user"]


def selection_in(prompt: str, label: str) -> bool:
    """Whether `prompt` shows the selection as its own block: the label, then the selected lines."""
    return label in prompt and SELECTED in prompt[prompt.index(label):]


async def test_chat_command_grounds_the_answer_in_the_selection(
    scripted_server: ScriptedServer, ws: Path, profile: str
) -> None:
    answering(scripted_server, ["It adds."], [])
    client = await start(ws, scripted_server, profile=profile)
    try:
        uri = open_doc(client, ws / "calc.py", SOURCE)
        result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
            command="caret.chat", arguments=[{"message": "what does this do?", "uri": uri, "range": LINES_0_TO_2}]))
        assert result == {"answer": "It adds."}
        [prompt] = chat_prompts(scripted_server)
        assert selection_in(prompt, "selected: calc.py:1-2"), prompt
        assert prompt.rstrip().endswith("what does this do?")
        # Without a range the same question has no selection block.
        await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
            command="caret.chat", arguments=[{"message": "and now?", "uri": uri}]))
        assert "selected: " not in chat_prompts(scripted_server)[-1]
        bad = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
            command="caret.chat", arguments=[{"message": "x", "uri": uri, "range": {"start": 1}}]))
        assert isinstance(bad, dict) and "expected a range" in bad["error"]
    finally:
        await stop(client)


async def test_explain_code_action_sends_the_selection(scripted_server: ScriptedServer, ws: Path, profile: str
                                                        ) -> None:
    answering(scripted_server, ["Adds two numbers."], [])
    client = await start(ws, scripted_server, profile=profile)
    try:
        uri = open_doc(client, ws / "calc.py", SOURCE)
        actions = await client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(2, 0)),
            context=lsp.CodeActionContext(diagnostics=[])))
        [(_, command, arguments)] = [a for a in commands_of(actions) if a[0] == "Explain with caret"]
        result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command=command,
                                                                                       arguments=arguments))
        assert isinstance(result, dict) and result["answer"] == "Adds two numbers."
        [prompt] = chat_prompts(scripted_server)
        assert selection_in(prompt, "selected: calc.py:1-2"), prompt
    finally:
        await stop(client)


def completion_posts(server: ScriptedServer) -> list[dict[str, Any]]:
    return [r.json() for r in server.requests if r.method == "POST" and r.path.endswith("/completions")
            and not r.path.endswith("/chat/completions")]


async def until(condition: Any, what: str, timeout_s: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_a_changed_completion_model_is_warmed_up_and_answers_next(
    scripted_server: ScriptedServer, other_server: ScriptedServer, ws: Path, profile: str
) -> None:
    # The cursor follows no space and no partial word: nothing there for token healing to back up over.
    answering(scripted_server, [], [" 2)"])
    answering(other_server, [], [" 3)"])
    client = await start(ws, scripted_server, inline=True, profile=profile)

    def model_progress() -> list[list[str]]:
        return [[getattr(r, "kind", "") for r in reports] for token, reports in client.progress_reports.items()
                if str(token).startswith("caret/model:completion")]

    async def suggest() -> str:
        result = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, len(TYPED)),
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
        assert isinstance(result, lsp.InlineCompletionList)
        return "".join(str(item.insert_text) for item in result.items)

    try:
        uri = open_doc(client, ws / "total.py", TYPED + "\n")
        assert await suggest() == " 2)"
        await until(lambda: model_progress() and model_progress()[0][-1] == "end", "the first model's progress")
        assert not other_server.requests
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
            settings={"caret": {"models": {"completion": {"base_url": other_server.url}}}}))
        # Before any suggestion is asked for: the new model is checked (GET /models) and prefilled (one token).
        await until(lambda: any(p.get("max_tokens") == 1 for p in completion_posts(other_server)),
                    "the new model's prefill")
        assert other_server.requests[0].method == "GET"
        await until(lambda: len(model_progress()) == 2 and model_progress()[1][-1] == "end",
                    "the new model's progress")
        assert model_progress()[1][0] == "begin"
        asked_before = len(completion_posts(scripted_server))
        assert await suggest() == " 3)"
        assert len(completion_posts(scripted_server)) == asked_before  # the old model is asked nothing more
        # A setting that leaves the completion model as it is loads nothing.
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
            settings={"completion": {"debounce_ms": 40}}))
        await asyncio.sleep(0.5)
        assert len(model_progress()) == 2
    finally:
        await stop(client)
