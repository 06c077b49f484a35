"""The edit applier: a parsed model reply plus the files' texts in, the new texts and a unified diff out. Pure.

The work is in engine/apply/: each change is located exact first, then ignoring trailing whitespace, then as a
block shifted as a whole, then across elisions, then fuzzy with a margin (small models copy code badly). A change
that matches nowhere, or in several places, is refused, naming the file and the lines the reply meant: guessing
would edit the wrong code.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from common.textdiff import changed_span
from engine.apply.changes import Applied, apply_changes, apply_search_replace_text
from engine.apply.merge import Refused
from prompts.edit_format import EditReply, SearchReplace

__all__ = [
    "Applied", "EditApplyError", "Location", "Selection", "apply_changes", "apply_reply", "apply_search_replace",
    "replace_selection", "text_replacement", "unified_diff",
]


class EditApplyError(ValueError):
    """The reply cannot be applied to the files as they are; one line."""


@dataclass(frozen=True)
class Selection:
    """Lines [start, end) of `path` that a single-block reply replaces (start == end: insert there)."""

    path: str
    start: int
    end: int


def _lines(text: str) -> list[str]:
    return text.split("\n")


def replace_selection(text: str, selection: Selection, replacement: str) -> str:
    """`text` with the selected lines replaced by `replacement`."""
    lines = _lines(text)
    if not 0 <= selection.start <= selection.end <= len(lines):
        raise EditApplyError(f"{selection.path}: selection {selection.start + 1}-{selection.end} is outside the file")
    new = replacement[:-1] if replacement.endswith("\n") else replacement
    new_lines = _lines(new) if (new or selection.start == selection.end) else []
    if selection.start == selection.end and not replacement:
        new_lines = []
    return "\n".join(lines[: selection.start] + new_lines + lines[selection.end :])


def apply_search_replace(text: str, block: SearchReplace) -> str:
    """`text` with one SEARCH/REPLACE block applied; EditApplyError when it matches nowhere or in several places."""
    try:
        return apply_search_replace_text(text, block)
    except Refused as exc:
        raise EditApplyError(f"{block.path}: {exc}") from None


def apply_reply(
    reply: EditReply, files: Mapping[str, str], selection: Selection | None = None
) -> dict[str, str]:
    """New text per changed path. `files` holds the current text of every file the reply may touch. All or
    nothing: EditApplyError names the first change refused."""
    if reply.replacement is not None:
        if selection is None:
            raise EditApplyError("the reply replaces a selection, but no selection was given")
        return {selection.path: replace_selection(files[selection.path], selection, reply.replacement)}
    applied = apply_changes(reply.blocks, files)
    if applied.refused:
        raise EditApplyError(applied.refused[0])
    deleted = [path for path, text in applied.texts.items() if text is None]
    if deleted:
        raise EditApplyError(f"{deleted[0]}: the reply deletes the file; only `caret apply` deletes files")
    return {path: text for path, text in applied.texts.items() if text is not None}


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff of one file, `a/PATH` to `b/PATH`."""
    out = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


Location = tuple[int, int]


def text_replacement(old: str, new: str) -> tuple[Location, Location, str]:
    """The smallest whole-line replacement (start, end, text) in (row, column) terms that turns `old` into
    `new`, so an editor applies an accepted edit as one small change: one undo step, and the view stays put."""
    a, b = old.split("\n"), new.split("\n")
    start, end_a, end_b = changed_span(a, b)
    lines = b[start:end_b]
    if end_a < len(a):
        return (start, 0), (end_a, 0), "".join(line + "\n" for line in lines)
    # The change reaches the last line: replace from the end of the line before it, so no newline is left over.
    end = (len(a) - 1, len(a[-1]))
    if start == 0:
        return (0, 0), end, "\n".join(lines)
    return (start - 1, len(a[start - 1])), end, "".join("\n" + line for line in lines)
