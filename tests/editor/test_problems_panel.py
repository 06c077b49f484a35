"""The problems panel: the pure rows and title, and F8 with the real jedi-language-server (list, go to, Escape)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from editor.app import CaretApp
from editor.problems_panel import ProblemsPanel, problem_rows, summary
from engine.navigation import Problem
from engine.session import Session
from tests.editor.pilot import wait_for

SLOW_S = 60.0  # the first query starts the server; the machine may be busy


def problem(line: int, severity: str = "error", message: str = "bad") -> Problem:
    return Problem(Path("/ws/a.py"), line, 2, severity, message)


def test_rows_go_file_by_file_and_line_by_line_with_one_line_messages() -> None:
    rows = problem_rows([("a.py", [problem(9, "warning", "unused\nimport"), problem(2)]), ("b.py", [problem(0)])])
    assert [label for label, _ in rows] == [
        "a.py:3:3 ● error: bad",
        "a.py:10:3 ▲ warning: unused import",
        "b.py:1:3 ● error: bad",
    ]
    assert (rows[1][1].line, rows[1][1].column) == (9, 2)


def test_the_title_counts_errors_and_the_rest() -> None:
    assert summary([]) == "Problems: none in the open files"
    files = [("a.py", [problem(1), problem(2, "warning")]), ("b.py", [problem(3)]), ("c.py", [])]
    assert summary(files) == "Problems: 2 errors, 1 other, in 2 files"


async def test_f8_opens_the_panel_enter_goes_to_the_problem_and_escape_closes_it(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "broken.py").write_text("import os\n\n\ndef f(:\n    return 1\n")
    session = Session.open(tmp_path, env={}, flags={"completion.enabled": "false"})
    app = CaretApp(session, open_path=tmp_path / "broken.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        panel = app.query_one(ProblemsPanel)
        options = panel.query_one(OptionList)
        assert await wait_for(lambda: panel.is_open and options.option_count > 0, pilot, SLOW_S)
        assert str(options.get_option_at_index(0).prompt).startswith("broken.py:4:")
        assert app.focused is options
        app.open_file(tmp_path / "ok.py")  # another tab: the panel still lists broken.py's problems
        await pilot.pause()
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        assert await wait_for(lambda: app.rel_path == "broken.py" and app.code.cursor_location[0] == 3, pilot, 5)
        options.focus()
        await pilot.press("escape")
        assert await wait_for(lambda: not panel.is_open, pilot, 5)
        assert app.focused is app.code
