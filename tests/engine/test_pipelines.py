"""The chat and edit pipelines end to end: the real local chat model, and a scripted server where the test
must control the model's exact words (edit parsing and application)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.edit import (
    EditError,
    EditProposal,
    EditRequest,
    FileEdit,
    apply_proposal,
    introduced_problems,
    propose_edit,
)
from engine.errors import FileConflict
from engine.session import Session
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

SOURCE = "def add(a, b):\n    return a + b\n"




def remote_session(root: Path, server: ScriptedServer) -> Session:
    flags = {"models.edit.provider": "openai", "models.edit.model": "scripted", "models.edit.base_url": server.url,
             "models.edit.context_window": "4096", "lsp.enabled": "false"}
    return Session.open(root, env={}, flags=flags)


@pytest.mark.slow
async def test_chat_answers_from_the_local_model_with_rules_in_the_prompt(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("Always answer in one sentence.\n")
    (tmp_path / "calc.py").write_text(SOURCE)
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"})
    try:
        prepared = await prepare_chat(session, ChatRequest("What does @calc.py do?"))
        system = prepared.messages[0]
        assert system.role == "system" and "Always answer in one sentence." in system.content
        assert "def add(a, b)" in prepared.messages[-1].content
        assert prepared.rendered.tokens <= prepared.model.context_window
        stream = stream_answer(prepared, max_tokens=16)
        answer = await stream.text()
        assert answer.strip()
        assert stream.finish_reason in ("stop", "length")
    finally:
        await session.aclose()


async def test_edit_proposal_is_a_diff_and_nothing_is_written_until_applied(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    path = tmp_path / "calc.py"
    path.write_text(SOURCE)
    reply = "Here it is:\n```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```\n"
    scripted_server.add(Reply(events=chat_events([reply[:20], reply[20:]])))
    session = remote_session(tmp_path, scripted_server)
    try:
        _, proposal = await propose_edit(session, EditRequest("calc.py", "add type hints", 0, 2))
    finally:
        await session.aclose()
    sent = scripted_server.requests[-1].json()["messages"]
    assert "add type hints" in sent[-1]["content"]
    assert "-def add(a, b):" in proposal.diff and "+def add(a: int, b: int) -> int:" in proposal.diff
    assert path.read_text() == SOURCE
    assert apply_proposal(tmp_path, proposal) == ["calc.py"]
    assert path.read_text() == "def add(a: int, b: int) -> int:\n    return a + b\n"


async def test_applying_refuses_when_the_file_changed_since(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    path = tmp_path / "calc.py"
    path.write_text(SOURCE)
    scripted_server.add(Reply(events=chat_events(["```python\ndef add(a, b):\n    return b + a\n```"])))
    session = remote_session(tmp_path, scripted_server)
    try:
        _, proposal = await propose_edit(session, EditRequest("calc.py", "swap", 0, 2))
    finally:
        await session.aclose()
    path.write_text("# someone else's work\n" + SOURCE)
    with pytest.raises(FileConflict, match="changed on disk"):
        apply_proposal(tmp_path, proposal)
    assert path.read_text().startswith("# someone else's work")


async def test_a_reply_without_code_is_a_one_line_error(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    scripted_server.add(Reply(events=chat_events(["I would rather not."])))
    session = remote_session(tmp_path, scripted_server)
    try:
        with pytest.raises(EditError, match="could not be applied: the reply has no fenced code block"):
            await propose_edit(session, EditRequest("calc.py", "refactor", 0, 2))
    finally:
        await session.aclose()
    assert (tmp_path / "calc.py").read_text() == SOURCE


async def test_problems_an_edit_introduces_come_from_the_language_server(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    scripted_server.add(Reply(events=chat_events(["```python\ndef add(a, b)\n    return a +\n```"])))
    flags = {"models.edit.provider": "openai", "models.edit.model": "scripted",
             "models.edit.base_url": scripted_server.url, "models.edit.context_window": "4096"}
    session = Session.open(tmp_path, env={}, flags=flags)
    try:
        _, proposal = await propose_edit(session, EditRequest("calc.py", "break it", 0, 2))
        problems = await introduced_problems(session, proposal, timeout_s=30)
        clean = EditProposal("no-op", (FileEdit("calc.py", SOURCE, SOURCE.replace("a + b", "b + a"), None),))
        assert await introduced_problems(session, clean, timeout_s=30) == []
    finally:
        await session.aclose()
    assert problems and all(p.startswith("calc.py:") for p in problems)
    assert any("jedi" in p.lower() or "syntax" in p.lower() for p in problems)
