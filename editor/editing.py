"""Editing as people expect it: auto-indent, file start/end, toggle comment, select next occurrence, Escape that
stays. Pure functions do the text work; `EditorArea` binds them to keys on Textual's TextArea."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets.text_area import Selection

from editor.brackets import matching_bracket
from editor.fast_area import FastArea
from engine.languages import comment_prefix, highlight_language, highlighter, indentation, language_for

# Python lines after which the next line is one level shallower: the block they end has nothing more to run.
_PY_DEDENT = re.compile(r"^\s*(return|pass|break|continue|raise)\b")
_WORD_CHAR = re.compile(r"\w")


def line_indent(line: str) -> str:
    """The leading whitespace of `line`."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def newline_indent(before_cursor: str, language: str | None, unit: str) -> str:
    """The indentation Enter starts the new line with, given the line's text before the cursor: the same as the
    line, one `unit` deeper after a block opener, one shallower after return/pass/... in Python."""
    indent = line_indent(before_cursor)
    code = before_cursor.rstrip()
    openers = ":{([" if language == "python" else "{(["
    if code.endswith(tuple(openers)):
        return indent + unit
    if language == "python" and _PY_DEDENT.match(code):
        return indent[: -len(unit)] if indent.endswith(unit) else indent[: max(0, len(indent) - len(unit))]
    return indent


def toggle_comment(lines: Sequence[str], prefix: str) -> list[str]:
    """Comment the lines out with `prefix` (at their common indentation), or uncomment them when every non-blank
    line already is; blank lines are left alone."""
    filled = [line for line in lines if line.strip()]
    if not filled or not prefix:
        return list(lines)
    if all(line.lstrip().startswith(prefix) for line in filled):
        return [_uncomment(line, prefix) for line in lines]
    column = min(len(line_indent(line)) for line in filled)
    return [f"{line[:column]}{prefix} {line[column:]}" if line.strip() else line for line in lines]


def _uncomment(line: str, prefix: str) -> str:
    indent = line_indent(line)
    rest = line[len(indent) :]
    if not rest.startswith(prefix):
        return line
    rest = rest[len(prefix) :]
    return indent + (rest[1:] if rest.startswith(" ") else rest)


def next_occurrence(text: str, needle: str, start: int) -> int | None:
    """The index of the next `needle` at or after `start`, wrapping to the top; None when there is none."""
    if not needle:
        return None
    found = text.find(needle, start)
    if found < 0:
        found = text.find(needle, 0, start + len(needle) - 1)
    return found if found >= 0 else None


def location_to_index(lines: Sequence[str], location: tuple[int, int], newline: int = 1) -> int:
    """The index in the joined text of (row, column), lines joined by a `newline` of that length."""
    row, column = location
    return sum(len(line) + newline for line in lines[:row]) + column


def index_to_location(lines: Sequence[str], index: int, newline: int = 1) -> tuple[int, int]:
    """The (row, column) of an index in the joined text; the last location when it is past the end."""
    for row, line in enumerate(lines):
        if index <= len(line):
            return row, index
        index -= len(line) + newline
    return len(lines) - 1, len(lines[-1]) if lines else 0


