"""What a front-end asks for (the cursor in a buffer) and what it gets back (the suggestion and its prompt)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prompts import RenderResult


@dataclass(frozen=True)
class GhostTextRequest:
    """The cursor in a buffer: ghost text is asked for here."""

    path: str  # workspace-relative when inside the workspace
    text: str  # the whole buffer, unsaved edits included
    line: int  # 0-based
    column: int  # 0-based, in Python characters
    language: str | None = None
    version: int = 0
    invoked: bool = False  # the user asked for it (an editor's explicit trigger): no mid-line rule applies


@dataclass(frozen=True)
class GhostText:
    """The suggestion to show at the cursor ("" for none), with what was sent to get it."""

    text: str
    raw: str = ""
    prompt: str = ""
    prompt_tokens: int = 0
    elapsed_ms: float = 0.0
    finish_reason: str | None = None
    dropped: tuple[str, ...] = field(default_factory=tuple)
    rendered: RenderResult | None = None
    withheld: str = ""  # why no request was made ("no suggestions in secret files"); "" when one was


def cursor_offset(text: str, line: int, column: int) -> int:
    """Index into `text` of (line, column); clamped to the text so a stale position never raises."""
    lines = text.split("\n")
    line = max(0, min(line, len(lines) - 1))
    column = max(0, min(column, len(lines[line])))
    return sum(len(part) + 1 for part in lines[:line]) + column
