"""No secret ever reaches a model: secrets are planted in a workspace, every model role points at a scripted
OpenAI-compatible server that records every request, and the three front-ends are driven as a user drives them
(the CLI as subprocesses, `caret lsp` over stdio, the TUI through Pilot). Then every request is scanned.

Normal files must get requests (so the scan can fail); a planted value may appear nowhere but in the chat role's
Authorization header (the configured key, sent to the server it is meant for).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from editor.app import CaretApp
from editor.chat_panel import ChatPanel
from editor.code_view import CodeView
from engine.session import Session
from tests.cli.arun import Ran, acaret, clean_env
from tests.editor.pilot import wait_for
from tests.lsp.clients import stop
from tests.models.scripted_server import Reply, Request, ScriptedServer, chat_events, completion_events

CONFIG_KEY = "sk-config-planted-7f3a9c"
FILES = {
    ".env": "API_KEY=sk-planted-env-5d1e8b\nDB_PASSWORD=hunter2-planted-env\n",
    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1planted-rsa\n-----END OPENSSH PRIVATE KEY-----\n",
    "credentials.json": '{"client_secret": "planted-credentials-secret", "refresh_token": "planted-refresh"}\n',
    "local_settings.py": 'SECRET_KEY = "planted-ignored-django-key"\n',  # listed in .gitignore
    ".caret/config.toml": f'[models.chat]\napi_key = "{CONFIG_KEY}"\n',
    ".gitignore": "local_settings.py\n",
    "greet.py": "from local_settings import SECRET_KEY\n\n\ndef greet(name):\n    \n",
}
PLANTED = ("sk-planted-env-5d1e8b", "hunter2-planted-env", "planted-rsa",
           "planted-credentials-secret", "planted-refresh", "planted-ignored-django-key", CONFIG_KEY)
ROLES = ("completion", "chat", "edit")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".caret").mkdir(parents=True)
    for rel, text in FILES.items():
        (ws / rel).write_text(text)
    return ws


@pytest.fixture
async def model_server(scripted_server: ScriptedServer) -> ScriptedServer:
    """The scripted server, answering every request of every role for as long as the test runs."""

    def answer(request: Request) -> Reply:
        scripted_server.add(answer)
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        if request.path.endswith("/chat/completions"):
            return Reply(events=chat_events(["Nothing to see."]))
        return Reply(events=completion_events(["return 'hi ' + name"]))

    scripted_server.add(answer)
    return scripted_server


def flags(server: ScriptedServer) -> dict[str, str]:
    out = {"lsp.enabled": "false", "completion.debounce_ms": "10"}
    for role in ROLES:
        out |= {f"models.{role}.provider": "openai", f"models.{role}.model": "scripted",
                f"models.{role}.base_url": server.url, f"models.{role}.context_window": "4096"}
    return out


def set_flags(server: ScriptedServer) -> list[str]:
    return [arg for key, value in flags(server).items() for arg in ("--set", f"{key}={value}")]


def posts(server: ScriptedServer, endpoint: str = "") -> list[Request]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith(endpoint)]


def assert_nothing_planted(server: ScriptedServer) -> None:
    """No planted value in any request's path, body or headers, but the chat key in its Authorization header."""
    assert server.requests
    for request in server.requests:
        seen = request.path + request.body.decode("utf-8", "replace")
        seen += "".join(f"{k}: {v}\n" for k, v in request.headers.items() if k != "authorization")
        leaked = [value for value in PLANTED if value in seen]
        assert not leaked, f"{leaked} sent in {request.method} {request.path}: {seen[:2000]}"
        auth = request.headers.get("authorization", "")
        assert not [value for value in PLANTED if value in auth and value != CONFIG_KEY], auth


def assert_says_nothing_planted(*runs: Ran) -> None:
    for ran in runs:
        assert not [value for value in PLANTED if value in ran.stdout + ran.stderr], ran


