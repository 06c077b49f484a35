"""Chat panel, inline edit with diff review, and the prompt inspector, driven through Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets.text_area import Selection

from editor.app import CaretApp
from editor.chat_panel import ChatPanel
from editor.code_view import CodeView
from editor.inline_edit import DiffReview, InstructionDialog
from editor.inspector import PromptInspector
from engine.session import Session
from tests.editor.pilot import wait_for
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

SOURCE = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"






def make_app(tmp_path: Path, **flags: str) -> tuple[CaretApp, Path]:
    path = tmp_path / "calc.py"
    path.write_text(SOURCE)
    base = {"completion.enabled": "false", "lsp.enabled": "false"}
    return CaretApp(Session.open(tmp_path, env={}, flags={**base, **flags}), open_path=path), path


async def test_inline_edit_is_reviewed_then_applied_as_one_undo_step(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    reply = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"
    scripted_server.add(Reply(events=chat_events([reply])))
    app, path = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                      "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.selection = Selection((0, 0), (2, 0))  # the whole function
        await pilot.press("ctrl+k")
        assert await wait_for(lambda: isinstance(app.screen, InstructionDialog), pilot)
        await pilot.press(*"add type hints", "enter")
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot, 20), app.query_one("#status").render()
        diff = app.screen.query_one("#diff").text
        assert "+def add(a: int, b: int) -> int:" in diff
        assert code.text == SOURCE  # nothing changes before it is accepted
        await pilot.press("y")
        await pilot.pause()
        assert code.text == SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
        assert path.read_text() == SOURCE  # accepted into the buffer, not yet saved
        await pilot.press("ctrl+z")
        assert code.text == SOURCE
        await pilot.press("f2")
        assert isinstance(app.screen, PromptInspector)
        report = app.screen.query_one("#inspector-text").text
        assert "add type hints" in report and "scopes kept" in report


async def test_rejected_edit_changes_nothing(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["```python\nprint('hi')\n```"])))
    app, _ = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                   "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        await pilot.press("ctrl+k")
        await pilot.press(*"greet", "enter")
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot)
        await pilot.press("n")
        await pilot.pause()
        assert code.text == SOURCE


@pytest.mark.slow
async def test_chat_panel_streams_an_answer_from_the_local_model(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"chat.answer_tokens": "12"})
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        panel = app.query_one(ChatPanel)
        assert panel.has_class("-open")
        await pilot.press(*"what does add do?", "enter")
        assert await wait_for(lambda: len(app._history) == 2, pilot, timeout=120)
        transcript = panel.transcript.text
        assert "> what does add do?" in transcript
        assert app._history[1].content.strip() and app._history[1].content in transcript
        await pilot.press("f2")
        assert isinstance(app.screen, PromptInspector)
        assert "def add(a, b)" in app.screen.query_one("#inspector-text").text


async def test_an_edit_of_two_files_puts_each_in_its_own_place(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    # The other file comes first: its text must never land in the open buffer.
    reply = (
        "notes.md\n<<<<<<< SEARCH\n=======\n# Notes\nadd() has type hints.\n>>>>>>> REPLACE\n\n"
        "calc.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef add(a: int, b: int) -> int:\n>>>>>>> REPLACE\n"
    )
    scripted_server.add(Reply(events=chat_events([reply])))
    app, path = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                      "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.selection = Selection((0, 0), (2, 0))
        await pilot.press("ctrl+k")
        assert await wait_for(lambda: isinstance(app.screen, InstructionDialog), pilot)
        await pilot.press(*"add type hints and a note", "enter")
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot, 20), app.query_one("#status").render()
        diff = app.screen.query_one("#diff").text
        assert "+++ b/notes.md" in diff and "+++ b/calc.py" in diff  # the review shows every file
        assert not (tmp_path / "notes.md").exists()  # nothing written before it is accepted
        await pilot.press("y")
        await pilot.pause()
        assert code.text == SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
        assert (tmp_path / "notes.md").read_text() == "# Notes\nadd() has type hints.\n"
        assert path.read_text() == SOURCE  # the buffer's file: in the buffer, not yet saved
        await pilot.press("ctrl+z")  # one undo step
        assert code.text == SOURCE


async def test_an_edit_whose_other_file_changed_is_refused(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    reply = "notes.md\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n\ncalc.py\n<<<<<<< SEARCH\nprint(add(1, 2))\n" \
            "=======\nprint(add(2, 3))\n>>>>>>> REPLACE\n"
    scripted_server.add(Reply(events=chat_events([reply])))
    app, _ = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                   "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.press(*"bump", "enter")
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot, 20)
        (tmp_path / "notes.md").write_text("written meanwhile\n")
        await pilot.press("y")
        await pilot.pause()
        status = str(app.query_one("#status").render())
        assert "notes.md" in status and "not applied" in status
        assert app.query_one(CodeView).text == SOURCE
    assert (tmp_path / "notes.md").read_text() == "written meanwhile\n"
