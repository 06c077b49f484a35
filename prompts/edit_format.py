"""The reply format of inline edits, and its pure parser.

One file (the selection): the model replies with the replacement for the selected lines inside ONE fenced
code block; prose around the block is ignored. Several files: SEARCH/REPLACE blocks, each after a line with
the file's path:

    path/to/file.py
    <<<<<<< SEARCH
    exact lines to find
    =======
    lines to put instead
    >>>>>>> REPLACE

The parser accepts CRLF, a longer outer fence around text that holds ``` fences of its own, fences nested
with an info string (```python inside ```), and line numbers copied from the prompt (`12 | code`) when every
line carries them. Malformed replies raise EditFormatError with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEARCH_MARK = "<<<<<<< SEARCH"
DIVIDER = "======="
REPLACE_MARK = ">>>>>>> REPLACE"

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_NUMBERED = re.compile(r"^\s*\d+ \| ?")


class EditFormatError(ValueError):
    """The model's reply does not follow the edit format."""


@dataclass(frozen=True)
class SearchReplace:
    """One SEARCH/REPLACE block: replace `search` with `replace` in `path`."""

    path: str
    search: str
    replace: str


@dataclass(frozen=True)
class EditReply:
    """`replacement` for the selection (single-block form) or `blocks` (SEARCH/REPLACE form)."""

    replacement: str | None = None
    blocks: tuple[SearchReplace, ...] = ()


def _fenced_blocks(lines: list[str]) -> list[list[str]]:
    """Top-level fenced blocks. Inside a block, a fence line with an info string opens a nested block and a
    bare fence closes the innermost one; a closing fence must be at least as long as its opener."""
    blocks: list[list[str]] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        stack = [(m.group(2)[0], len(m.group(2)))]
        body: list[str] = []
        i += 1
        while i < len(lines) and stack:
            inner = _FENCE.match(lines[i])
            if inner:
                char, length, info = inner.group(2)[0], len(inner.group(2)), inner.group(3).strip()
                top_char, top_len = stack[-1]
                if not info and char == top_char and length >= top_len:
                    stack.pop()
                    if not stack:
                        break
                elif info or char != top_char or length < top_len:
                    stack.append((char, length))
            body.append(lines[i])
            i += 1
        if stack:
            raise EditFormatError("the reply's code block is not closed (missing ``` at the end)")
        blocks.append(body)
        i += 1
    return blocks


def _strip_line_numbers(lines: list[str]) -> list[str]:
    nonblank = [line for line in lines if line.strip()]
    if nonblank and all(_NUMBERED.match(line) for line in nonblank):
        return [_NUMBERED.sub("", line, count=1) for line in lines]
    return lines


def _join(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _parse_search_replace(lines: list[str], default_path: str | None) -> tuple[SearchReplace, ...]:
    blocks: list[SearchReplace] = []
    path = default_path
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line == SEARCH_MARK:
            search: list[str] = []
            replace: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != DIVIDER:
                if lines[i].strip() in (SEARCH_MARK, REPLACE_MARK):
                    raise EditFormatError(f"SEARCH block at line {i + 1} has no ======= divider")
                search.append(lines[i])
                i += 1
            if i == len(lines):
                raise EditFormatError("SEARCH block has no ======= divider")
            i += 1
            while i < len(lines) and lines[i].strip() != REPLACE_MARK:
                if lines[i].strip() in (SEARCH_MARK, DIVIDER):
                    raise EditFormatError(f"REPLACE part at line {i + 1} is not closed by >>>>>>> REPLACE")
                replace.append(lines[i])
                i += 1
            if i == len(lines):
                raise EditFormatError("REPLACE part is not closed by >>>>>>> REPLACE")
            if path is None:
                raise EditFormatError("a SEARCH/REPLACE block does not say which file it edits")
            blocks.append(SearchReplace(path, _join(search), _join(replace)))
        elif not _FENCE.match(lines[i]) and _looks_like_path(line):
            # The last path-like line before a block names its file (prose has spaces, so it never does).
            path = line.strip("`*: ")
        i += 1
    return tuple(blocks)


def _looks_like_path(line: str) -> bool:
    candidate = line.strip("`*: ")
    return bool(candidate) and " " not in candidate and ("." in candidate or "/" in candidate)


def parse_edit_reply(reply: str, *, default_path: str | None = None) -> EditReply:
    """Parse a model's edit reply; `default_path` is used by SEARCH/REPLACE blocks that name no file."""
    text = reply.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if any(line.strip() == SEARCH_MARK for line in lines):
        blocks = _parse_search_replace(lines, default_path)
        if not blocks:
            raise EditFormatError("the reply has SEARCH markers but no complete SEARCH/REPLACE block")
        return EditReply(blocks=blocks)
    if not text.strip():
        raise EditFormatError("the reply is empty")
    blocks_found = _fenced_blocks(lines)
    if not blocks_found:
        raise EditFormatError("the reply has no fenced code block with the replacement")
    if len(blocks_found) > 1:
        raise EditFormatError(f"the reply has {len(blocks_found)} code blocks; expected exactly one")
    return EditReply(replacement=_join(_strip_line_numbers(blocks_found[0])))
