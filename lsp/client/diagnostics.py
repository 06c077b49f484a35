"""Which diagnostics an edit introduces: the server's view of the new text minus its view of the old.

Old diagnostics are carried to the new text's lines (lines before the changed block keep their number,
lines after it shift by the block's growth); a new diagnostic with the same message, code and shifted
range as an old one is not new.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Sequence

from lsp.client.positions import split_lines
from lsp.client.types import Diagnostic, DocumentDiagnostics

_Key = tuple[str, str | None, int, int, int, int]


class DiagnosticsStore:
    """The latest diagnostics published per document uri, with the version they describe."""

    def __init__(self) -> None:
        self._latest: dict[str, DocumentDiagnostics] = {}
        self._events: dict[str, asyncio.Event] = {}

    def publish(self, uri: str, version: int, diagnostics: list[Diagnostic]) -> None:
        self._latest[uri] = DocumentDiagnostics(version, diagnostics)
        event = self._events.pop(uri, None)
        if event is not None:
            event.set()

    def latest(self, uri: str) -> list[Diagnostic]:
        published = self._latest.get(uri)
        return list(published.diagnostics) if published else []

    def forget(self, uri: str) -> None:
        self._latest.pop(uri, None)

    async def wait(self, uri: str, version: int, timeout_s: float) -> list[Diagnostic] | None:
        """Diagnostics published for `version` or a later one; None when none came within timeout_s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            published = self._latest.get(uri)
            if published is not None and published.version is not None and published.version >= version:
                return list(published.diagnostics)
            event = self._events.setdefault(uri, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return None


def line_shift(old_text: str, new_text: str) -> tuple[int, int, int]:
    """(lines kept at the top, first old line of the kept bottom, line-count change) between two texts."""
    old_lines, new_lines = split_lines(old_text), split_lines(new_text)
    limit = min(len(old_lines), len(new_lines))
    top = 0
    while top < limit and old_lines[top] == new_lines[top]:
        top += 1
    bottom = 0
    while bottom < limit - top and old_lines[-1 - bottom] == new_lines[-1 - bottom]:
        bottom += 1
    return top, len(old_lines) - bottom, len(new_lines) - len(old_lines)


def _shifted_line(line: int, shift: tuple[int, int, int]) -> int | None:
    top, bottom_start, delta = shift
    if line < top:
        return line
    if line >= bottom_start:
        return line + delta
    return None  # inside the rewritten block: no counterpart in the new text


def _key(diagnostic: Diagnostic, start_line: int, end_line: int) -> _Key:
    rng = diagnostic.range
    return (diagnostic.message, diagnostic.code, start_line, rng.start.character, end_line, rng.end.character)


def introduced_diagnostics(
    before: Sequence[Diagnostic], after: Sequence[Diagnostic], old_text: str, new_text: str
) -> list[Diagnostic]:
    """The diagnostics in `after` (new text) with no counterpart in `before` (old text), in order."""
    shift = line_shift(old_text, new_text)
    remaining: collections.Counter[_Key] = collections.Counter()
    for diagnostic in before:
        start = _shifted_line(diagnostic.range.start.line, shift)
        end = _shifted_line(diagnostic.range.end.line, shift)
        if start is not None and end is not None:
            remaining[_key(diagnostic, start, end)] += 1
    introduced: list[Diagnostic] = []
    for diagnostic in after:
        key = _key(diagnostic, diagnostic.range.start.line, diagnostic.range.end.line)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            introduced.append(diagnostic)
    return introduced

