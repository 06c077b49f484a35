"""`caret lsp` beyond inline completion, over stdio with a scripted OpenAI-compatible server (the words matter):
completion fallback, code actions through workspace/applyEdit, caret.chat with progress, configuration from the
editor, secrets, cancellation."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.clients import stop
from tests.models.scripted_server import Reply, Request, ScriptedServer, chat_events, completion_events

SOURCE = "def add(a, b):\n    return a + b\n\n\nresult = add(1, \n"


def remote_flags(url: str) -> list[str]:
    flags = ["--set", "lsp.enabled=false"]
    for role in ("completion", "chat", "edit"):
        flags += ["--set", f"models.{role}.provider=openai", "--set", f"models.{role}.model=scripted",
                  "--set", f"models.{role}.base_url={url}", "--set", f"models.{role}.context_window=4096"]
    return flags


def answering(server: ScriptedServer, chat: list[str], completion: list[str], delay_s: float = 0.0) -> None:
    """Answer every request: model lists, chat (edits, chat, explain) and completions (ghost text)."""

    def answer(request: Request) -> Reply:
        server.add(answer)
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        if request.path.endswith("/chat/completions"):
            return Reply(events=chat_events(chat))
        return Reply(events=completion_events(completion), event_delay_s=delay_s)

    server.add(answer)


# pytest-lsp's recorded client capability profiles: every test that starts a server runs once per profile.
PROFILES = ("neovim", "visual-studio-code")


def capabilities(inline: bool, profile: str = "neovim") -> lsp.ClientCapabilities:
    caps = client_capabilities(profile)
    inline_caps = lsp.InlineCompletionClientCapabilities() if inline else None
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, inline_completion=inline_caps))


@pytest.fixture
async def ws(tmp_path: Path) -> Path:
    (tmp_path / "calc.py").write_text(SOURCE)
    (tmp_path / ".env").write_text("API_TOKEN=s3cret\n")
    return tmp_path


async def start(ws: Path, server: ScriptedServer, inline: bool = False, options: Any = None,
                profile: str = "neovim") -> LanguageClient:
    config = ClientServerConfig(server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(ws),
                                               *remote_flags(server.url)])
    client = await config.start()
    assert isinstance(client, LanguageClient)
    client.applied: list[lsp.ApplyWorkspaceEditParams] = []  # type: ignore[attr-defined,misc]

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        client.applied.append(params)  # type: ignore[attr-defined]
        return lsp.ApplyWorkspaceEditResult(applied=True)

    client.initialize_result = await client.initialize_session(lsp.InitializeParams(
        capabilities=capabilities(inline, profile), initialization_options=options,
        workspace_folders=[lsp.WorkspaceFolder(uri=ws.as_uri(), name="ws")]))
    return client


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def session_for(ws: Path, scripted_server: ScriptedServer, profile: str) -> AsyncIterator[Callable[..., Any]]:
    clients: list[LanguageClient] = []

    async def make(**kwargs: Any) -> LanguageClient:
        clients.append(await start(ws, scripted_server, profile=profile, **kwargs))
        return clients[-1]

    yield make
    for client in clients:
        await stop(client)


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "python") -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


async def complete(client: LanguageClient, uri: str, line: int, character: int) -> lsp.CompletionList | None:
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, character),
        context=lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.Invoked)))
    assert result is None or isinstance(result, lsp.CompletionList)
    return result


def commands_of(actions: Any) -> list[tuple[str, str, list[Any]]]:
    """(title, command, arguments) of each code action. lsprotocol's client-side hook reads any CodeAction that
    carries a command as a Command, its `command` field then holding the whole command object's repr."""
    out = []
    for action in actions or []:
        command = action.command if isinstance(action, lsp.CodeAction) else action
        if isinstance(command, lsp.Command) and command.command.startswith("{"):
            raw = ast.literal_eval(command.command)
            out.append((command.title, raw["command"], raw.get("arguments") or []))
        else:
            out.append((command.title, command.command, command.arguments or []))
    return out


async def test_capabilities_name_every_feature(session_for: Callable[..., Any], scripted_server: ScriptedServer,
                                               ) -> None:
    answering(scripted_server, ["x"], ["x"])
    client = await session_for()
    caps = client.initialize_result.capabilities
    assert caps.inline_completion_provider and caps.completion_provider and caps.code_action_provider
    assert {"caret.chat", "caret.edit", "caret.apply", "caret.indexStatus"} <= set(
        caps.execute_command_provider.commands)


async def test_completion_fallback_offers_the_suggestion_as_one_item(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, [], ["2)"])
    client = await session_for(inline=False)
    uri = open_doc(client, ws / "calc.py", SOURCE)
    result = await complete(client, uri, 4, len("result = add(1, "))
    assert result is not None and result.is_incomplete
    [item] = result.items
    assert item.detail == "caret" and item.text_edit is not None
    assert item.text_edit.new_text == "2)" and item.label == "2)"
    here = lsp.Position(4, len("result = add(1, "))
    assert item.text_edit.range == lsp.Range(start=here, end=here)


async def test_completion_fallback_is_off_for_inline_clients_and_configurable(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, [], ["2)"])
    client = await session_for(inline=True)
    uri = open_doc(client, ws / "calc.py", SOURCE)
    assert await complete(client, uri, 4, 16) is None
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"lsp": {"completion_fallback": "on"}}))
    result = await complete(client, uri, 4, 16)
    assert result is not None and [i.text_edit.new_text for i in result.items if i.text_edit] == ["2)"]
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"completion": {"debounce_ms": "soon"}}))
    deadline = asyncio.get_running_loop().time() + 10
    while not client.messages:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    [message] = client.messages
    assert message.type == lsp.MessageType.Error and "completion.debounce_ms" in message.message


