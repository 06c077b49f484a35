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

Unified diffs and fenced files that name their path are read too (prompts/replies/), in any mix.
The parser accepts CRLF, a longer outer fence around text that holds ``` fences of its own, fences nested
with an info string (```python inside ```), and line numbers copied from the prompt (`12 | code`) when every
line carries them. Malformed replies raise EditFormatError with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prompts.replies import (
    DIVIDER,
    REPLACE_MARK,
    SEARCH_MARK,
    Change,
    EditFormatError,
    Hunk,
    Patch,
    SearchReplace,
    WholeFile,
    parse_changes,
)
from prompts.replies.parse import normalize
from prompts.replies.text import fenced_blocks, join_lines

__all__ = [
    "DIVIDER", "REPLACE_MARK", "SEARCH_MARK", "Change", "EditFormatError", "EditReply", "Hunk", "Patch",
    "SearchReplace", "WholeFile", "parse_changes", "parse_edit_reply",
]

_NUMBERED = re.compile(r"^\s*\d+ \| ?")


@dataclass(frozen=True)
class EditReply:
    """`replacement` for the selection (single-block form) or `blocks`: the changes, in the reply's order."""

    replacement: str | None = None
    blocks: tuple[Change, ...] = ()


def _strip_line_numbers(lines: list[str]) -> list[str]:
    nonblank = [line for line in lines if line.strip()]
    if nonblank and all(_NUMBERED.match(line) for line in nonblank):
        return [_NUMBERED.sub("", line, count=1) for line in lines]
    return lines


def parse_edit_reply(reply: str, *, default_path: str | None = None) -> EditReply:
    """Parse a model's edit reply; `default_path` is used by SEARCH/REPLACE blocks (and diffs) that name no file.
    One fenced block is the selection's replacement; SEARCH/REPLACE blocks, diffs, or several fenced files that
    each name their path are `blocks`."""
    lines = normalize(reply)
    has_search = any(line.strip() == SEARCH_MARK for line in lines)
    changes = parse_changes(reply, default_path=default_path)
    if has_search or any(isinstance(change, Patch) for change in changes):
        if not any(isinstance(change, SearchReplace | Patch) for change in changes):
            raise EditFormatError("the reply has SEARCH markers but no complete SEARCH/REPLACE block")
        return EditReply(blocks=changes)
    if not "\n".join(lines).strip():
        raise EditFormatError("the reply is empty")
    blocks_found = fenced_blocks(lines)
    if any(not block.closed for block in blocks_found):
        raise EditFormatError("the reply's code block is not closed (missing ``` at the end)")
    if not blocks_found:
        raise EditFormatError("the reply has no fenced code block with the replacement")
    if len(blocks_found) == 1:
        return EditReply(replacement=join_lines(_strip_line_numbers(list(blocks_found[0].body))))
    if len(changes) == len(blocks_found):
        return EditReply(blocks=changes)
    raise EditFormatError(f"the reply has {len(blocks_found)} code blocks; expected exactly one")
