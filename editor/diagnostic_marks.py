"""Diagnostics drawn in the code view: a mark after the line number of each line with a problem, and an underline
of each problem's range. The marks are computed once per fetch (row -> marks); drawing looks up only the rows it
draws, so the cost per frame is that of the visible lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.document._document import EditResult
from textual.document._edit import Edit
from textual.strip import Strip
from textual.widgets import TextArea

from engine.navigation import Problem

# Worst first: a line shows the mark of its worst problem.
SEVERITIES = ("error", "warning", "info", "hint")
MARKS = {"error": "●", "warning": "▲", "info": "•", "hint": "·"}

# (start column, end column or None for the line's end, severity) on one row.
Span = tuple[int, int | None, str]


@dataclass(frozen=True)
class LineMarks:
    """What one row shows: the worst severity (its gutter mark), the spans to underline, the first message."""

    severity: str
    spans: tuple[Span, ...]
    message: str


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def problem_marks(problems: Iterable[Problem]) -> dict[int, LineMarks]:
    """Row -> marks for `problems`: a gutter mark on the first row of each, its range underlined on every row it
    covers (an empty range: the one character at its start)."""
    spans: dict[int, list[Span]] = {}
    first: dict[int, Problem] = {}
    for problem in problems:
        end_row, end_column = problem.end or (problem.line, problem.column)
        if (end_row, end_column) <= (problem.line, problem.column):
            end_row, end_column = problem.line, problem.column + 1
        for row in range(problem.line, end_row + 1):
            start = problem.column if row == problem.line else 0
            end = end_column if row == end_row else None
            spans.setdefault(row, []).append((start, end, problem.severity))
        worst = first.get(problem.line)
        if worst is None or _rank(problem.severity) < _rank(worst.severity):
            first[problem.line] = problem
    marks = {}
    for row, row_spans in spans.items():
        worst_here = min((severity for _, _, severity in row_spans), key=_rank)
        shown = first.get(row)
        marks[row] = LineMarks(
            shown.severity if shown else worst_here, tuple(row_spans), shown.message.split("\n", 1)[0] if shown else ""
        )
    return marks


def move_marks(
    marks: Mapping[int, LineMarks], top: tuple[int, int], bottom: tuple[int, int], end: tuple[int, int]
) -> dict[int, LineMarks]:
    """`marks` moved by an edit that replaced `top`..`bottom` with text now ending at `end` (rows and columns as
    the editor counts them), until the next fetch says where the problems are: rows below move by the lines it
    added or removed, spans after it on its last row move with that text; spans inside the replaced text go."""
    (top_row, top_column), (old_row, old_column), (new_row, new_column) = top, bottom, end
    moved: dict[int, LineMarks] = {}
    split: dict[int, list[tuple[Span, LineMarks]]] = {}
    for row, line in marks.items():
        if row < top_row:
            moved[row] = line
        elif row > old_row:
            moved[row + new_row - old_row] = line
        else:
            for first, last, severity in line.spans:
                shift = new_column - old_column
                if row == top_row and first < top_column:  # before the edit: stays, cut where the edit begins
                    stop: int | None = last if last is not None and last <= top_column else top_column
                    if top_row == old_row == new_row and (last is None or last > old_column):  # typed inside it
                        stop = None if last is None else last + shift
                    split.setdefault(top_row, []).append(((first, stop, severity), line))
                elif row == old_row and first >= old_column:  # after it: moves with the text after it
                    stop = None if last is None else last + shift
                    split.setdefault(new_row, []).append(((first + shift, stop, severity), line))
    for row, kept in split.items():
        spans = tuple(span for span, _ in kept)
        worst = min(kept, key=lambda item: _rank(item[0][2]))
        moved[row] = LineMarks(worst[0][2], spans, worst[1].message)
    return moved


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings) among `problems`; infos and hints count as neither."""
    errors = warnings = 0
    for problem in problems:
        errors += problem.severity == "error"
        warnings += problem.severity == "warning"
    return errors, warnings


def underline(line: Text, marks: LineMarks, styles: Mapping[str, Style]) -> None:
    """Underline `marks`' spans in `line` (in place), each in its severity's style."""
    for start, end, severity in marks.spans:
        line.stylize(styles.get(severity, Style(underline=True)), start, end)


def mark_gutter(strip: Strip, column: int, mark: str, style: Style) -> Strip:
    """`strip` with the cell at `column` (in the gutter's margin) replaced by `mark`, drawn in `style` over the
    gutter's own style."""
    if column < 0 or column >= strip.cell_length:
        return strip
    cell = list(strip.crop(column, column + 1))
    base = cell[0].style if cell and cell[0].style is not None else Style()
    parts = [strip.crop(0, column), Strip([Segment(mark, base + style)], 1), strip.crop(column + 1, strip.cell_length)]
    return Strip.join(parts)


class MarkedArea(TextArea):
    """A TextArea that draws diagnostics: `show_marks(problem_marks(...))`; only drawn rows are looked up."""

    COMPONENT_CLASSES = {"marked-area--error", "marked-area--warning", "marked-area--info"}
    DEFAULT_CSS = """
    MarkedArea .marked-area--error { color: $error; text-style: underline; }
    MarkedArea .marked-area--warning { color: $warning; text-style: underline; }
    MarkedArea .marked-area--info { color: $primary; text-style: underline; }
    """
    problem_marks: Mapping[int, LineMarks] = {}  # class default: TextArea draws during __init__

    def show_marks(self, marks: Mapping[int, LineMarks]) -> None:
        """Draw `marks` from now on (the rows drawn already are redrawn)."""
        self.problem_marks = marks
        self._line_cache.clear()
        self.refresh()

    def edit(self, edit: Edit) -> EditResult:
        """TextArea's edit, the marks moved with the text (until the next fetch of problems)."""
        result = super().edit(edit)
        if self.problem_marks:
            self.problem_marks = move_marks(self.problem_marks, edit.top, edit.bottom, result.end_location)
        return result

    def _styles(self, underlined: bool) -> dict[str, Style]:
        styles = {}
        for severity in ("error", "warning", "info"):
            style = self.get_component_rich_style(f"marked-area--{severity}", partial=True)
            styles[severity] = style if underlined else Style(color=style.color, bold=True)
        styles["hint"] = Style(underline=True) if underlined else Style(dim=True)
        return styles

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        marks = self.problem_marks.get(line_index) if self.problem_marks else None
        if marks is not None:
            underline(line, marks, self._styles(underlined=True))
        return line

    def row_marks(self, row: int) -> object:
        """The row's marks, for the key its drawn line is cached by (editor/fast_area.py)."""
        return self.problem_marks.get(row) if self.problem_marks else None

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        if not self.problem_marks or not self.show_line_numbers:
            return strip
        try:  # the first visual line of a (soft-wrapped) document line carries its number, and the mark
            row, section = self.wrapped_document._offset_to_line_info[y + self.scroll_offset.y]
        except IndexError:
            return strip
        marks = self.problem_marks.get(row)
        if marks is None or section:
            return strip
        style = self._styles(underlined=False).get(marks.severity, Style())
        return mark_gutter(strip, self.gutter_width - 2, MARKS.get(marks.severity, "●"), style)