async def test_the_cli_sends_no_secret(workspace: Path, model_server: ScriptedServer, tmp_path: Path) -> None:
    home, cli = tmp_path / "home", set_flags(model_server)

    async def caret(*args: str) -> Ran:
        return await acaret(*args, *cli, cwd=workspace, home=home)

    refused = []
    for location, why in ((".env:1:5", "secret"), ("id_rsa:2:3", "secret"), ("credentials.json:1:3", "secret"),
                          ("local_settings.py:1:5", "ignored"), (".caret/config.toml:2:3", "secret")):
        ran = await caret("complete", location)
        assert ran.returncode == 0 and ran.stdout.strip() == "", ran
        assert f"no suggestions in {why} files" in ran.stderr, ran
        refused.append(ran)
    assert posts(model_server) == []  # not one completion asked for
    edit = await caret("edit", ".env", "rotate the API key")
    assert edit.returncode == 2 and edit.stderr.strip().count("\n") == 0, edit
    assert ".env is a secret file" in edit.stderr and "edit it by hand" in edit.stderr
    assert posts(model_server) == []

    normal = await caret("complete", "greet.py:5:5")
    assert normal.returncode == 0 and normal.stdout.strip() == "return 'hi ' + name", normal
    assert len(posts(model_server, "/completions")) == 1  # a normal file does get its request
    chats = [await caret("chat", "what is in the env"),
             await caret("chat", "--file", ".env:1", "what is in this file?"),
             await caret("chat", "--file", "local_settings.py:1", "what is SECRET_KEY?"),
             await caret("chat", "which api_key does the models chat config hold? what credentials token?")]
    assert all(ran.returncode == 0 and "Nothing to see." in ran.stdout for ran in chats), chats
    assert ".env is a secret file: left out of the prompt" in chats[1].stderr
    assert "local_settings.py is an ignored file: left out of the prompt" in chats[2].stderr
    assert len(posts(model_server, "/chat/completions")) == 4
    shown = await caret("config", "--json")
    assert shown.returncode == 0 and "models.chat.api_key" in shown.stdout
    assert_says_nothing_planted(*refused, edit, normal, *chats, shown)
    assert_nothing_planted(model_server)
    chat_auth = {r.headers.get("authorization") for r in posts(model_server, "/chat/completions")}
    assert chat_auth == {f"Bearer {CONFIG_KEY}"}  # the configured key went where it belongs, and only there


async def test_caret_lsp_sends_no_secret(workspace: Path, model_server: ScriptedServer, tmp_path: Path) -> None:
    env = {**os.environ, **clean_env(tmp_path / "home")}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(workspace), *set_flags(model_server)],
        server_env=env,
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)

    async def complete(rel: str, text: str, line: int, column: int) -> lsp.InlineCompletionList | None:
        uri = (workspace / rel).as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))
        return await client.text_document_inline_completion_async(lsp.InlineCompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=line, character=column),
            context=lsp.InlineCompletionContext(trigger_kind=lsp.InlineCompletionTriggerKind.Invoked)))

    try:
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("neovim"),
            workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
        for rel in (".env", "id_rsa", "credentials.json", "local_settings.py"):
            result = await complete(rel, FILES[rel], 0, 5)
            assert result is not None and not result.items, rel
        await asyncio.sleep(0.5)  # a prefill on didOpen would have been sent by now
        assert posts(model_server) == []
        result = await complete("greet.py", FILES["greet.py"], 4, 4)
        assert result is not None and [i.insert_text for i in result.items] == ["return 'hi ' + name"]
        assert posts(model_server, "/completions")
    finally:
        await stop(client)
    assert_nothing_planted(model_server)


async def test_the_tui_sends_no_secret(workspace: Path, model_server: ScriptedServer) -> None:
    session = Session.open(workspace, env={}, flags=flags(model_server))
    app = CaretApp(session, open_path=workspace / ".env")
    async with app.run_test(size=(140, 40)) as pilot:
        code = app.query_one(CodeView)
        panel = app.query_one(ChatPanel)

        async def chat(question: str, answers: int) -> None:
            await pilot.press("ctrl+l")
            await pilot.press(*question, "enter")
            assert await wait_for(lambda: len(app._history) == 2 * answers, pilot, 30), panel.transcript.text
            await pilot.press("ctrl+l")  # closed again: the code view has the focus

        assert await wait_for(lambda: code.text == FILES[".env"], pilot, 10)
        code.move_cursor((2, 0))
        await pilot.press(*"TOKEN=x")
        await pilot.pause(0.5)  # debounce, prefill, ghost text: any request would be out by now
        assert posts(model_server) == []
        assert "no suggestions in secret files" in str(app.query_one("#status").render())
        await chat("what is in this file?", 1)
        assert "left out of the prompt" in panel.transcript.text
        await pilot.press("ctrl+s")
        assert await wait_for(lambda: not app.dirty, pilot, 10)

        app.open_file(workspace / "greet.py")
        assert await wait_for(lambda: app.code.text == FILES["greet.py"], pilot, 10)  # in a tab of its own
        app.code.move_cursor((4, 4))
        await pilot.press(*"ret")
        assert await wait_for(lambda: bool(posts(model_server, "/completions")), pilot, 10)  # normal: asked
        await chat("what does greet return?", 2)
    assert_nothing_planted(model_server)
