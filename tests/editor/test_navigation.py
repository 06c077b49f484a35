"""Language intelligence in the TUI against the real jedi-language-server: F12 opens the definition in another file,
Shift+F12 lists the references, F9 shows the hover text."""

from __future__ import annotations

from pathlib import Path

from editor.app import CaretApp
from engine.session import Session
from tests.editor.pilot import wait_for

FLAGS = {"completion.enabled": "false"}
SLOW_S = 60.0  # the first query starts the server; the machine may be busy


def workspace(tmp_path: Path) -> Path:
    geometry = 'def area(radius):\n    """The area of a circle."""\n    return 3.14 * radius ** 2\n'
    (tmp_path / "geometry.py").write_text(geometry)
    (tmp_path / "main.py").write_text("from geometry import area\n\nprint(area(2.0))\nprint(area(3.0))\n")
    return tmp_path


async def test_f12_opens_the_definition_in_another_file_in_a_tab(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    app = CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "main.py")
    async with app.run_test(size=(100, 30)) as pilot:
        app.code.move_cursor((2, len("print(ar")))
        await pilot.press("f12")
        assert await wait_for(lambda: app.rel_path == "geometry.py", pilot, SLOW_S), app.query_one("#status").render()
        assert app.code.cursor_location == (0, len("def "))
        assert len(app.buffers) == 2  # main.py stays open in its tab


async def test_shift_f12_lists_the_references_and_f9_shows_the_hover(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    app = CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "main.py")
    async with app.run_test(size=(100, 30)) as pilot:
        app.code.move_cursor((3, len("print(ar")))
        await pilot.press("f9")
        status = lambda: str(app.query_one("#status").render())  # noqa: E731
        assert await wait_for(lambda: "area" in status() and "…" not in status(), pilot, SLOW_S), status()
        await pilot.press("shift+f12")
        assert await wait_for(lambda: "references" in status() and "…" not in status(), pilot, SLOW_S), status()
        assert status().startswith(("3 references", "4 references")), status()  # import, two calls (+ the def)


async def test_f8_lists_the_problems_of_a_broken_file(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "broken.py").write_text("def f(:\n    return 1\n")
    app = CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "broken.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        status = lambda: str(app.query_one("#status").render())  # noqa: E731
        assert await wait_for(lambda: " error" in status(), pilot, SLOW_S), status()
        assert not status().startswith("0 errors"), status()
        line = app.buffer.problems[0].line
        app.code.move_cursor((line + 1, 0))
        app.code.move_cursor((line, 1))
        await pilot.pause()
        assert status().startswith("error: "), status()  # the message of the problem on the cursor's line


async def test_a_broken_file_shows_its_problem_mark_and_count_without_asking(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "broken.py").write_text("def f(:\n    return 1\n")
    app = CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "broken.py")
    async with app.run_test(size=(100, 30)) as pilot:
        fields = lambda: str(app.query_one("#status-fields").render())  # noqa: E731
        assert await wait_for(lambda: "● " in fields(), pilot, SLOW_S), fields()  # no F8 pressed
        assert "lsp ready" in fields(), fields()
        row = app.buffer.problems[0].line
        assert app.code.problem_marks[row].severity == "error"
        await pilot.pause()
        gutter = app.code.render_line(row - app.code.scroll_offset.y).text[: app.code.gutter_width]
        assert gutter == f"{row + 1}● ", gutter  # the mark right after the line number
        assert str(app.query_one("#status").render()).startswith("error: ")  # the cursor is on that line
        # Fixed and saved: the marks and the count go.
        app.replace_text("def f():\n    return 1\n")
        await pilot.press("ctrl+s")
        # (The edit alone may drop the mark, whose text it replaced; the count waits for the server.)
        assert await wait_for(lambda: not app.code.problem_marks and "●" not in fields(), pilot, SLOW_S), fields()
