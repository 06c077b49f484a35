"""An edit reply read while the model still writes it."""

from __future__ import annotations

from pathlib import Path

from engine.edit import EditRequest, propose_edit
from engine.edit_stream import PartialReply, partial_reply, tentative_region
from engine.session import Session
from tests.models.scripted_server import Reply, ScriptedServer, chat_events


def test_nothing_usable_before_a_complete_line_of_a_block() -> None:
    assert partial_reply("") is None
    assert partial_reply("Here is the change") is None
    assert partial_reply("```python\ndef f(") == PartialReply(written="")


def test_a_rewrite_shows_its_complete_lines_so_far() -> None:
    assert partial_reply("Sure:\n```python\ndef add(a: int,\n    b") == PartialReply(written="def add(a: int,\n")
    finished = "```python\nx = 1\n```\n"
    assert partial_reply(finished) == PartialReply(reply=finished)


def test_search_replace_shows_the_finished_blocks_only() -> None:
    reply = "calc.py\n<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n\ncalc.py\n<<<<<<< SEARCH\nb = 1\n"
    first = "calc.py\n<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n"
    assert partial_reply(reply) == PartialReply(reply=first)
    assert partial_reply("calc.py\n<<<<<<< SEARCH\na = 1\n") is None
    fenced = "```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    assert partial_reply(fenced) == PartialReply(reply=fenced + "```\n")  # the open fence is closed


def test_the_region_keeps_the_old_lines_the_model_has_not_reached() -> None:
    old = "def add(a, b):\n    return a + b\n\nprint(add(1, 2))"
    assert tentative_region(old, "") == old + "\n"
    written = "def add(a: int, b: int) -> int:\n    return a + b\n"
    assert tentative_region(old, written) == written + "\nprint(add(1, 2))\n"
    assert tentative_region("", "new\n") == "new\n"


SOURCE = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


def remote_session(root: Path, server: ScriptedServer) -> Session:
    flags = {"models.edit.provider": "openai", "models.edit.model": "scripted", "models.edit.base_url": server.url,
             "models.edit.context_window": "4096", "lsp.enabled": "false", "models.edit.format": "rewrite"}
    return Session.open(root, env={}, flags=flags)


async def test_propose_edit_reports_the_proposal_so_far_while_the_reply_streams(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    deltas = ["```python\n", "def add(a: int, b: int) -> int:\n", "    return a + b\n", "\n\n", "def sub(a: int, ",
              "b: int) -> int:\n", "    return a - b\n", "```\n"]
    scripted_server.add(Reply(events=chat_events(deltas), event_delay_s=0.15))  # slower than PARTIAL_INTERVAL_S
    session = remote_session(tmp_path, scripted_server)
    seen: list[str] = []
    try:
        _, proposal = await propose_edit(session, EditRequest("calc.py", "add type hints", 0, 6),
                                         on_partial=lambda partial: seen.append(partial.edits[0].new_text))
    finally:
        await session.aclose()
    first_function_done = SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
    assert first_function_done in seen  # the rest of the region as it was, before the model reached it
    assert seen[0] == SOURCE  # the fence alone: nothing changed yet
    hinted = first_function_done.replace("def sub(a, b):", "def sub(a: int, b: int) -> int:")
    assert proposal.edits[0].new_text == hinted
