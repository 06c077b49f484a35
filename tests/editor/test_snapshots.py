"""What the editor looks like: SVG snapshots (pytest-textual-snapshot) of a fixed workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

from editor.app import CaretApp
from editor.code_view import CodeView
from engine.session import Session

WORKSPACE = Path(__file__).parent / "fixtures" / "snapshot_ws"
FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}


def make_app(tmp_path: Path) -> CaretApp:
    # A copy: the editor writes its index under .caret/, which the file tree would then show.
    root = tmp_path / "snapshot_ws"
    shutil.copytree(WORKSPACE, root)
    return CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "main.py")


def test_editor_with_ghost_text(snap_compare, tmp_path: Path) -> None:
    async def show_ghost(pilot) -> None:
        code = pilot.app.query_one(CodeView)
        code.move_cursor((4, len("    print(area(2.0))")))
        code.hide_suggestion_on_blur = False  # the snapshot is taken with the terminal window unfocused
        code.show_ghost_text("\n    print(area(3.0))\n    print(area(4.0))")
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=(100, 16), run_before=show_ghost)


def test_inline_edit_dialog(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(100, 16), press=["ctrl+k", *"add a docstring"])
