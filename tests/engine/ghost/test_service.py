"""The ghost-text service: partial suggestions, early stop, cancellation; the model is a scripted server so the
test controls its exact words."""

from __future__ import annotations

import asyncio
from pathlib import Path

from engine.ghost import GhostTextRequest
from engine.ghost.postprocess import is_cut_short
from engine.session import Session
from tests.models.scripted_server import Reply, ScriptedServer, completion_events

SOURCE = "import os\n\n\ndef read(path):\n    \n"


def remote(root: Path, server: ScriptedServer) -> Session:
    flags = {"models.completion.provider": "openai", "models.completion.model": "scripted",
             "models.completion.base_url": server.url, "models.completion.context_window": "4096",
             "lsp.enabled": "false"}
    return Session.open(root, env={}, flags=flags)


def test_cut_short_once_a_whole_line_is_past_the_kept_text() -> None:
    assert not is_cut_short("return x", "return x")
    assert not is_cut_short("return x\n", "return x")
    assert is_cut_short("return x\ndef other():\n", "return x")


async def test_partial_suggestions_grow_and_decoding_stops_when_the_block_ends(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    deltas = ["with open(path) as f:", "\n        return f.read()", "\n\n", "def other():\n", "    pass\n"] + ["x"] * 50
    scripted_server.add(Reply(events=completion_events(deltas), event_delay_s=0.02))
    session = remote(tmp_path, scripted_server)
    seen: list[str] = []
    try:
        result = await session.complete(GhostTextRequest("a.py", SOURCE, 4, 4, "python"), on_partial=seen.append)
    finally:
        await session.aclose()
    assert result.text == "with open(path) as f:\n        return f.read()"
    assert seen[0] == "with open(path) as f:" and seen[-1] == result.text
    assert scripted_server.events_sent < len(deltas)  # the rambling tail was never streamed


async def test_mid_line_requests_stop_at_the_end_of_the_line(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=completion_events(["path)"])))
    session = remote(tmp_path, scripted_server)
    text = "f = open()\n"
    try:
        result = await session.complete(GhostTextRequest("a.py", text, 0, 9, "python"))
    finally:
        await session.aclose()
    assert "\n" in scripted_server.requests[-1].json()["stop"]
    assert result.text == "path"


async def test_a_new_request_cancels_the_one_in_flight(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=completion_events(["slow"] * 40), event_delay_s=0.1),
                        Reply(events=completion_events(["return 1"])))
    session = remote(tmp_path, scripted_server)
    try:
        first = asyncio.create_task(session.complete(GhostTextRequest("a.py", SOURCE, 4, 4, "python")))
        await asyncio.sleep(0.5)
        second = await session.complete(GhostTextRequest("a.py", SOURCE, 4, 4, "python"))
        stale = await first
    finally:
        await session.aclose()
    assert stale.text == "" and stale.finish_reason == "cancelled"
    assert second.text == "return 1"
