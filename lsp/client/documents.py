"""Documents mirrored to language servers: text, version, range edits, and caret <-> server positions."""

from __future__ import annotations

import bisect
import collections
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lsprotocol.types import TextDocumentSyncKind

from common.textdiff import changed_span
from lsp.client.positions import (
    PositionEncoding,
    from_server_character,
    line_at,
    split_lines,
    to_server_character,
)
from lsp.client.types import Position, Range, TextChange

MAX_DOCUMENT_CHARS = 8_000_000  # larger buffers are not mirrored: servers choke and nothing useful comes back
_LINE_END = re.compile(r"\r\n|\r|\n")



def language_id_for(path: str, language_ids: Mapping[str, str], fallback: str) -> str:
    """The LSP languageId for the file: by its extension, else `fallback` (the serving spec's language)."""
    return language_ids.get(os.path.splitext(path)[1].lower(), fallback)


def line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _LINE_END.finditer(text))]


def position_to_offset(text: str, starts: list[int], position: Position) -> int:
    """caret position -> str offset, clamped to the line (its break excluded) and to the text."""
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    return start + max(0, min(position.character, end - start))


def offset_to_position(starts: list[int], offset: int) -> Position:
    line = bisect.bisect_right(starts, offset) - 1
    return Position(line, offset - starts[line])


def minimal_change(old: str, new: str) -> TextChange | None:
    """One range edit turning old into new (common prefix and suffix kept), or None when equal."""
    if old == new:
        return None
    prefix, old_end, new_end = changed_span(old, new)
    # Never cut a \r\n pair: a position between its halves has no LSP meaning.
    if 0 < prefix < len(old) and old[prefix - 1] == "\r" and old[prefix] == "\n":
        prefix -= 1
    if 0 < old_end < len(old) and old[old_end - 1] == "\r" and old[old_end] == "\n":
        old_end += 1
        new_end += 1
    starts = line_starts(old)
    return TextChange(
        new[prefix:new_end],
        Range(offset_to_position(starts, prefix), offset_to_position(starts, old_end)),
    )


def apply_change(text: str, change: TextChange) -> str:
    if change.range is None:
        return change.text
    starts = line_starts(text)
    start = position_to_offset(text, starts, change.range.start)
    end = max(start, position_to_offset(text, starts, change.range.end))
    return text[:start] + change.text + text[end:]


def to_server_position(lines: list[str], position: Position, encoding: PositionEncoding) -> dict[str, int]:
    line_text = line_at(lines, position.line)
    return {"line": position.line, "character": to_server_character(line_text, position.character, encoding)}


def to_server_range(lines: list[str], span: Range, encoding: PositionEncoding) -> dict[str, Any]:
    return {
        "start": to_server_position(lines, span.start, encoding),
        "end": to_server_position(lines, span.end, encoding),
    }


def from_server_position(lines: list[str] | None, raw: dict[str, Any], encoding: PositionEncoding) -> Position:
    line, character = int(raw["line"]), int(raw["character"])
    if lines is None:  # text unknown: the best we can do is to keep the server's count
        return Position(line, character)
    return Position(line, from_server_character(line_at(lines, line), character, encoding))


def content_changes(
    text: str,
    steps: Sequence[tuple[TextChange, list[str]]],
    sync_kind: TextDocumentSyncKind,
    encoding: PositionEncoding,
) -> list[dict[str, Any]]:
    """didChange's contentChanges: each range edit with the lines it applies to, or the whole new `text`."""
    if sync_kind == TextDocumentSyncKind.Full or any(change.range is None for change, _ in steps):
        return [{"text": text}]
    return [
        {"range": to_server_range(lines, change.range, encoding), "text": change.text}
        for change, lines in steps
        if change.range is not None
    ]


@dataclass
class OpenDocument:
    path: str
    uri: str
    language: str  # the ServerSpec.language serving it
    language_id: str  # LSP languageId sent in didOpen
    text: str
    version: int = 1
    _lines: list[str] | None = field(default=None, repr=False)

    def set_text(self, text: str) -> None:
        self.text = text
        self._lines = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def did_open_params(self) -> dict[str, Any]:
        item = {"uri": self.uri, "languageId": self.language_id, "version": self.version, "text": self.text}
        return {"textDocument": item}


class FileLinesCache:
    """Text and lines of files on disk (for positions in files no editor buffer holds), by mtime."""

    def __init__(self, max_files: int = 64, max_bytes: int = 4_000_000) -> None:
        self._entries: collections.OrderedDict[str, tuple[int, int, str, list[str]]] = collections.OrderedDict()
        self._max_files = max_files
        self._max_bytes = max_bytes

    def lines(self, path: str) -> list[str] | None:
        entry = self._entry(path)
        return entry[3] if entry else None

    def text(self, path: str) -> str | None:
        """The file's text, or None when unreadable, binary, or too large."""
        entry = self._entry(path)
        return entry[2] if entry else None

    def _entry(self, path: str) -> tuple[int, int, str, list[str]] | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if stat.st_size > self._max_bytes:
            return None
        entry = self._entries.get(path)
        if entry and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            self._entries.move_to_end(path)
            return entry
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if b"\0" in data[:8192]:
            return None
        text = data.decode("utf-8", "replace")
        entry = (stat.st_mtime_ns, stat.st_size, text, split_lines(text))
        self._entries[path] = entry
        while len(self._entries) > self._max_files:
            self._entries.popitem(last=False)
        return entry