def word_at(line: str, column: int) -> tuple[int, int]:
    """The (start, end) columns of the word at `column` in `line`; empty when the cursor touches no word."""
    start = column
    while start > 0 and _WORD_CHAR.match(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _WORD_CHAR.match(line[end]):
        end += 1
    return start, end


def apply_language(area: EditorArea, path: Path, first_line: str) -> str | None:
    """Set the area's highlighting, indentation and comment prefix for the file at `path`; its language."""
    language = language_for(path, first_line)
    area.code_language = language
    area.comment_prefix = comment_prefix(language)
    area.indent_type, area.indent_width = indentation(language)
    grammar = highlighter(language)
    if language is not None and grammar is not None:
        if language not in area.available_languages:
            area.register_language(language, *grammar)
        area.language = language
    else:
        area.language = highlight_language(path, first_line)
    return language


class EditorArea(FastArea):
    """TextArea with editor keys: Ctrl+Home/End, auto-indent, Ctrl+/ comments, Ctrl+D next occurrence; Escape
    is left to the app (it dismisses a panel, or nothing) instead of moving the focus away."""

    BINDINGS = [
        Binding("ctrl+home", "document_start", "File start", show=False),
        Binding("ctrl+end", "document_end", "File end", show=False),
        Binding("ctrl+shift+home", "document_start(True)", "Select to file start", show=False),
        Binding("ctrl+shift+end", "document_end(True)", "Select to file end", show=False),
        Binding("ctrl+slash,ctrl+underscore", "toggle_comment", "Comment", show=False),
        Binding("ctrl+d", "select_next_occurrence", "Next occurrence", show=False),
    ]

    class Escaped(Message):
        """Escape reached the editor with nothing of its own to dismiss."""

    code_language: str | None = None  # caret's language name ("python"), for indent and comment rules
    comment_prefix: str = ""

    def find_matching_bracket(self, bracket: str, search_from: tuple[int, int]) -> tuple[int, int] | None:
        """The partner of the bracket at the cursor, for TextArea to highlight: a bounded search (brackets.py)."""
        return matching_bracket(self.document.get_line, self.document.line_count, bracket, search_from)

    def action_document_start(self, select: bool = False) -> None:
        """Move the cursor to the start of the file."""
        self.move_cursor((0, 0), select=select)

    def action_document_end(self, select: bool = False) -> None:
        """Move the cursor to the end of the file."""
        self.move_cursor(self.document.end, select=select)

    def indent_unit(self) -> str:
        """One level of indentation: a tab, or indent_width spaces."""
        return "\t" if self.indent_type == "tabs" else " " * self.indent_width

    def action_toggle_comment(self) -> None:
        """Comment or uncomment the selected lines (or the cursor's line) as one undo step."""
        if self.read_only or not self.comment_prefix:
            return
        start, end = sorted((self.selection.start, self.selection.end))
        last = end[0] - 1 if end[1] == 0 and end[0] > start[0] else end[0]
        lines = [self.document.get_line(row) for row in range(start[0], last + 1)]
        new = toggle_comment(lines, self.comment_prefix)
        if new == lines:
            return
        old_end = (last, len(lines[-1]))
        self.replace("\n".join(new), (start[0], 0), old_end)
        shift = len(new[-1]) - len(lines[-1])
        self.selection = Selection((start[0], 0), (last, max(0, old_end[1] + shift)))

    def action_select_next_occurrence(self) -> None:
        """Select the word at the cursor; with a selection, select its next occurrence (wrapping)."""
        selection = self.selection
        if selection.is_empty:
            row, column = selection.end
            first, last = word_at(self.document.get_line(row), column)
            if first < last:
                self.selection = Selection((row, first), (row, last))
            return
        start, end = sorted((selection.start, selection.end))
        needle = self.get_text_range(start, end)
        found = next_occurrence(self.text, needle, self.index_of(end))
        if found is not None:
            self.selection = Selection(self.location_of(found), self.location_of(found + len(needle)))
            self.scroll_cursor_visible()

    def index_of(self, location: tuple[int, int]) -> int:
        """The index of `location` in `self.text`."""
        return location_to_index(self.document.lines, location, len(self.document.newline))

    def location_of(self, index: int) -> tuple[int, int]:
        """The location of an index in `self.text`."""
        return index_to_location(self.document.lines, index, len(self.document.newline))

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(self.Escaped())  # TextArea would move the focus on; the app decides instead
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            start, end = sorted((self.selection.start, self.selection.end))
            before = self.document.get_line(start[0])[: start[1]]
            indent = newline_indent(before, self.code_language, self.indent_unit())
            self._replace_via_keyboard("\n" + indent, start, end)
            return
        await super()._on_key(event)
        if not event._no_default_action and await self._run_own_binding(event.key):
            event.stop()
            event.prevent_default()

    async def _run_own_binding(self, key: str) -> bool:
        """Run this view's own binding for `key` now. Textual runs it once the key has bubbled up to the app, so
        a key typed right after it (Enter after End), handled here at once, took effect first (Textual #6605)."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False
