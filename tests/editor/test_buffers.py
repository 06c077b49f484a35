"""Tabs (Pilot): each buffer keeps its text, undo history and cursor across switches; quit asks about any unsaved
tab; highlighting is computed for the lines drawn, not the whole file per keystroke."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.app import CaretApp
from editor.buffers import DIRTY_MARK, tab_labels
from editor.dialogs import ConfirmDialog
from editor.highlighting import BLOCK_LINES, VisibleHighlights, block_highlights
from engine.languages import highlighter
from engine.session import Session
from tests.editor.pilot import wait_for

FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}


def make_app(tmp_path: Path) -> tuple[CaretApp, Path, Path]:
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("a = 1\n")
    second.write_text("b = 2\n")
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=first), first, second


def test_tab_labels_mark_unsaved_and_active() -> None:
    plain = tab_labels([("a.py", False), ("b.py", True)], 1).plain
    assert plain == f" a.py │ b.py {DIRTY_MARK} "


async def test_switching_tabs_keeps_text_undo_and_cursor(tmp_path: Path) -> None:
    app, first, second = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.code.move_cursor((0, 5))
        await pilot.press(*" + 1")
        app.open_file(second)
        await pilot.pause()
        assert len(app.buffers) == 2 and app.code.text == "b = 2\n"
        assert app.query_one("#tabs").has_class("-many")
        await pilot.press("ctrl+tab")
        await pilot.pause()
        assert app.opened is not None and app.opened.path == first
        assert app.code.text == "a = 1 + 1\n" and app.code.cursor_location == (0, 9)
        assert DIRTY_MARK in str(app.query_one("#tabs").render())
        await pilot.press("ctrl+z")
        assert app.code.text == "a = 1\n"  # this buffer's own undo history
        await pilot.press("ctrl+pagedown")
        assert app.opened is not None and app.opened.path == second


async def test_new_buffer_and_quit_asks_about_an_unsaved_background_tab(tmp_path: Path) -> None:
    app, _, second = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("end", *"  # edit")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(app.buffers) == 2 and app.opened is None and app.code.text == ""
        await pilot.press("ctrl+w")  # an empty untitled tab closes without a question
        assert await wait_for(lambda: len(app.buffers) == 1, pilot, 5)
        app.open_file(second)
        await pilot.pause()
        await pilot.press("ctrl+q")
        assert await wait_for(lambda: isinstance(app.screen, ConfirmDialog), pilot, 5)
        await pilot.press("escape")


@pytest.mark.parametrize("language", ["typescript", "tsx", "c", "cpp"])
def test_grammars_textual_lacks_have_a_highlighter(language: str) -> None:
    found = highlighter(language)
    assert found is not None and "@" in found[1]


async def test_highlighting_is_queried_for_drawn_lines_only(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("".join(f"def f{n}(x):\n    return x + {n}\n" for n in range(5000)))
    app = CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=big)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.code
        await pilot.pause()
        highlights = code._highlights  # TextArea keeps its highlighting only in this private map
        assert isinstance(highlights, VisibleHighlights)
        assert 1 <= highlights.blocks_queried <= 2 and max(highlights) < 2 * BLOCK_LINES
        assert "keyword.function" in {name for _, _, name in highlights[0]}
        code.move_cursor((0, 0))
        await pilot.press("x")
        assert code._highlights is not highlights  # an edit forgets; drawing queries again


def test_block_highlights_cut_nodes_at_the_block() -> None:
    class Node:
        def __init__(self, start: tuple[int, int], end: tuple[int, int]) -> None:
            self.start_point, self.end_point = start, end

    rows = block_highlights({"string": [Node((1, 4), (70, 3))], "keyword": [Node((2, 0), (2, 3))]}, 0, 64)
    assert rows[0] == [] and rows[1] == [(4, None, "string")] and rows[63] == [(0, None, "string")]
    assert (0, 3, "keyword") in rows[2] and 64 not in rows
