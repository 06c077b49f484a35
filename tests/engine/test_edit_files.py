"""An inline edit whose reply changes several files: each file read with its own snapshot, written all or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.edit import EditError, EditProposal, EditRequest, apply_proposal, edit_format, propose_edit
from engine.errors import FileConflict
from engine.session import Session
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

CALC = "from util import double\n\n\ndef add(a, b):\n    return a + b\n"
UTIL = "def double(x):\n    return x * 2\n"
REPLY = (
    "calc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return double(a) + b\n>>>>>>> REPLACE\n\n"
    "util.py\n<<<<<<< SEARCH\n    return x * 2\n=======\n    return x + x\n>>>>>>> REPLACE\n"
)


def remote_session(root: Path, server: ScriptedServer) -> Session:
    flags = {"models.edit.provider": "openai", "models.edit.model": "scripted", "models.edit.base_url": server.url,
             "models.edit.context_window": "4096", "lsp.enabled": "false"}
    return Session.open(root, env={}, flags=flags)


def workspace(root: Path) -> None:
    (root / "calc.py").write_text(CALC)
    (root / "util.py").write_text(UTIL)


async def double_proposal(tmp_path: Path, scripted_server: ScriptedServer) -> EditProposal:
    """The scripted REPLY's proposal for "use double" in calc.py (it edits util.py too)."""
    workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events([REPLY])))
    session = remote_session(tmp_path, scripted_server)
    try:
        _, proposal = await propose_edit(session, EditRequest("calc.py", "use double", 3, 5))
    finally:
        await session.aclose()
    return proposal


async def test_a_reply_that_edits_another_file_gives_one_file_edit_per_file(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    proposal = await double_proposal(tmp_path, scripted_server)
    by_path = {e.path: e for e in proposal.edits}
    assert set(by_path) == {"calc.py", "util.py"}
    assert by_path["util.py"].old_text == UTIL and by_path["util.py"].snapshot is not None
    assert "+    return x + x" in by_path["util.py"].diff and "util.py" not in by_path["calc.py"].diff
    assert apply_proposal(tmp_path, proposal) == ["calc.py", "util.py"]
    assert (tmp_path / "util.py").read_text() == "def double(x):\n    return x + x\n"
    assert "return double(a) + b" in (tmp_path / "calc.py").read_text()


async def test_the_other_file_changed_on_disk_writes_nothing(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    proposal = await double_proposal(tmp_path, scripted_server)
    (tmp_path / "util.py").write_text("# someone else's work\n" + UTIL)
    with pytest.raises(FileConflict, match=r"util\.py"):
        apply_proposal(tmp_path, proposal)
    assert (tmp_path / "calc.py").read_text() == CALC


@pytest.mark.parametrize(("name", "why"), [("server.key", "secret file"), ("../outside.py", "outside")])
async def test_a_reply_that_edits_a_secret_or_outside_file_is_refused(
    tmp_path: Path, scripted_server: ScriptedServer, name: str, why: str
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    workspace(ws)
    (ws / "server.key").write_text("KEY=1\n")
    (tmp_path / "outside.py").write_text("KEY=1\n")
    reply = f"{name}\n<<<<<<< SEARCH\nKEY=1\n=======\nKEY=2\n>>>>>>> REPLACE\n"
    scripted_server.add(Reply(events=chat_events([reply])))
    session = remote_session(ws, scripted_server)
    try:
        with pytest.raises(EditError, match=f"could not be applied: .*{why}"):
            await propose_edit(session, EditRequest("calc.py", "bump the key", 3, 5))
    finally:
        await session.aclose()
    assert (ws / "server.key").read_text() == "KEY=1\n" and (tmp_path / "outside.py").read_text() == "KEY=1\n"


@pytest.mark.parametrize(("choice", "asks"), [("auto", "SEARCH/REPLACE blocks"), ("rewrite", "exactly one fenced"),
                                              ("search_replace", "SEARCH/REPLACE blocks")])
async def test_the_reply_format_follows_the_config(
    tmp_path: Path, scripted_server: ScriptedServer, choice: str, asks: str
) -> None:
    workspace(tmp_path)
    scripted_server.add(Reply(events=chat_events([REPLY])))
    flags = {"models.edit.provider": "openai", "models.edit.model": "scripted",
             "models.edit.base_url": scripted_server.url, "models.edit.context_window": "4096",
             "lsp.enabled": "false", "models.edit.format": choice}
    session = Session.open(tmp_path, env={}, flags=flags)
    try:
        await propose_edit(session, EditRequest("calc.py", "use double", 3, 5))
    finally:
        await session.aclose()
    assert asks in scripted_server.requests[-1].json()["messages"][-1]["content"]


def test_auto_rewrites_with_local_models_and_searches_with_remote_ones() -> None:
    assert edit_format("auto", "local") == "rewrite" and edit_format("auto", "openai") == "search_replace"
    assert edit_format("rewrite", "openai") == "rewrite"
