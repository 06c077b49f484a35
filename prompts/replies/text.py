"""Line-level helpers shared by the reply parsers: fenced blocks, file paths named in prose, elision lines. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_PATH = re.compile(r"^[\w.+@\-/\\]+$")
_LABEL = re.compile(r"^(?:file(?:name)?|path)\s*:\s*", re.IGNORECASE)
_INFO_KEY = re.compile(r"^(?:path|file|filename|title)=[\"']?([^\"']+)[\"']?$", re.IGNORECASE)
# `# ... existing code ...`, `// ...`, `/* ... */`, `<!-- ... -->`, `...`, `# rest of the file unchanged`.
_ELLIPSIS = r"(?:\.\.\.|…)"
_ELISION = re.compile(
    rf"^(?:#|//|/\*|<!--|--|;)?\s*(?:{_ELLIPSIS}.*|\(?(?:rest of|remaining|existing|unchanged|other)\b.*"
    r"(?:unchanged|code|methods|functions|file|here)\)?\s*\.?)\s*(?:\*/|-->)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fenced:
    """A fenced block: the opening line's index, the index after its closing line, its info string and body."""

    start: int
    end: int
    info: str
    body: tuple[str, ...]
    closed: bool


def fenced_at(lines: list[str], i: int) -> Fenced | None:
    """The fenced block opening at line `i`, or None. Inside it, a fence line with an info string opens a nested
    block and a bare fence closes the innermost one; a closing fence must be at least as long as its opener."""
    m = FENCE.match(lines[i])
    if not m:
        return None
    stack = [(m.group(2)[0], len(m.group(2)))]
    body: list[str] = []
    j = i + 1
    while j < len(lines):
        inner = FENCE.match(lines[j])
        if inner:
            char, length, info = inner.group(2)[0], len(inner.group(2)), inner.group(3).strip()
            top_char, top_len = stack[-1]
            if not info and char == top_char and length >= top_len:
                stack.pop()
                if not stack:
                    return Fenced(i, j + 1, m.group(3).strip(), tuple(body), True)
            else:
                stack.append((char, length))
        body.append(lines[j])
        j += 1
    return Fenced(i, len(lines), m.group(3).strip(), tuple(body), False)


def fenced_blocks(lines: list[str]) -> list[Fenced]:
    """Every top-level fenced block, in order."""
    blocks: list[Fenced] = []
    i = 0
    while i < len(lines):
        block = fenced_at(lines, i)
        if block is None:
            i += 1
            continue
        blocks.append(block)
        i = block.end
    return blocks


def as_path(candidate: str) -> str | None:
    """`candidate` when it reads as a file path (`src/a.py`, `Makefile` under a folder), else None."""
    if not candidate or not _PATH.match(candidate) or candidate.endswith(("/", ".")) or candidate.startswith("-"):
        return None
    name = candidate.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if dot and stem.strip(".") and ext.isalnum() and not ext.isdigit():
        return candidate
    return candidate if "/" in candidate and name and "." not in name else None


def path_in_line(line: str) -> str | None:
    """The path a line of prose names on its own: `a.py`, `src/a.py:`, `### a.py`, `**a.py**`, `File: a.py`."""
    text = line.strip().lstrip("#").strip().strip("*_`").strip().rstrip(":").strip("*_`").strip()
    return as_path(_LABEL.sub("", text).strip("`"))


def path_in_info(info: str) -> str | None:
    """The path a fence's info string names: ```python path=a.py, ```a.py, ```python a.py, ```12:20:src/a.py."""
    for token in info.split():
        if m := _INFO_KEY.match(token):
            return as_path(m.group(1))
        if path := as_path(token.rsplit(":", 1)[-1]):
            return path
    return None


def is_elision(line: str) -> bool:
    """Whether a line stands for code the reply left out (`# ... existing code ...`, `// ...`, a bare `...`)."""
    stripped = line.strip()
    return bool(stripped) and bool(_ELISION.match(stripped))


def join_lines(lines: list[str] | tuple[str, ...]) -> str:
    """Lines as text, each ended by a newline."""
    return "".join(line + "\n" for line in lines)
