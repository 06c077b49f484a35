"""The ghost prompt's stable part: recent edits outside the window and the definitions sit in it, and typing inside
the window leaves it byte-identical (the model's KV cache of it survives)."""

from __future__ import annotations

from pathlib import Path

from engine.ghost.prompt import build_ghost_prompt, sticky_definitions
from engine.ghost.request import GhostTextRequest
from engine.recent_edits import RecentEdits
from engine.session import Session
from models.remote import RemoteModel
from prompts.items import ContextItem, ContextKind
from tests.models.scripted_server import Reply, ScriptedServer, completion_events

MODEL = RemoteModel("starcoder2-3b", "http://127.0.0.1:9/v1", "none", context_window=8192)
FILE = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(200))  # 800 lines


def stable_part(prompt_text: str) -> str:
    return prompt_text[: prompt_text.index("# x.py")]


def test_an_edit_far_above_the_cursor_is_in_the_stable_part_and_typing_keeps_it() -> None:
    history = RecentEdits()
    history.note("x.py", FILE)
    edited = FILE.replace("return x + 30\n", "return x * 30\n")
    history.note("x.py", edited)
    anchors: dict[str, int] = {}
    lines = edited.split("\n")
    row = 700
    prompts = []
    for typed in ("    r", "    re", "    ret"):
        text = "\n".join([*lines[:row], typed, *lines[row + 1 :]])
        history.note("x.py", text)
        request = GhostTextRequest("x.py", text, row, len(typed), "python")
        prompts.append(build_ghost_prompt(request, MODEL, budget_tokens=1024, anchors=anchors,
                                          recent=history.hunks()).text)
    assert "-    return x + 30\n# +    return x * 30" in stable_part(prompts[0])
    assert stable_part(prompts[0]) == stable_part(prompts[1]) == stable_part(prompts[2])
    assert "ret" not in stable_part(prompts[2]).split("return x * 30")[-1]  # the hunk being typed is in the window


def test_definitions_stay_in_place_while_new_ones_are_appended() -> None:
    a = ContextItem("a.py", "def a(): ...", ContextKind.DEFINITION, (0, 1))
    b = ContextItem("b.py", "def b(): ...", ContextKind.DEFINITION, (0, 1))
    kept = sticky_definitions(None, 16, [b])
    assert sticky_definitions((16, kept), 16, [a, b]) == [b, a]
    assert sticky_definitions((16, kept), 32, [a]) == [a]  # a new window start begins afresh


async def test_edits_to_a_secret_file_never_reach_the_ghost_prompt(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.add(Reply(events=completion_events(["x"])))
    flags = {"models.completion.provider": "openai", "models.completion.model": "starcoder2-3b",
             "models.completion.base_url": scripted_server.url, "models.completion.context_window": "4096",
             "lsp.enabled": "false"}
    session = Session.open(tmp_path, env={}, flags=flags)
    try:
        session.buffer_changed(".env", "TOKEN=old\n")
        session.buffer_changed(".env", "TOKEN=sk-live-123\n")
        session.buffer_changed("notes.py", "a = 1\n")
        session.buffer_changed("notes.py", "a = 2\n")
        await session.complete(GhostTextRequest("main.py", "import os\n", 1, 0, "python"))
    finally:
        await session.aclose()
    prompt = scripted_server.requests[-1].json()["prompt"]
    assert "sk-live-123" not in prompt and "TOKEN" not in prompt
    assert "+a = 2" in prompt  # another file's recent edit does reach it
