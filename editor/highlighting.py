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
