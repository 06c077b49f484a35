"""Highlighting only what is drawn: TextArea re-queries the whole syntax tree after every edit (170 ms a key in a
10,000-line file); here an edit only forgets the highlights, and a block of lines is queried (a tree-sitter point
range) the first time one of its lines is drawn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

# A highlight as TextArea draws it: (start byte, end byte or None for the line's end, capture name).
Highlight = tuple[int, int | None, str]
# Lines queried at once: a screenful or two, so scrolling queries rarely and an edit re-queries little.
BLOCK_LINES = 64


class SyntaxNode(Protocol):
    """What a tree-sitter node offers here: where it starts and ends, as (row, byte column) points."""

    @property
    def start_point(self) -> tuple[int, int]: ...

    @property
    def end_point(self) -> tuple[int, int]: ...


# (first row, end row) -> {capture name: nodes} intersecting those rows.
QueryRows = Callable[[int, int], Mapping[str, Sequence[SyntaxNode]]]


def block_highlights(captures: Mapping[str, Sequence[SyntaxNode]], first: int, end: int) -> dict[int, list[Highlight]]:
    """The highlights of rows `first` to `end` (exclusive) from a query's captures; a node running past the block
    is cut at its edges, as TextArea cuts nodes at line ends."""
    rows: dict[int, list[Highlight]] = {row: [] for row in range(first, end)}
    for name, nodes in captures.items():
        for node in nodes:
            for row, highlight in _node_rows(node, name, first, end):
                rows[row].append(highlight)
    return rows


def _node_rows(node: SyntaxNode, name: str, first: int, end: int) -> Iterable[tuple[int, Highlight]]:
    (start_row, start_column), (end_row, end_column) = node.start_point, node.end_point
    if start_row == end_row:
        if first <= start_row < end:
            yield start_row, (start_column, end_column, name)
        return
    for row in range(max(start_row, first), min(end_row, end - 1) + 1):
        if row == start_row:
            yield row, (start_column, None, name)
        elif row == end_row:
            yield row, (0, end_column, name)
        else:
            yield row, (0, None, name)


class VisibleHighlights(dict[int, list[Highlight]]):
    """TextArea's row -> highlights map, filled BLOCK_LINES rows at a time when a row is first read (drawn)."""

    def __init__(self, query_rows: QueryRows) -> None:
        super().__init__()
        self._query_rows = query_rows
        self.blocks_queried = 0  # for tests and the benchmark: how much querying drawing caused

    def __missing__(self, row: int) -> list[Highlight]:
        first = row - row % BLOCK_LINES
        end = first + BLOCK_LINES
        self.update(block_highlights(self._query_rows(first, end), first, end))
        self.blocks_queried += 1
        return self.setdefault(row, [])

    def __bool__(self) -> bool:  # TextArea skips highlighting when the map is falsy; this one fills on demand
        return True


# Where an edit lies in (row, byte column) points, as tree-sitter's edit takes it: start, old end, new end.
Point = tuple[int, int]
EditPoints = tuple[Point, Point, Point]
# An edit as the highlights drawn before its parse move by it: its points, and whether what it typed joins the span
# ending where it was typed (`typed_joins`).
Move = tuple[EditPoints, bool]


def shift_highlights(
    rows: Mapping[int, Sequence[Highlight]], edit: EditPoints, joins: bool = False
) -> dict[int, list[Highlight]]:
    """`rows`' highlights moved by `edit`, as they will be once the edit is parsed, as far as the edit does not change
    them: rows below move by the lines it adds or removes, spans after it on its last row move by the columns it
    adds; spans inside the removed text go. Inserted text takes the colour of a span it was typed into (a string),
    and with `joins` (`typed_joins`) of a span ending where it was typed; the parse that follows colours the rest."""
    (top, start), (old_row, old_end), (new_row, new_end) = edit
    moved: dict[int, list[Highlight]] = {}
    for row, spans in rows.items():
        if row < top:
            moved[row] = list(spans)
        elif row > old_row:
            moved[row + new_row - old_row] = list(spans)
        elif top == old_row == new_row:  # an edit within one line
            moved[row] = [
                span for span in (_within_line(span, start, old_end, new_end, joins) for span in spans) if span
            ]
        else:  # the head of the first row stays, the tail of the last row moves to the new last row
            if row == top:
                moved.setdefault(top, []).extend(
                    (first, start if last is None or last > start else last, name)
                    for first, last, name in spans
                    if first < start
                )
            if row == old_row:
                moved.setdefault(new_row, []).extend(
                    (max(first, old_end) - old_end + new_end, None if last is None else last - old_end + new_end, name)
                    for first, last, name in spans
                    if last is None or last > old_end
                )
    return moved


def typed_joins(typed: str, at_line_end: bool) -> bool:
    """Whether text typed right after a span belongs to it until the parse says otherwise: more of a word (an
    identifier typed on), or anything typed at the end of a line (a comment typed on)."""
    return bool(typed) and "\n" not in typed and (at_line_end or typed.replace("_", "a").isalnum())


def _within_line(span: Highlight, start: int, old_end: int, new_end: int, joins: bool) -> Highlight | None:
    first, last, name = span
    if first >= start:  # a span starting at the edit does not take in what is typed before it
        first = first - old_end + new_end if first >= old_end else new_end
    if last is not None and (last > start or (joins and last == start == old_end)):
        last = last - old_end + new_end if last >= old_end else start
    return None if last is not None and last <= first else (first, last, name)


class HeldHighlights(dict[int, list[Highlight]]):
    """The highlights drawn between an edit and its parse: the last parse's, moved by the edits since
    (`shift_highlights`); a row never queried has none until the parse ends."""

    def __missing__(self, row: int) -> list[Highlight]:
        return []

    def __bool__(self) -> bool:  # TextArea draws no highlights at all from a falsy map
        return True
