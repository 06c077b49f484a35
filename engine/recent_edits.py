"""Recent edits: per file, the last few edited hunks, from the buffer snapshots a front-end reports per keystroke.

Keystrokes in one place grow one hunk rather than adding one each, so the history reads like a short diff of what
the user has been doing ("renamed `x` to `count` up there, added a parameter"). Ghost text puts the hunks that lie
outside its prompt's window in the prompt's stable part; chat and edit may show them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from common.textdiff import changed_span
from prompts.items import ContextItem, ContextKind

PER_FILE = 8
MAX_HUNK_LINES = 12  # a longer side is cut: the gist of a big paste, not all of it


@dataclass(frozen=True)
class Hunk:
    """Lines `start`..`start + len(new)` of the file now (0-based) replaced `old` since the file was first seen."""

    path: str
    start: int
    old: tuple[str, ...]
    new: tuple[str, ...]
    seq: int  # order of the last edit that touched it, across files

    @property
    def end(self) -> int:
        """The line after the hunk, in the file's current numbering."""
        return self.start + len(self.new)

    def diff(self) -> str:
        """The hunk as unified-diff body lines ("-old", "+new"), each side cut to MAX_HUNK_LINES."""
        minus = [f"-{line}" for line in self.old[:MAX_HUNK_LINES]]
        plus = [f"+{line}" for line in self.new[:MAX_HUNK_LINES]]
        return "\n".join(minus + plus) + "\n"


def _line_edit(old: str, new: str) -> tuple[int, int, tuple[str, ...], tuple[str, ...]] | None:
    """(first line, its offset in `old`, old lines, new lines) of the lines that differ between two snapshots;
    None if equal. Only the changed region is split, never the whole buffer."""
    if old == new:
        return None
    start, old_end, new_end = changed_span(old, new)
    first = old.count("\n", 0, start)
    line_start = old.rfind("\n", 0, start) + 1
    old_stop = old.find("\n", old_end)
    new_stop = new.find("\n", new_end)
    old_lines = old[line_start : len(old) if old_stop < 0 else old_stop].split("\n")
    new_lines = new[line_start : len(new) if new_stop < 0 else new_stop].split("\n")
    # A whole line inserted or deleted looks like a change of its neighbour: keep only the lines that differ.
    while old_lines and new_lines and old_lines[-1] == new_lines[-1]:
        old_lines.pop()
        new_lines.pop()
    while old_lines and new_lines and old_lines[0] == new_lines[0]:
        line_start += len(old_lines.pop(0)) + 1
        new_lines.pop(0)
        first += 1
    return (first, line_start, tuple(old_lines), tuple(new_lines)) if old_lines or new_lines else None


def _line_window(text: str, line: int, offset: int, low: int, high: int) -> list[str]:
    """Lines `low`..`high` of `text` (split at "\n"), found from line `line` >= `low`, which starts at `offset`:
    the cost is the window's, not the buffer's."""
    start = offset
    for _ in range(line - low):
        start = text.rfind("\n", 0, start - 1) + 1
    lines: list[str] = []
    while len(lines) < high - low:
        stop = text.find("\n", start)
        if stop < 0:
            lines.append(text[start:])
            break
        lines.append(text[start:stop])
        start = stop + 1
    return lines


def merge(hunk: Hunk, start: int, removed: int, added: tuple[str, ...], window: Sequence[str], seq: int) -> Hunk:
    """`hunk` grown by an edit that replaced `removed` lines at `start` with `added`, when the two touch (the
    caller checks that they do); `window` is the lines before the edit from the first line of either to the end
    of the later one (see `hunk_window`)."""
    low, high = hunk_window(hunk, start, removed)
    old = (*window[: hunk.start - low], *hunk.old, *window[hunk.end - low : high - low])
    now = (*window[: start - low], *added, *window[start + removed - low : high - low])
    return replace(hunk, start=low, old=tuple(old), new=tuple(now), seq=seq)


def hunk_window(hunk: Hunk, start: int, removed: int) -> tuple[int, int]:
    """(low, high): the lines of the file before an edit of `removed` lines at `start` that `hunk` covers once
    grown by that edit."""
    return min(hunk.start, start), max(hunk.end, start + removed)


class RecentEdits:
    """The last PER_FILE hunks per file, newest last; `note` is cheap enough to call per keystroke."""

    def __init__(self, per_file: int = PER_FILE) -> None:
        self._per_file = per_file
        self._texts: dict[str, str] = {}
        self._hunks: dict[str, list[Hunk]] = {}
        self._seq = 0

    def note(self, path: str, text: str) -> None:
        """The buffer of `path` is now `text`: grow or add a hunk (the first snapshot of a file only records it)."""
        previous = self._texts.get(path)
        self._texts[path] = text
        edit = None if previous is None else _line_edit(previous, text)
        if previous is None or edit is None:
            return
        self._seq += 1
        start, offset, removed_lines, added = edit
        removed = len(removed_lines)
        hunks = self._hunks.setdefault(path, [])
        touching = [h for h in hunks if start <= h.end and start + removed >= h.start]
        kept = [h for h in hunks if h not in touching]
        shift = len(added) - removed
        kept = [replace(h, start=h.start + shift) if h.start >= start + removed else h for h in kept]
        if touching:
            hunk = max(touching, key=lambda h: h.seq)
            window = _line_window(previous, start, offset, *hunk_window(hunk, start, removed))
            grown = merge(hunk, start, removed, added, window, self._seq)
        else:
            grown = Hunk(path, start, removed_lines, added, self._seq)
        if grown.old != grown.new:  # typed and deleted again: nothing left to tell
            kept.append(grown)
        self._hunks[path] = sorted(kept, key=lambda h: h.seq)[-self._per_file :]

    def hunks(self, path: str | None = None) -> list[Hunk]:
        """The hunks of `path` (of every file when None), oldest edit first."""
        if path is not None:
            return list(self._hunks.get(path, ()))
        return sorted((h for hs in self._hunks.values() for h in hs), key=lambda h: h.seq)


def recent_edit_items(hunks: Sequence[Hunk], path: str, window: tuple[int, int], limit: int = 8) -> list[ContextItem]:
    """Context items for the `limit` newest hunks, oldest first, leaving out those of `path` that overlap `window`
    (its lines already in the prompt): typing inside the window never changes them, so the prompt part they sit in
    stays the same between keystrokes."""
    low, high = window
    outside = [h for h in hunks if h.path != path or h.end < low or h.start > high]
    return [
        ContextItem(h.path, h.diff(), ContextKind.RECENT_EDIT, priority=0.5, source="recent edits",
                    label=f"recent edit in {h.path}")
        for h in outside[-limit:]
    ]
