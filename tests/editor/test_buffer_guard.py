"""No lost work in the TUI (Pilot): unsaved edits are asked about before the buffer is replaced or closed, a file
changed on disk offers reload / overwrite / show diff, a deleted or read-only file keeps the buffer."""

from __future__ import annotations

import os
from pathlib import Path

from textual.pilot import Pilot

from editor.app import CaretApp
from editor.code_view import CodeView
from editor.dialogs import ChoiceDialog
from editor.inline_edit import DiffReview
from engine.session import Session
from tests.editor.pilot import wait_for

SOURCE = "import os\n\n\ndef read_file(path):\n"
OTHER = "def other():\n    return 1\n"
FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}


def make_app(tmp_path: Path) -> tuple[CaretApp, Path, Path]:
    path, other = tmp_path / "util.py", tmp_path / "other.py"
    path.write_text(SOURCE)
    other.write_text(OTHER)
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=path), path, other


def status(app: CaretApp) -> str:
    return str(app.query_one("#status").render())


def asking(app: CaretApp, words: str) -> bool:
    """Whether the screen is a ChoiceDialog whose question holds `words`."""
    return isinstance(app.screen, ChoiceDialog) and words in app.screen.question


async def type_at_end(app: CaretApp, pilot: Pilot[None], text: str) -> None:
    app.query_one(CodeView).move_cursor((4, 0))
    await pilot.press(*text)


async def test_opening_another_file_keeps_the_unsaved_buffer_in_its_tab_and_closing_asks(tmp_path: Path) -> None:
    """With tabs, opening a file needs no question; closing (Ctrl+W) a dirty tab asks Save / Discard / Cancel."""
    app, path, other = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "x = 1")
        app.open_file(other)
        assert await wait_for(lambda: app.opened is not None and app.opened.path == other, pilot, 5)
        assert not isinstance(app.screen, ChoiceDialog) and app.code.text == OTHER
        app.open_file(path)  # back to its tab: the unsaved edit is still there
        assert await wait_for(lambda: app.opened is not None and app.opened.path == path, pilot, 5)
        assert app.code.text == SOURCE + "x = 1"

        await pilot.press("ctrl+w")
        assert await wait_for(lambda: asking(app, "util.py has unsaved changes"), pilot, 5)
        await pilot.press("escape")  # Cancel: the tab stays
        assert await wait_for(lambda: not isinstance(app.screen, ChoiceDialog), pilot, 5)
        assert len(app.buffers) == 2 and app.code.text == SOURCE + "x = 1"
        await pilot.press("ctrl+w")
        assert await wait_for(lambda: asking(app, "unsaved"), pilot, 5)
        await pilot.press("s")  # Save, then close
        assert await wait_for(lambda: len(app.buffers) == 1, pilot, 5)
        assert path.read_text() == SOURCE + "x = 1\n"  # the file ended with a newline: saving keeps one
        assert app.opened is not None and app.opened.path == other and app.code.text == OTHER


async def test_ctrl_p_with_unsaved_work_opens_a_tab_and_keeps_it(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "y = 2")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"other")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        assert await wait_for(lambda: app.opened is not None and app.opened.path.name == "other.py", pilot, 10)
        await pilot.press("ctrl+tab")
        await pilot.pause()
        assert app.opened is not None and app.opened.path == path
        assert app.query_one(CodeView).text == SOURCE + "y = 2"


async def test_save_over_a_changed_file_offers_diff_then_overwrite(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "z = 3")
        path.write_text("changed elsewhere\n")
        await pilot.press("ctrl+s")  # the watcher may ask first: the same question either way
        assert await wait_for(lambda: asking(app, "util.py changed on disk"), pilot, 10)
        await pilot.press("v")
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot, 5)
        diff = app.screen.query_one("#diff").text
        assert "-changed elsewhere" in diff and "+z = 3" in diff
        await pilot.press("escape")  # back to the choice
        assert await wait_for(lambda: asking(app, "changed on disk"), pilot, 5)
        await pilot.press("o")
        assert await wait_for(lambda: path.read_text() == SOURCE + "z = 3\n", pilot, 5)
        assert not app.dirty and "saved util.py" in status(app)


async def test_a_change_on_disk_while_dirty_offers_reload(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "w = 4")
        path.write_text("theirs = 1\n")
        # No key pressed: the watcher's report alone asks.
        assert await wait_for(lambda: asking(app, "util.py changed on disk"), pilot, 10), status(app)
        await pilot.press("r")
        assert await wait_for(lambda: app.query_one(CodeView).text == "theirs = 1\n", pilot, 5)
        assert not app.dirty
    assert path.read_text() == "theirs = 1\n"


async def test_cancelled_conflict_keeps_both_and_ctrl_s_asks_again(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "v = 5")
        path.write_text("theirs = 2\n")
        assert await wait_for(lambda: asking(app, "changed on disk"), pilot, 10)
        await pilot.press("escape")
        assert await wait_for(lambda: "your edits are kept" in status(app), pilot, 5)
        assert app.query_one(CodeView).text == SOURCE + "v = 5"
        await pilot.press("ctrl+s")
        assert await wait_for(lambda: asking(app, "changed on disk"), pilot, 5)
        await pilot.press("escape")
    assert path.read_text() == "theirs = 2\n"


async def test_a_clean_buffer_reloads_silently(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        path.write_text("new = True\n")
        assert await wait_for(lambda: app.query_one(CodeView).text == "new = True\n", pilot, 10)
        assert not isinstance(app.screen, ChoiceDialog) and "reloaded util.py" in status(app)


async def test_a_deleted_file_keeps_its_buffer_and_ctrl_s_recreates_it(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        path.unlink()
        assert await wait_for(lambda: "deleted" in status(app), pilot, 10), status(app)
        assert app.query_one(CodeView).text == SOURCE
        assert app.dirty  # the buffer holds the only copy now: leaving would ask
        await pilot.press("ctrl+s")
        assert await wait_for(lambda: path.exists(), pilot, 5)
        assert path.read_text() == SOURCE and not app.dirty


async def test_a_read_only_file_refuses_the_save_in_one_line(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "u = 6")
        os.chmod(path, 0o444)
        await pilot.press("ctrl+s")
        assert await wait_for(lambda: "read-only" in status(app), pilot, 5), status(app)
        assert "\n" not in status(app).strip()
        assert app.query_one(CodeView).text == SOURCE + "u = 6" and app.dirty
    assert path.read_text() == SOURCE


async def test_closing_a_dirty_buffer_asks_first(tmp_path: Path) -> None:
    app, path, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await type_at_end(app, pilot, "t = 7")
        await pilot.press("ctrl+w")
        assert await wait_for(lambda: asking(app, "util.py has unsaved changes"), pilot, 5)
        await pilot.press("escape")
        await pilot.pause()
        assert app.opened is not None
        await pilot.press("ctrl+w")
        assert await wait_for(lambda: asking(app, "unsaved"), pilot, 5)
        await pilot.press("d")
        assert await wait_for(lambda: app.opened is None, pilot, 5)
        assert app.query_one(CodeView).text == "" and "closed util.py" in status(app)
    assert path.read_text() == SOURCE
