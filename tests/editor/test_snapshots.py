"""What the editor looks like: SVG snapshots (pytest-textual-snapshot) of a fixed workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

from editor.app import CaretApp
from editor.code_view import CodeView
from editor.status_flow import show_found
from engine.navigation import Problem
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


def test_two_tabs_with_diagnostics(snap_compare, tmp_path: Path) -> None:
    async def open_with_problems(pilot) -> None:
        app = pilot.app
        shapes = app.session.root / "pkg" / "shapes.py"
        app.open_file(shapes)
        await pilot.pause()
        # Set directly: the language servers are off here, so the snapshot does not wait on one.
        show_found(app, app.buffer, [
            Problem(shapes, 3, 4, "warning", "function 'area' has no docstring", (3, 8)),
            Problem(shapes, 4, 11, "error", "use math.pi, not 3.14159", (4, 18)),
        ])
        app.code.move_cursor((4, 11))
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=(100, 16), run_before=open_with_problems)
