"""Bracket matching without whole-document scans: TextArea walks every character to the end (or start) of the file
for a bracket with no partner (150 ms on a cursor move in a 100,000-line file); here only bracket characters are
visited, and at most SCAN_LINES rows away from the cursor."""

from __future__ import annotations

import re
from collections.abc import Callable

OPENING = {"(": ")", "[": "]", "{": "}"}
CLOSING = {close: open_ for open_, close in OPENING.items()}
# A partner further away than this is not highlighted: far off screen, and the search must stay a few milliseconds.
SCAN_LINES = 2000
_BRACKET = re.compile(r"[()\[\]{}]")

Location = tuple[int, int]


def matching_bracket(
    line_at: Callable[[int], str], line_count: int, bracket: str, location: Location, limit: int = SCAN_LINES
) -> Location | None:
    """Where the partner of `bracket` (the character at `location`) is, searching forwards from an opening one and
    backwards from a closing one, nested pairs skipped as TextArea does; None when it is not a bracket or there is
    no partner within `limit` rows."""
    if bracket in OPENING:
        return _forward(line_at, min(line_count, location[0] + limit + 1), location)
    if bracket in CLOSING:
        return _backward(line_at, max(0, location[0] - limit), location)
    return None


def _forward(line_at: Callable[[int], str], end_row: int, start: Location) -> Location | None:
    stack: list[str] = []
    row, column = start
    while row < end_row:
        for match in _BRACKET.finditer(line_at(row), column):
            char = match.group()
            if char in OPENING:
                stack.append(char)
            elif stack and stack[-1] == CLOSING[char]:
                stack.pop()
                if not stack:
                    return row, match.start()
        row, column = row + 1, 0
    return None


def _backward(line_at: Callable[[int], str], first_row: int, start: Location) -> Location | None:
    stack: list[str] = []
    row, column = start
    while row >= first_row:
        line = line_at(row)
        end = len(line) if column < 0 else column + 1
        for match in reversed(list(_BRACKET.finditer(line, 0, end))):
            char = match.group()
            if char in CLOSING:
                stack.append(char)
            elif stack and stack[-1] == OPENING[char]:
                stack.pop()
                if not stack:
                    return row, match.start()
        row, column = row - 1, -1
    return None
