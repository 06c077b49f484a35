"""The edit applier: a parsed model reply plus the files' texts in, the new texts and a unified diff out. Pure.

SEARCH blocks are matched exactly first, then ignoring trailing whitespace, then ignoring indentation (the
replacement is re-indented by the difference), because small models copy whitespace badly. A block that matches
nowhere, or in several places, is an error naming the file and the first searched line: guessing would edit the
wrong code.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from common.textdiff import changed_span
from prompts.edit_format import EditReply, SearchReplace


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


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _find(haystack: list[str], needle: list[str], key: str) -> list[int]:
    def norm(line: str) -> str:
        if key == "exact":
            return line
        if key == "rstrip":
            return line.rstrip()
        return line.strip()

    target = [norm(line) for line in needle]
    normed = [norm(line) for line in haystack]
    n = len(target)
    return [i for i in range(len(normed) - n + 1) if normed[i : i + n] == target]


def apply_search_replace(text: str, block: SearchReplace) -> str:
    """`text` with one SEARCH/REPLACE block applied; EditApplyError when it matches nowhere or in several places."""
    lines = _lines(text)
    search = _lines(block.search.rstrip("\n")) if block.search.strip() else []
    replace = _lines(block.replace.rstrip("\n")) if block.replace.strip() else []
    if not search:
        # An empty SEARCH appends (how models create content in a new or empty file).
        body = text.rstrip("\n")
        joined = "\n".join(replace)
        return (body + "\n" + joined + "\n") if body else joined + "\n"
    for key in ("exact", "rstrip", "strip"):
        found = _find(lines, search, key)
        if len(found) > 1:
            raise EditApplyError(
                f"{block.path}: the SEARCH text starting {search[0].strip()!r} matches {len(found)} places"
            )
        if found:
            at = found[0]
            if key == "strip":
                # Shift the replacement by the indentation the model got wrong.
                have, wrote = _indent(lines[at]), _indent(search[0])
                replace = [
                    (have + line[len(wrote):] if line.startswith(wrote) else have + line.lstrip()) if line else line
                    for line in replace
                ]
            return "\n".join(lines[:at] + replace + lines[at + len(search) :])
    raise EditApplyError(f"{block.path}: the SEARCH text starting {search[0].strip()!r} is not in the file")


def apply_reply(
    reply: EditReply, files: Mapping[str, str], selection: Selection | None = None
) -> dict[str, str]:
    """New text per changed path. `files` holds the current text of every file the reply may touch."""
    if reply.replacement is not None:
        if selection is None:
            raise EditApplyError("the reply replaces a selection, but no selection was given")
        return {selection.path: replace_selection(files[selection.path], selection, reply.replacement)}
    out: dict[str, str] = {}
    for block in reply.blocks:
        if block.path not in files and block.path not in out:
            if block.search.strip():
                raise EditApplyError(f"{block.path}: not a file of this edit")
            current = ""
        else:
            current = out.get(block.path, files.get(block.path, ""))
        out[block.path] = apply_search_replace(current, block)
    return {path: text for path, text in out.items() if text != files.get(path)}


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
