"""Split documentation text into heading-sized chunks (Markdown, reStructuredText, HTML, plain text). Pure."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_CHUNK_CHARS = 2_000
_ATX_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)")
_RST_ADORN_RE = re.compile(r"^([=\-~^\"'`*+#:.<>_])\1{2,}\s*$")


@dataclass(frozen=True)
class TextChunk:
    title: str  # heading path, e.g. "Guide > Retries"
    text: str
    line: int  # 1-based line of the heading (or first line) in the source


def _split_long(title: str, body: str, line: int) -> list[TextChunk]:
    if len(body) <= MAX_CHUNK_CHARS:
        return [TextChunk(title, body, line)]
    out: list[TextChunk] = []
    buf: list[str] = []
    size = 0
    for para in re.split(r"\n\s*\n", body):
        while len(para) > MAX_CHUNK_CHARS:  # one giant paragraph: cut it hard
            out.append(TextChunk(title, para[:MAX_CHUNK_CHARS], line))
            para = para[MAX_CHUNK_CHARS:]
        if size + len(para) > MAX_CHUNK_CHARS and buf:
            out.append(TextChunk(title, "\n\n".join(buf), line))
            buf, size = [], 0
        buf.append(para)
        size += len(para) + 2
    if buf:
        out.append(TextChunk(title, "\n\n".join(buf), line))
    return out


def _sections(headings: list[tuple[int, int, str]], lines: list[str], default_title: str) -> list[TextChunk]:
    """headings: (line index, level, title); the body of each runs to the next heading."""
    chunks: list[TextChunk] = []
    stack: list[tuple[int, str]] = []
    bounds = [*headings, (len(lines), 0, "")]
    first = headings[0][0] if headings else len(lines)
    preamble = "\n".join(lines[:first]).strip()
    if preamble:
        chunks += _split_long(default_title, preamble, 1)
    for (idx, level, title), (nxt, _, _) in itertools.pairwise(bounds):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        path = " > ".join(t for _, t in stack)
        body = "\n".join(lines[idx + 1 : nxt]).strip()
        if body:  # an empty section still shows up as part of its children's titles
            chunks += _split_long(path, body, idx + 1)
    return chunks


def chunk_markdown(text: str, default_title: str) -> list[TextChunk]:
    lines = text.split("\n")
    headings: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        f = _FENCE_RE.match(line)
        if f:
            fence = None if fence == f.group(1) else (fence or f.group(1))
            continue
        if fence is None:
            m = _ATX_RE.match(line)
            if m:
                headings.append((i, len(m.group(1)), m.group(2).strip()))
    return _sections(headings, lines, default_title)


def chunk_rst(text: str, default_title: str) -> list[TextChunk]:
    """reST section titles: a text line underlined (optionally also overlined) by one repeated character.
    Levels follow the order in which adornment styles first appear, as docutils does."""
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []
    headings: list[tuple[int, int, str]] = []
    drop: set[int] = set()
    i = 0
    while i < len(lines) - 1:
        title, under = lines[i], lines[i + 1]
        m = _RST_ADORN_RE.match(under)
        if title.strip() and not _RST_ADORN_RE.match(title) and m and len(under.rstrip()) >= len(title.rstrip()):
            over = i > 0 and lines[i - 1].rstrip() == under.rstrip()
            style = (m.group(1), over)
            if style not in styles:
                styles.append(style)
            headings.append((i, styles.index(style) + 1, title.strip()))
            drop.update({i + 1} | ({i - 1} if over else set()))
            i += 2
            continue
        i += 1
    kept = ["" if n in drop else line for n, line in enumerate(lines)]
    return _sections(headings, kept, default_title)


def chunk_plain(text: str, default_title: str) -> list[TextChunk]:
    body = text.strip()
    return _split_long(default_title, body, 1) if body else []


def chunk_document(text: str, fmt: str, default_title: str) -> list[TextChunk]:
    """fmt: "markdown" | "rst" | "text" (HTML is converted to Markdown-like text by the caller)."""
    text = text.replace("\r\n", "\n")
    if fmt == "markdown":
        return chunk_markdown(text, default_title)
    if fmt == "rst":
        return chunk_rst(text, default_title)
    return chunk_plain(text, default_title)
