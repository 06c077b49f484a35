"""Position conversion between caret and a language server, done at the protocol boundary only.

caret counts a line's characters as Python str indexes (code points). A server counts them in the
position encoding negotiated at initialize: UTF-16 code units unless it chose utf-8 or utf-32. Code units
are counted by pygls's PositionCodec; the clamping rules (inside a character -> its start, past the end
-> the line's end) are caret's own, which is why PositionCodec's position converters are not used.
"""

from __future__ import annotations

import re

from lsprotocol.types import PositionEncodingKind
from pygls.workspace import PositionCodec

PositionEncoding = PositionEncodingKind
SUPPORTED_ENCODINGS: tuple[PositionEncoding, ...] = (
    PositionEncodingKind.Utf16,
    PositionEncodingKind.Utf8,
    PositionEncodingKind.Utf32,
)
_CODECS = {encoding: PositionCodec(encoding) for encoding in SUPPORTED_ENCODINGS}

# LSP ends lines at \r\n, \n or \r; caret's editor sees the same lines.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The text's lines without their line breaks, as LSP counts them (a trailing break opens a last line)."""
    return _LINE_BREAK.split(text)


def normalize_encoding(value: object) -> PositionEncoding:
    """The encoding a server announced; anything unknown or absent means UTF-16 (the LSP default)."""
    for encoding in SUPPORTED_ENCODINGS:
        if value == encoding.value:
            return encoding
    return PositionEncodingKind.Utf16


def _is_code_points(line_text: str, encoding: str) -> bool:
    return encoding == PositionEncodingKind.Utf32 or line_text.isascii()


def _codec(encoding: str) -> PositionCodec:
    return _CODECS[normalize_encoding(encoding)]


def to_server_character(line_text: str, index: int, encoding: str) -> int:
    """caret's str index on a line -> the server's character offset (clamped to the line)."""
    index = max(0, min(index, len(line_text)))
    if _is_code_points(line_text, encoding):
        return index
    return int(_codec(encoding).client_num_units(line_text[:index]))


def from_server_character(line_text: str, offset: int, encoding: str) -> int:
    """The server's character offset -> caret's str index.

    An offset that falls inside a character (half a surrogate pair, a UTF-8 continuation byte) maps to
    that character's start; one past the end of the line maps to the line's end.
    """
    if offset <= 0:
        return 0
    if _is_code_points(line_text, encoding):
        return min(offset, len(line_text))
    codec = _codec(encoding)
    seen = 0
    for i, char in enumerate(line_text):
        seen += codec.client_num_units(char)
        if seen > offset:
            return i
        if seen == offset:
            return i + 1
    return len(line_text)


def line_at(lines: list[str], line: int) -> str:
    """The line's text, or "" for a line past the end (servers may point one line past the last)."""
    return lines[line] if 0 <= line < len(lines) else ""
