"""Crash recovery in the TUI (Pilot): a dirty buffer is kept a moment after the last keystroke, forgotten once
saved, and what an earlier run left is offered back at start (the kill -9 itself: test_tmux_recovery.py)."""

from __future__ import annotations

from pathlib import Path

from editor.app import CaretApp
from editor.code_view import CodeView
from editor.dialogs import ChoiceDialog
from editor.recovery import KEEP_AFTER_S
from engine.recovery import RECOVERY_DIR, RecoveryStore
from engine.session import Session
from tests.editor.pilot import wait_for

SOURCE = "def f():\n    return 1\n"
FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}


def make_app(tmp_path: Path) -> tuple[CaretApp, Path]:
    path = tmp_path / "mod.py"
    if not path.exists():
        path.write_text(SOURCE)
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=path), path


def kept(tmp_path: Path) -> list[str]:
    return [buffer.text for buffer in RecoveryStore(tmp_path).pending()]


async def test_a_dirty_buffer_is_kept_after_a_pause_and_forgotten_on_save(tmp_path: Path) -> None:
    app, path = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(CodeView).move_cursor((2, 0))
        await pilot.press(*"x = 1")
        assert kept(tmp_path) == []  # not per keystroke
        assert await wait_for(lambda: kept(tmp_path) == [SOURCE + "x = 1"], pilot, KEEP_AFTER_S + 3)
        await pilot.press("ctrl+s")
        assert await wait_for(lambda: path.read_text() == SOURCE + "x = 1\n", pilot, 5)
        assert list((tmp_path / RECOVERY_DIR).glob("*.json")) == []


async def test_the_recovery_folder_is_not_workspace_content(tmp_path: Path) -> None:
    RecoveryStore(tmp_path).keep("mod.py", "draft")
    app, _ = make_app(tmp_path)
    assert not any(rel.startswith(".caret/") for rel in app.session.workspace_files())


async def test_start_offers_recovered_text_and_restore_puts_it_in_the_buffer(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(SOURCE)
    RecoveryStore(tmp_path).keep("mod.py", SOURCE + "typed before the crash\n")
    app, path = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(lambda: isinstance(app.screen, ChoiceDialog), pilot, 5)
        screen = app.screen
        assert isinstance(screen, ChoiceDialog)
        assert screen.question.startswith("Recover unsaved changes to mod.py (saved ")
        await pilot.press("r")
        code = app.query_one(CodeView)
        assert await wait_for(lambda: code.text == SOURCE + "typed before the crash\n", pilot, 5)
        assert app.dirty and path.read_text() == SOURCE  # restored into the buffer, not saved
        await pilot.press("ctrl+z")  # one undo step back to the file's own text
        assert code.text == SOURCE


async def test_discarding_the_offer_deletes_the_copy(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(SOURCE)
    RecoveryStore(tmp_path).keep("mod.py", "unwanted")
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(lambda: isinstance(app.screen, ChoiceDialog), pilot, 5)
        await pilot.press("d")
        await pilot.pause()
        assert app.query_one(CodeView).text == SOURCE
    assert kept(tmp_path) == []
