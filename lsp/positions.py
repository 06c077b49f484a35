"""Position conversion between caret and a language server, done at the protocol boundary only.

caret counts a line's characters as Python str indexes (code points). A server counts them in the
position encoding negotiated at initialize: UTF-16 code units unless it chose utf-8 or utf-32.
"""

from __future__ import annotations

import re
from typing import Literal

PositionEncoding = Literal["utf-8", "utf-16", "utf-32"]
SUPPORTED_ENCODINGS: tuple[PositionEncoding, ...] = ("utf-16", "utf-8", "utf-32")

# LSP ends lines at \r\n, \n or \r; caret's editor sees the same lines.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The text's lines without their line breaks, as LSP counts them (a trailing break opens a last line)."""
    return _LINE_BREAK.split(text)


def normalize_encoding(value: object) -> PositionEncoding:
    """The encoding a server announced; anything unknown or absent means UTF-16 (the LSP default)."""
    if value in ("utf-8", "utf-32"):
        return value  # type: ignore[return-value]
    return "utf-16"


def _units(char: str, encoding: PositionEncoding) -> int:
    code = ord(char)
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    if encoding == "utf-8":
        if code < 0x80:
            return 1
        if code < 0x800:
            return 2
        return 4 if code > 0xFFFF else 3
    return 1


def to_server_character(line_text: str, index: int, encoding: PositionEncoding) -> int:
    """caret's str index on a line -> the server's character offset (clamped to the line)."""
    index = max(0, min(index, len(line_text)))
    if encoding == "utf-32" or line_text.isascii():
        return index
    return sum(_units(c, encoding) for c in line_text[:index])


def from_server_character(line_text: str, offset: int, encoding: PositionEncoding) -> int:
    """The server's character offset -> caret's str index.

    An offset that falls inside a character (half a surrogate pair, a UTF-8 continuation byte) maps to
    that character's start; one past the end of the line maps to the line's end.
    """
    if offset <= 0:
        return 0
    if encoding == "utf-32" or line_text.isascii():
        return min(offset, len(line_text))
    seen = 0
    for i, char in enumerate(line_text):
        seen += _units(char, encoding)
        if seen > offset:
            return i
        if seen == offset:
            return i + 1
    return len(line_text)


def line_at(lines: list[str], line: int) -> str:
    """The line's text, or "" for a line past the end (servers may point one line past the last)."""
    return lines[line] if 0 <= line < len(lines) else ""
