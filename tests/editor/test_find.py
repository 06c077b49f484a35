"""Find and replace (Ctrl+F, Ctrl+H) and go to line: the pure functions, then the bar through Pilot."""

from __future__ import annotations

from pathlib import Path

from editor.app import CaretApp
from editor.code_view import CodeView
from editor.find import FindBar, compile_query, find_matches, parse_line_target, pick_match
from engine.session import Session

FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}
SOURCE = "Path = 1\npath = 2\nprint(path, Path)\n"


def make_app(tmp_path: Path) -> CaretApp:
    path = tmp_path / "a.py"
    path.write_text(SOURCE)
    return CaretApp(Session.open(tmp_path, env={}, flags=FLAGS), open_path=path)


def test_matches_by_case_and_regex() -> None:
    assert find_matches(SOURCE, compile_query("path", case=False, regex=False)) == [(0, 4), (9, 13), (24, 28), (30, 34)]
    assert find_matches(SOURCE, compile_query("path", case=True, regex=False)) == [(9, 13), (24, 28)]
    assert find_matches("a.b axb", compile_query("a.b", case=True, regex=False)) == [(0, 3)]
    assert find_matches("a.b axb", compile_query("a.b", case=True, regex=True)) == [(0, 3), (4, 7)]
    assert find_matches("aaa", compile_query("x*", case=True, regex=True)) == []  # empty matches are no matches


def test_pick_match_wraps_both_ways() -> None:
    matches = [(0, 2), (5, 7), (9, 11)]
    assert pick_match(matches, 0, 2, forward=True) == 1
    assert pick_match(matches, 9, 11, forward=True) == 0
    assert pick_match(matches, 5, 7, forward=False) == 0
    assert pick_match(matches, 0, 2, forward=False) == 2
    assert pick_match([], 0, 0, forward=True) is None


def test_parse_line_target() -> None:
    assert parse_line_target("3", 10) == (2, 0)
    assert parse_line_target("3:7", 10) == (2, 6)
    assert parse_line_target("99", 10) == (9, 0)
    assert parse_line_target("x", 10) is None
    assert parse_line_target("", 10) is None


async def test_find_next_previous_case_and_escape(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("ctrl+f", *"path", "enter")
        assert code.selection.start == (0, 0)  # case-insensitive: "Path" first
        await pilot.press("enter")
        assert code.selection.start == (1, 0)
        await pilot.press("shift+f3")
        assert code.selection.start == (0, 0)
        await pilot.press("alt+c", "enter")  # match case now
        assert code.selection.start == (1, 0)
        await pilot.press("escape")
        assert not app.query_one(FindBar).has_class("-open")
        assert app.focused is code
        await pilot.press("ctrl+f")
        assert app.query_one(FindBar).has_class("-open")
        code.focus()
        await pilot.press("escape")  # Escape in the code closes the bar and stays in the code
        assert not app.query_one(FindBar).has_class("-open")
        assert app.focused is code


async def test_replace_one_then_all_each_one_undo_step(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("ctrl+f", *"path", "alt+c", "enter")
        await pilot.press("ctrl+r", *"where", "enter")  # Ctrl+R: Ctrl+H where the terminal sends Backspace for it
        assert code.text == "Path = 1\nwhere = 2\nprint(path, Path)\n"
        await pilot.press("alt+a")
        assert code.text == "Path = 1\nwhere = 2\nprint(where, Path)\n"
        code.focus()
        await pilot.press("ctrl+z")
        assert code.text == "Path = 1\nwhere = 2\nprint(path, Path)\n"


async def test_regex_replace_expands_groups(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        await pilot.press("ctrl+f", "alt+r", *r"(\w+) = (\d)")
        await pilot.press("ctrl+r", *r"\2 = \1", "alt+a")
        assert code.text == "1 = Path\n2 = path\nprint(path, Path)\n"
