"""A proposed change split into hunks that can be accepted or rejected one by one. Pure.

Hunks are difflib's grouped opcodes over lines (line ends kept, so a missing final newline is a change like any
other): each covers a span of the old lines that it replaces with new ones, shown with a little context.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

DiffRow = tuple[str, str]  # (" " context, "-" removed, "+" added; the line without its end)


@dataclass(frozen=True)
class Hunk:
    """Old lines [old_start, old_end) become `new_lines` (at new_start in the new text); `rows` is what to show."""

    old_start: int
    old_end: int
    new_start: int
    new_lines: tuple[str, ...]  # with their line ends
    rows: tuple[DiffRow, ...]  # context, removed and added lines in order

    @property
    def header(self) -> str:
        """The unified-diff header of the changed span (1-based, context left out)."""
        old_len, new_len = self.old_end - self.old_start, len(self.new_lines)
        return f"@@ -{_range(self.old_start, old_len)} +{_range(self.new_start, new_len)} @@"


def _range(start: int, length: int) -> str:
    return f"{start + 1 if length else start},{length}"


def _row_text(line: str) -> str:
    return line.rstrip("\r\n")


def diff_hunks(old: str, new: str, context: int = 2) -> tuple[Hunk, ...]:
    """The hunks that turn `old` into `new`; changes fewer than 2*context lines apart share one hunk."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    # Only the middle that differs goes to difflib (with `context` lines either side): on a big file with
    # repeated lines, matching all of it takes seconds, and an edit changes a small part.
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    lo = max(0, prefix - context)
    a_hi, b_hi = len(a) - max(0, suffix - context), len(b) - max(0, suffix - context)
    matcher = difflib.SequenceMatcher(None, a[lo:a_hi], b[lo:b_hi], autojunk=False)
    hunks = []
    for window in matcher.get_grouped_opcodes(context):
        group = [(tag, i1 + lo, i2 + lo, j1 + lo, j2 + lo) for tag, i1, i2, j1, j2 in window]
        changed = [op for op in group if op[0] != "equal"]
        if not changed:
            continue
        rows: list[DiffRow] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [(" ", _row_text(line)) for line in a[i1:i2]]
                continue
            rows += [("-", _row_text(line)) for line in a[i1:i2]]
            rows += [("+", _row_text(line)) for line in b[j1:j2]]
        i_start, j_start = changed[0][1], changed[0][3]
        i_end, j_end = changed[-1][2], changed[-1][4]
        hunks.append(Hunk(i_start, i_end, j_start, tuple(b[j_start:j_end]), tuple(rows)))
    return tuple(hunks)


def apply_hunks(old: str, hunks: Sequence[Hunk], accepted: Collection[int]) -> str:
    """`old` with only the hunks whose index is in `accepted` applied (the hunks must come from `old`, in order)."""
    lines = old.splitlines(keepends=True)
    out: list[str] = []
    at = previous_end = 0
    for index, hunk in enumerate(hunks):
        if not previous_end <= hunk.old_start <= hunk.old_end <= len(lines):
            raise ValueError(f"hunk {index + 1} ({hunk.header}) does not fit the text")
        previous_end = hunk.old_end
        if index not in accepted:
            continue
        out += lines[at : hunk.old_start]
        out += hunk.new_lines
        at = hunk.old_end
    out += lines[at:]
    return "".join(out)


def diff_text(path: str, hunks: Sequence[Hunk]) -> str:
    """A unified diff of the hunks, as plain text (what a review shows, without colour)."""
    out = [f"--- a/{path}", f"+++ b/{path}"]
    for hunk in hunks:
        out.append(hunk.header)
        out += [tag + line for tag, line in hunk.rows]
    return "\n".join(out) + "\n"
