"""What the chat panel looks like: an SVG snapshot (pytest-textual-snapshot) of a saved chat reopened, its answer
rendered as Markdown (a heading, a list, a code block with Copy, and Apply since it edits a file)."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select

from editor.app import CaretApp
from editor.chat_panel import AnswerView, ChatPanel
from engine.chat import Message
from engine.chat_sessions import ChatSession, save_chat_session
from engine.session import Session
from tests.editor.pilot import wait_for

WORKSPACE = Path(__file__).parent / "fixtures" / "snapshot_ws"
FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}
ANSWER = """## Rounder areas

- use `math.pi`
- keep the signature

pkg/shapes.py
```python
<<<<<<< SEARCH
    return 3.14159 * r * r
=======
    return math.pi * r * r
>>>>>>> REPLACE
```
"""


def make_app(tmp_path: Path) -> CaretApp:
    root = tmp_path / "snapshot_ws"
    shutil.copytree(WORKSPACE, root)
    turns = (Message("user", "make area exact"), Message("assistant", ANSWER))
    save_chat_session(root, ChatSession("demo", turns, 0.0))  # before launch: the tree shows .caret/ every time
    return CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "main.py")


def test_chat_panel_with_a_markdown_answer(snap_compare, tmp_path: Path) -> None:
    async def open_saved_chat(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+l")
        panel = pilot.app.query_one(ChatPanel)
        panel.query_one("#chats", Select).value = "demo"
        assert await wait_for(lambda: bool(panel.query(AnswerView)), pilot)
        answer = panel.query_one(AnswerView)
        assert await wait_for(lambda: answer.has_class("-applicable") and bool(answer.query(".copy")), pilot)
        panel.query_one("#question", Input).cursor_blink = False  # a blinking cursor would differ run to run
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=(130, 32), run_before=open_saved_chat)
