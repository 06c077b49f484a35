"""The terminal IDE through Textual's Pilot, with the real embedded completion model."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.app import CaretApp
from editor.code_view import CodeView
from editor.dialogs import ConfirmDialog
from engine.session import Session
from tests.editor.pilot import wait_for

SOURCE = "import os\n\n\ndef read_file(path):\n"


def make_app(tmp_path: Path, source: str = SOURCE, **flags: object) -> tuple[CaretApp, Path]:
    path = tmp_path / "util.py"
    path.write_text(source)
    session = Session.open(tmp_path, env={}, flags={"completion.debounce_ms": "10", **flags})
    return CaretApp(session, open_path=path), path




@pytest.mark.slow
async def test_typing_shows_ghost_text_and_tab_accepts_it(tmp_path: Path) -> None:
    app, path = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        await pilot.press(*"    with")
        assert await wait_for(lambda: bool(code.ghost_text), pilot), app.query_one("#status").render()
        ghost = code.ghost_text
        assert code.suggestion == ghost.split("\n")[0]
        await pilot.press("tab")
        assert code.text.startswith(SOURCE + "    with" + ghost)
        # The accepted text is not offered again; Tab-Tab may already show the next suggestion after it.
        assert not code.ghost_text or (code.text.endswith(ghost) and code.ghost_text != ghost)
        app.session.ghost_stats.flush()  # the acceptance is counted for `caret stats`, locally
        assert '"event": "accepted"' in app.session.ghost_stats.path.read_text()
        # An accepted suggestion is one undo step.
        await pilot.press("ctrl+z")
        assert code.text == SOURCE + "    with"
        await pilot.press("ctrl+s")
        assert path.read_text() == SOURCE + "    with\n"  # a final newline, as the file had


async def test_escape_dismisses_and_typing_through_keeps_the_rest(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"completion.enabled": "false"})
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        code.show_ghost_text("    return path")
        await pilot.press(*"    ret")
        assert code.ghost_text == "urn path"
        await pilot.press("ctrl+right")
        assert code.text.endswith("    return")
        assert code.ghost_text == " path"
        await pilot.press("escape")
        assert code.ghost_text == ""
        assert code.suggestion == ""


async def test_moving_the_cursor_dismisses_ghost_text(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"completion.enabled": "false"})
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((3, 0))
        code.show_ghost_text("x = 1")
        await pilot.press("up")
        assert code.ghost_text == ""


async def test_quit_with_unsaved_work_asks_first(tmp_path: Path) -> None:
    app, path = make_app(tmp_path, **{"completion.enabled": "false"})
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        await pilot.press(*"x = 1")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#cancel")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.is_running
    assert path.read_text() == SOURCE  # nothing was written without Ctrl+S


async def test_save_refuses_to_clobber_a_file_changed_on_disk(tmp_path: Path) -> None:
    app, path = make_app(tmp_path, **{"completion.enabled": "false"})
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        await pilot.press(*"y = 2")
        path.write_text("changed elsewhere\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "changed on disk" in str(app.query_one("#status").render())
    assert path.read_text() == "changed elsewhere\n"


async def test_binary_file_is_refused_with_one_line(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"completion.enabled": "false"})
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_file(blob)
        await pilot.pause()
        assert "binary file" in str(app.query_one("#status").render())
        assert app.query_one(CodeView).text == SOURCE  # the open buffer is untouched


async def test_ctrl_p_finds_and_opens_a_file(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"completion.enabled": "false"})
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "helpers.py").write_text("def slugify(text):\n    return text\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"helpers")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        assert await wait_for(lambda: app.opened is not None and app.opened.path.name == "helpers.py", pilot, 10)
        assert app.opened is not None and app.opened.path.name == "helpers.py"
        assert app.query_one(CodeView).text.startswith("def slugify")
