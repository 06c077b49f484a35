"""Secret and ignored files never reach a model unless the user @-mentions them: one rule (engine/privacy.py) asked
by ghost text, prefill, chat, edit and retrieval. The model is a scripted server that records every request."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.workspace import Workspace
from engine.chat import ChatRequest, prepare_chat
from engine.edit import EditError, EditRequest, propose_edit
from engine.gather import gather_for_chat
from engine.ghost import GhostTextRequest
from engine.privacy import may_send_definition, withheld
from engine.project import ProjectContext
from engine.session import Session
from tests.models.scripted_server import Reply, Request, ScriptedServer, chat_events, completion_events

PLANTED = {
    ".env": "API_KEY=sk-planted-env-0123456789\n",
    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-rsa-material\n-----END OPENSSH PRIVATE KEY-----\n",
    "credentials.json": '{"token": "planted-credential-token"}\n',
    "local_settings.py": 'DB_PASSWORD = "planted-ignored-password"\n',
    ".caret/config.toml": '[models.chat]\napi_key = "sk-config-planted"\n',
}
VALUES = ("sk-planted-env", "planted-rsa-material", "planted-credential-token", "planted-ignored-password",
          "sk-config-planted")


def plant(root: Path) -> None:
    (root / ".caret").mkdir()
    for rel, text in PLANTED.items():
        (root / rel).write_text(text)
    (root / ".gitignore").write_text("local_settings.py\n")
    (root / "app.py").write_text("def greet(name):\n    return 'hi ' + name\n")


def answer_everything(server: ScriptedServer) -> None:
    def answer(request: Request) -> Reply:
        server.add(answer)
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        if request.path.endswith("/chat/completions"):
            return Reply(events=chat_events(["```python\ndef greet(name):\n    return name\n```"]))
        return Reply(events=completion_events(["x"]))

    server.add(answer)


def session_for(root: Path, server: ScriptedServer) -> Session:
    flags: dict[str, str] = {"lsp.enabled": "false"}
    for role in ("completion", "chat", "edit"):
        flags |= {f"models.{role}.provider": "openai", f"models.{role}.model": "scripted",
                  f"models.{role}.base_url": server.url, f"models.{role}.context_window": "4096"}
    return Session.open(root, env={}, flags=flags)


def bodies(server: ScriptedServer) -> str:
    return "\n".join(r.body.decode("utf-8", "replace") for r in server.requests)


def test_the_rule(tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / "build").mkdir()
    (tmp_path / ".gitignore").write_text("local_settings.py\nbuild/\n")
    ws = Workspace(tmp_path)
    assert [withheld(ws, p) for p in (".env", "id_rsa", "credentials.json", ".caret/config.toml")] == ["secret"] * 4
    assert withheld(ws, "local_settings.py") == withheld(ws, "build/out.py") == "ignored"
    assert withheld(ws, "/etc/hostname") == withheld(ws, "../x.py") == "outside"
    assert withheld(ws, str(tmp_path / "app.py")) == withheld(ws, "app.py") == withheld(ws, "new/file.py") == ""
    assert withheld(ws, "/home/someone/.env") == "secret"
    # Definitions a language server finds: library code may go in; a secret or ignored workspace file may not.
    assert may_send_definition(ws, "/usr/lib/python3.11/os.py")
    assert may_send_definition(ws, ".venv/lib/python3.11/site-packages/requests/api.py")
    assert may_send_definition(ws, "app.py")
    assert not may_send_definition(ws, "local_settings.py") and not may_send_definition(ws, "/elsewhere/.env")


async def test_no_ghost_text_request_in_a_secret_or_ignored_file(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    plant(tmp_path)
    answer_everything(scripted_server)
    session = session_for(tmp_path, scripted_server)
    try:
        await session.prefill(".env", PLANTED[".env"], None)
        secret = await session.complete(GhostTextRequest(".env", PLANTED[".env"], 0, 5))
        ignored = await session.complete(GhostTextRequest("local_settings.py", PLANTED["local_settings.py"], 0, 5))
        assert scripted_server.requests == []  # not even the prefill
        assert (secret.text, secret.withheld) == ("", "no suggestions in secret files")
        assert ignored.withheld == "no suggestions in ignored files"
        outside = await session.complete(GhostTextRequest("/tmp/elsewhere.py", "x = 1\n", 0, 5))  # an LSP client's
        assert outside.withheld == "no suggestions outside the workspace" and scripted_server.requests == []
        normal = await session.complete(GhostTextRequest("app.py", "def greet(name):\n    ", 1, 4, "python"))
        assert normal.text == "x" and not normal.withheld and scripted_server.requests
    finally:
        await session.aclose()


async def test_inline_edit_of_a_secret_file_is_refused_with_one_line(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    plant(tmp_path)
    answer_everything(scripted_server)
    session = session_for(tmp_path, scripted_server)
    try:
        for path in (".env", "id_rsa", "local_settings.py"):
            with pytest.raises(EditError, match=rf"^{path} is an? (secret|ignored) file: .*edit it by hand"):
                await propose_edit(session, EditRequest(path, "rotate the key", 0, 1))
        assert scripted_server.requests == []
        _, proposal = await propose_edit(session, EditRequest("app.py", "return the name", 0, 2))
        assert proposal.edits and scripted_server.requests
    finally:
        await session.aclose()


async def test_chat_leaves_a_secret_current_file_out_unless_it_is_mentioned(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    plant(tmp_path)
    session = session_for(tmp_path, scripted_server)
    try:
        request = ChatRequest("what is in this file?", current_file=".env", current_text=PLANTED[".env"],
                              cursor_line=0)
        prepared = await prepare_chat(session, request)
        assert ".env is a secret file: left out of the prompt (mention @.env to include it)" in prepared.notes
        assert all(value not in m.content for m in prepared.messages for value in VALUES)
        named = await prepare_chat(session, ChatRequest("what is in @.env?", current_file=".env",
                                                        current_text=PLANTED[".env"], cursor_line=0))
        assert not any("left out" in note for note in named.notes)
        assert any("sk-planted-env" in m.content for m in named.messages)  # the user named it: it goes in
    finally:
        await session.aclose()


async def test_retrieval_and_the_repo_map_never_hold_a_secret(tmp_path: Path) -> None:
    plant(tmp_path)
    project = ProjectContext(tmp_path)
    try:
        for question in ("what API_KEY token password private key api_key is configured for greet?",
                         "models chat api_key config greet", "DB_PASSWORD credential token greet"):
            gathered = await gather_for_chat(project, question)
            assert "app.py" in {i.path for i in gathered.items}, question  # retrieval works: it just skips these
            shown = "\n".join(f"{i.path}\n{i.text}" for i in gathered.items)
            assert all(value not in shown for value in VALUES), shown
            assert not {".env", "id_rsa", "credentials.json", "local_settings.py", ".caret/config.toml"} & {
                i.path for i in gathered.items}
        # caret's own config (no secret by name, but it may hold a key) is not even indexed.
        assert ".caret/config.toml" not in project.files()
    finally:
        await project.aclose()
