"""Diagnostics as marks: per row, the worst severity for the gutter, the spans to underline, the message to show."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from editor.diagnostic_marks import LineMarks, counts, mark_gutter, problem_marks, underline
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
