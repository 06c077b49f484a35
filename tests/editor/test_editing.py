"""Editing as people expect: the pure text functions, then the keys through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

from textual import events

from editor.app import CaretApp
from editor.code_view import CodeView, GhostTail, clip_lines
from editor.editing import index_to_location, location_to_index, newline_indent, next_occurrence, toggle_comment
from engine.languages import comment_prefix, highlighter, indentation
from engine.session import Session
from tests.editor.pilot import wait_for

FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}
SOURCE = "import os\n\n\ndef read_file(path):\n    return path\n"


def make_app(tmp_path: Path, name: str = "util.py", source: str = SOURCE) -> tuple[CaretApp, Path]:
    path = tmp_path / name
    path.write_text(source)
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=path), path


def test_newline_indent_keeps_indents_and_dedents() -> None:
    assert newline_indent("    x = 1", "python", "    ") == "    "
    assert newline_indent("def f():", "python", "    ") == "    "
    assert newline_indent("    if x:  ", "python", "    ") == "        "
    assert newline_indent("        return x", "python", "    ") == "    "
    assert newline_indent("    pass", "python", "    ") == ""
    assert newline_indent("func main() {", "go", "\t") == "\t"
    assert newline_indent("label:", "go", "\t") == ""  # ':' opens a block in Python only
    assert newline_indent("  return x", "javascript", "  ") == "  "


def test_toggle_comment_adds_at_the_common_indent_and_removes() -> None:
    lines = ["    a = 1", "", "        b = 2"]
    commented = toggle_comment(lines, "#")
    assert commented == ["    # a = 1", "", "    #     b = 2"]
    assert toggle_comment(commented, "#") == lines
    assert toggle_comment(["// x", "y"], "//") == ["// // x", "// y"]  # not all commented: comment all


def test_next_occurrence_wraps_and_index_conversions_agree() -> None:
    text = "ab ab ab"
    assert next_occurrence(text, "ab", 2) == 3
    assert next_occurrence(text, "ab", 7) == 0
    assert next_occurrence(text, "zz", 0) is None
    lines = ["abc", "", "de"]
    for index in range(len("abc\n\nde") + 1):
        assert location_to_index(lines, index_to_location(lines, index)) == index


def test_clip_lines_fits_the_region() -> None:
    assert clip_lines("abcdef\nxyz\nlast", 2, 3) == "abc\nxyz"
    assert clip_lines("abc", 0, 10) == ""


def test_languages_give_comments_indentation_and_grammars() -> None:
    assert comment_prefix("python") == "#"
    assert comment_prefix("cpp") == "//"
    assert comment_prefix(None) == ""
    assert indentation("go") == ("tabs", 4)
    assert indentation("typescript") == ("spaces", 2)
    assert indentation("python") == ("spaces", 4)
    for language in ("typescript", "tsx", "c", "cpp"):
        assert highlighter(language) is not None, language
    assert highlighter("python") is None  # Textual highlights it itself


async def test_escape_with_nothing_to_dismiss_stays_in_the_editor(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("escape")
        assert app.focused is code
        await pilot.press("x")
        assert code.text.startswith("x")


async def test_no_ghost_text_over_a_selection(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 4))
        code.show_ghost_text("x = 1")
        await pilot.press("shift+right")
        assert code.ghost_text == "" and code.suggestion == ""
        code.show_ghost_text("y = 2")  # a late answer while text is selected is not shown
        assert code.ghost_text == ""


async def test_ghost_tail_never_covers_the_status_line(tmp_path: Path) -> None:
    source = "".join(f"x{n} = {n}\n" for n in range(40))
    app, _ = make_app(tmp_path, source=source)
    async with app.run_test(size=(100, 20)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((code.size.height - 2, 0))
        await pilot.pause()
        code.show_ghost_text("a\n" + "\n".join(f"tail {n}" for n in range(10)))
        await pilot.pause()
        tail = app.query_one(GhostTail)
        assert tail.display
        assert tail.region.bottom <= code.content_region.bottom
        assert not tail.region.overlaps(app.query_one("#status").region)
        assert tail.region.right == code.content_region.right  # the lines under it hidden whole, not half shown


async def test_file_start_end_home_and_auto_indent(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("ctrl+end")
        assert code.cursor_location == code.document.end
        await pilot.press("ctrl+home")
        assert code.cursor_location == (0, 0)
        code.move_cursor((4, 10))
        await pilot.press("home")
        assert code.cursor_location == (4, 4)  # the first non-blank
        await pilot.press("home")
        assert code.cursor_location == (4, 0)
        code.move_cursor((3, len("def read_file(path):")))
        await pilot.press("enter", *"x")
        assert code.document.get_line(4) == "    x"
        code.move_cursor((5, len("    return path")))
        await pilot.press("enter", *"y")
        assert code.document.get_line(6) == "y"


async def test_toggle_comment_and_select_next_occurrence(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((3, 0))
        code.move_cursor((4, 3), select=True)
        await pilot.press("ctrl+underscore")  # what a terminal sends for Ctrl+/
        assert code.text.splitlines()[3:5] == ["# def read_file(path):", "#     return path"]
        await pilot.press("ctrl+z")
        assert code.text == SOURCE
        code.move_cursor((3, len("def read_file(pa")))
        await pilot.press("ctrl+d")
        assert code.selected_text == "path"
        await pilot.press("ctrl+d")
        assert code.selection.start == (4, len("    return "))


async def test_go_to_line(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("ctrl+g", *"5:5", "enter")
        await pilot.pause()
        assert code.cursor_location == (4, 4)
        assert app.focused is code


async def test_go_uses_tabs_and_typescript_is_highlighted(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text("const x: number = 1;\n")
    app, _ = make_app(tmp_path, "main.go", "package main\n\nfunc main() {\n}\n")
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        assert code.indent_type == "tabs"
        code.move_cursor((2, len("func main() {")))
        await pilot.press("enter")
        assert code.document.get_line(3) == "\t"
        app.open_file(tmp_path / "app.ts")  # a new tab: the Go buffer keeps its unsaved work
        await pilot.pause()
        code = app.code
        assert code.language == "typescript"
        assert code._highlights  # TextArea keeps its highlighting only in this private map


async def test_saving_keeps_the_trailing_newline(tmp_path: Path) -> None:
    app, path = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((0, 0))
        await pilot.press("#", "ctrl+s")
        await pilot.pause()
        assert path.read_text() == "#" + SOURCE


async def test_a_bound_key_and_the_key_typed_right_after_it_keep_their_order(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, source="abc\ndef\n")
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((0, 0))
        await pilot.pause()
        for key, character in (("end", None), ("enter", "\r"), ("x", "x")):  # as a fast typist sends them
            event = events.Key(key, character)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        assert await wait_for(lambda: code.document.line_count == 4, pilot, 10)
        await pilot.pause()
        assert code.text == "abc\nx\ndef\n"  # End, then Enter: not Enter at the start of the line
