"""Unified diffs as models write them: with or without `---`/`+++` headers, `@@ @@` without line numbers, wrong
counts, context lines whose leading space was lost. Pure: text in, Patch values out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prompts.replies.model import EditFormatError, Hunk, Patch
from prompts.replies.text import as_path, join_lines

_HUNK = re.compile(r"^@@\s*(?:-(\d+)(?:,(\d+))?)?\s*(?:\+(\d+)(?:,(\d+))?)?\s*@@")
_GIT = re.compile(r"^diff --git (\S+) (\S+)")
_NULL = "/dev/null"
_GIT_LINES = ("diff --git", "index ", "new file mode", "deleted file mode")


def starts_diff(lines: list[str] | tuple[str, ...], i: int) -> bool:
    """Whether a unified diff starts at line `i` (a `---`/`+++` header pair, `diff --git`, or a hunk header)."""
    line = lines[i]
    if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
        return True
    return bool(_GIT.match(line) or _HUNK.match(line))


def looks_like_diff(lines: list[str] | tuple[str, ...]) -> bool:
    """Whether a block of lines holds a unified diff."""
    return any(starts_diff(lines, i) for i in range(len(lines)))


def _header_path(raw: str) -> str:
    path = raw.split("\t", 1)[0].strip().strip('"')
    return path


def _strip_prefixes(old: str, new: str) -> tuple[str, str]:
    """git's a/ and b/ prefixes, removed only when the diff uses them (a folder named `b` keeps its name)."""
    a_ok = old == _NULL or old.startswith("a/")
    b_ok = new == _NULL or new.startswith("b/")
    if a_ok and b_ok and not (old == _NULL and new == _NULL):
        old = old if old == _NULL else old[2:]
        new = new if new == _NULL else new[2:]
    return old, new


@dataclass
class _Building:
    path: str | None
    new_file: bool = False
    deleted: bool = False
    hunks: list[Hunk] = field(default_factory=list)


@dataclass
class _HunkLines:
    old_start: int | None
    old_count: int | None
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)

    def hunk(self) -> Hunk:
        before, after = self.before, self.after
        # A blank line that closes the hunk is the reply's spacing unless the header counts it.
        while before and after and before[-1] == "" and after[-1] == "" and (
            self.old_count is None or len(before) > self.old_count
        ):
            before, after = before[:-1], after[:-1]
        return Hunk(join_lines(before), join_lines(after), self.old_start)


def _hunk_header(line: str) -> _HunkLines | None:
    m = _HUNK.match(line)
    if not m:
        return None
    start = int(m.group(1)) if m.group(1) is not None else None
    count = int(m.group(2)) if m.group(2) is not None else (1 if start is not None else None)
    return _HunkLines(start, count)


def parse_diff(lines: list[str] | tuple[str, ...], path: str | None, *, lenient: bool = True) -> list[Patch]:
    """The patches in `lines`; `path` names the file of hunks that come without headers. `lenient`: a line that is
    not a diff line is context whose space was lost (inside a fence) rather than the end of the diff (bare)."""
    patches: list[Patch] = []
    current: _Building | None = None
    hunk: _HunkLines | None = None

    def close_hunk() -> None:
        nonlocal hunk
        if hunk is not None and current is not None and (hunk.before or hunk.after):
            current.hunks.append(hunk.hunk())
        hunk = None

    def close_file() -> None:
        nonlocal current
        close_hunk()
        if current is not None and (current.hunks or current.new_file or current.deleted):
            if current.path is None:
                raise EditFormatError("a diff hunk does not say which file it edits (no --- / +++ header)")
            patches.append(Patch(current.path, tuple(current.hunks), current.new_file, current.deleted))
        current = None

    i = 0
    while i < len(lines):
        line = lines[i]
        if git := _GIT.match(line):
            close_file()
            _, new = _strip_prefixes(_header_path(git.group(1)), _header_path(git.group(2)))
            current = _Building(new)
        elif line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            if current is None or current.hunks or hunk is not None:
                close_file()  # else `current` is this file's own `diff --git` header
            old, new = _strip_prefixes(_header_path(line[4:]), _header_path(lines[i + 1][4:]))
            current = current or _Building(None)
            current.path = old if new == _NULL else new
            current.deleted = current.deleted or new == _NULL
            current.new_file = current.new_file or old == _NULL
            i += 1
        elif hunk is None and line.startswith(("new file mode", "deleted file mode")) and current is not None:
            current.new_file = current.new_file or line.startswith("new")
            current.deleted = current.deleted or line.startswith("deleted")
        elif (header := _hunk_header(line)) is not None:
            close_hunk()
            if current is None:
                current = _Building(path)
            hunk = header
        elif hunk is not None and line.startswith("\\"):
            pass  # "\ No newline at end of file"
        elif hunk is not None and line[:1] in (" ", "-", "+", ""):
            body = line[1:]
            if line[:1] != "+":
                hunk.before.append(body)
            if line[:1] != "-":
                hunk.after.append(body)
        elif hunk is not None and lenient:
            hunk.before.append(line)
            hunk.after.append(line)
        elif hunk is not None:
            break
        i += 1
    close_file()
    return patches


def diff_span(lines: list[str], i: int) -> int:
    """The index after a bare (unfenced) diff starting at `i`: it ends at the first line no diff would hold."""
    j = i
    while j < len(lines):
        line = lines[j]
        diff_line = line[:1] in (" ", "-", "+", "@", "\\") or line.startswith(_GIT_LINES)
        blank_in_hunk = line == "" and j + 1 < len(lines) and lines[j + 1][:1] in (" ", "-", "+", "@")
        if diff_line or blank_in_hunk:
            j += 1
        else:
            break
    return j


def path_of_diff_body(lines: list[str] | tuple[str, ...]) -> str | None:
    """A path named on its own line just before the first hunk (some models put it inside the ```diff fence)."""
    for line in lines:
        if line.startswith(("@@", "--- ", "diff --git")):
            return None
        if line.strip():
            return as_path(line.strip().strip("`*:"))
    return None