async def test_initialization_options_configure_the_server(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, [], ["2)"])
    client = await session_for(inline=False, options={"caret": {"lsp.completion_fallback": "off"}})
    uri = open_doc(client, ws / "calc.py", SOURCE)
    assert await complete(client, uri, 4, 16) is None


async def test_edit_code_action_arrives_through_apply_edit(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, ["```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"], [])
    client = await session_for()
    uri = open_doc(client, ws / "calc.py", SOURCE)
    selection = lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(2, 0))
    problem = lsp.Diagnostic(range=selection, message="missing type hints")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=selection,
        context=lsp.CodeActionContext(diagnostics=[problem])))
    found = commands_of(actions)
    titles = [title for title, _, _ in found]
    assert titles == ["Edit with caret…", "Fix with caret: missing type hints", "Explain with caret"]
    _, command, arguments = found[1]
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command=command,
                                                                                   arguments=arguments))
    assert result["applied"] is True, result
    [params] = client.applied  # type: ignore[attr-defined]
    [change] = params.edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit)
    assert change.text_document.uri == uri and change.text_document.version == 1
    [edit] = change.edits
    assert edit.range == lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(1, 0))
    assert edit.new_text == "def add(a: int, b: int) -> int:\n"
    assert (ws / "calc.py").read_text() == SOURCE  # the editor applies it; nothing written here


async def test_apply_command_turns_a_reply_into_edits(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, [], [])
    client = await session_for()
    reply = "calc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return b + a\n>>>>>>> REPLACE\n"
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="caret.apply", arguments=[{"reply": reply}]))
    assert result["applied"] is True and result["files"] == ["calc.py"]
    [params] = client.applied  # type: ignore[attr-defined]
    [change] = params.edit.document_changes
    assert change.text_document.version is None  # not open in the editor
    assert change.edits[0].new_text == "    return b + a\n"


async def test_chat_command_answers_and_streams_progress(
    session_for: Callable[..., Any], scripted_server: ScriptedServer
) -> None:
    answering(scripted_server, ["It adds ", "two numbers."], [])
    client = await session_for()
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="caret.chat", arguments=[{"message": "what does add do?"}]))
    assert result == {"answer": "It adds two numbers."}
    [(_, reports)] = [(t, v) for t, v in client.progress_reports.items() if str(t).startswith("caret/chat")]
    kinds = [getattr(r, "kind", "") for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    index = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="caret.indexStatus"))
    assert set(index) >= {"ready"}


async def test_a_secret_file_gets_nothing(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, ["leak"], ["leak"])
    client = await session_for(inline=False)
    uri = open_doc(client, ws / ".env", "API_TOKEN=s3cret\n", "dotenv")
    result = await complete(client, uri, 0, 10)
    assert result is not None and not result.items
    inline = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 10),
        context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
    assert inline is not None and not inline.items
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(0, 0),
                                                                           end=lsp.Position(1, 0)),
        context=lsp.CodeActionContext(diagnostics=[])))
    assert not actions
    edit = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="caret.edit", arguments=[
        {"uri": uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
         "instruction": "rotate"}]))
    assert "secret" in edit["error"]
    posts = [r.json() for r in scripted_server.requests if r.method == "POST"]
    assert not any("s3cret" in str(body) for body in posts)


async def test_cancel_request_stops_decoding(
    session_for: Callable[..., Any], scripted_server: ScriptedServer, ws: Path
) -> None:
    answering(scripted_server, [], [f" x{i}" for i in range(200)], delay_s=0.05)
    client = await session_for(inline=True)
    uri = open_doc(client, ws / "calc.py", SOURCE)
    params = lsp.InlineCompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(4, 16),
        context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked))
    posts = len([r for r in scripted_server.requests if r.method == "POST"])
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(lsp.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="slow-1"))
    deadline = asyncio.get_running_loop().time() + 15
    while len([r for r in scripted_server.requests if r.method == "POST"]) <= posts:  # decoding has begun
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    scripted_server.disconnected.clear()
    client.protocol.notify("$/cancelRequest", lsp.CancelParams(id="slow-1"))
    await asyncio.wait_for(scripted_server.disconnected.wait(), 5)  # the stream was dropped mid-reply
    sent = scripted_server.events_sent
    await asyncio.sleep(0.5)
    assert scripted_server.events_sent <= sent + 1  # nothing more is decoded
    with pytest.raises(Exception, match="cancel"):  # the request answers "cancelled"
        await asyncio.wait_for(pending, 5)


async def test_executing_an_inline_items_command_counts_it_accepted(
    scripted_server: ScriptedServer, ws: Path, profile: str
) -> None:
    answering(scripted_server, [], ["2)"])
    client = await start(ws, scripted_server, inline=True, profile=profile)
    try:
        uri = open_doc(client, ws / "calc.py", SOURCE)
        result = await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(4, 16),
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))
        assert isinstance(result, lsp.InlineCompletionList)
        [item] = result.items
        assert item.insert_text == "2)" and item.command is not None
        assert item.command.command in client.initialize_result.capabilities.execute_command_provider.commands
        answer = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
            command=item.command.command, arguments=item.command.arguments))
        assert answer == {"accepted": 2}
    finally:
        await stop(client)  # the session flushes its stats on shutdown
    events = [json.loads(line) for line in (ws / ".caret" / "stats" / "ghost.jsonl").read_text().splitlines()]
    assert [(e["event"], e["language"], e["chars"]) for e in events if e["event"] == "accepted"] == [
        ("accepted", "python", 2)]
