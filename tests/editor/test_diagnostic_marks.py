"""Diagnostics as marks: per row, the worst severity for the gutter, the spans to underline, the message to show."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from editor.code_view import CodeView
from editor.diagnostic_marks import LineMarks, counts, mark_gutter, move_marks, problem_marks, underline
from engine.navigation import Problem

PATH = Path("/w/a.py")


def problem(line: int, column: int, severity: str, message: str, end: tuple[int, int] | None = None) -> Problem:
    return Problem(PATH, line, column, severity, message, end)


def test_one_row_one_range() -> None:
    marks = problem_marks([problem(3, 4, "error", "SyntaxError: invalid syntax\nmore", (3, 9))])
    assert marks == {3: LineMarks("error", ((4, 9, "error"),), "SyntaxError: invalid syntax")}


def test_the_worst_problem_of_a_row_gives_its_mark_and_message() -> None:
    marks = problem_marks([problem(1, 0, "warning", "unused", (1, 3)), problem(1, 5, "error", "undefined", (1, 8))])
    assert marks[1].severity == "error" and marks[1].message == "undefined"
    assert marks[1].spans == ((0, 3, "warning"), (5, 8, "error"))


def test_a_range_over_rows_is_underlined_on_each_and_marked_on_the_first() -> None:
    marks = problem_marks([problem(2, 6, "error", "unclosed", (4, 2))])
    assert [marks[row].spans for row in (2, 3, 4)] == [((6, None, "error"),), ((0, None, "error"),), ((0, 2, "error"),)]
    assert marks[2].message == "unclosed" and marks[3].message == ""  # the mark's row carries the message


def test_an_empty_or_missing_range_underlines_one_character() -> None:
    assert problem_marks([problem(0, 6, "error", "x", (0, 6))])[0].spans == ((6, 7, "error"),)
    assert problem_marks([problem(0, 6, "hint", "x")])[0].spans == ((6, 7, "hint"),)


def test_counts() -> None:
    found = [problem(0, 0, "error", "a"), problem(1, 0, "warning", "b"), problem(2, 0, "hint", "c")]
    assert counts(found) == (1, 1)
    assert counts([]) == (0, 0)


def test_underline_styles_only_the_spans() -> None:
    line = Text("def f(:")
    red = Style(color="red", underline=True)
    underline(line, LineMarks("error", ((6, 7, "error"),), "x"), {"error": red})
    assert [(span.start, span.end, span.style) for span in line.spans] == [(6, 7, red)]


def test_the_gutter_mark_replaces_one_margin_cell_keeping_its_background() -> None:
    gutter = Style(bgcolor="blue")
    strip = Strip([Segment(" 5  ", gutter), Segment("def f(:", Style())])
    marked = mark_gutter(strip, 2, "●", Style(color="red"))
    assert marked.text == " 5● def f(:" and marked.cell_length == strip.cell_length
    mark = next(segment for segment in marked if segment.text == "●")
    assert mark.style == gutter + Style(color="red")
    assert mark_gutter(strip, 99, "●", Style()) is strip


ERROR = LineMarks("error", ((4, 7, "error"),), "bad")


def test_marks_below_an_edit_move_by_the_lines_it_adds_or_removes() -> None:
    assert move_marks({1: ERROR, 9: ERROR}, (3, 0), (3, 0), (5, 0)) == {1: ERROR, 11: ERROR}
    assert move_marks({9: ERROR}, (3, 0), (5, 2), (3, 0)) == {7: ERROR}


def test_typing_before_a_span_on_its_row_moves_it_and_typing_inside_it_widens_it() -> None:
    assert move_marks({2: ERROR}, (2, 1), (2, 1), (2, 3)) == {2: LineMarks("error", ((6, 9, "error"),), "bad")}
    assert move_marks({2: ERROR}, (2, 5), (2, 5), (2, 6)) == {2: LineMarks("error", ((4, 8, "error"),), "bad")}


def test_enter_before_a_span_takes_it_to_the_new_line_and_a_deleted_span_goes() -> None:
    assert move_marks({2: ERROR}, (2, 2), (2, 2), (3, 4)) == {3: LineMarks("error", ((6, 9, "error"),), "bad")}
    assert move_marks({2: ERROR}, (2, 3), (2, 8), (2, 3)) == {}


def test_the_code_view_moves_its_marks_with_the_text_until_the_next_fetch() -> None:
    view = CodeView("a = 1\nb = (\nc = 3\n", language="python")
    view.show_marks(problem_marks([Problem(path=Path("m.py"), line=1, column=4, severity="error", message="bad")]))
    view.replace("\n\n", (0, 0), (0, 0))
    assert set(view.problem_marks) == {3} and view.problem_marks[3].message == "bad"
