"""Cutting a file into retrieval chunks at syntax boundaries.

A function or method is one chunk (long ones are cut in windows); a class with methods gives a header chunk
(its first lines plus its methods' signatures) and one chunk per method; code between definitions goes in
slices. Files without a grammar are cut in plain line windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from context.symbols import Definition

MAX_CHUNK_LINES = 120  # longer definitions are cut into windows
WINDOW_LINES = 80
SLICE_LINES = 40  # top-level code and plain-text files
CLASS_HEADER_LINES = 25
_CHUNKED_KINDS = frozenset({
    "function", "method", "class", "interface", "struct", "enum", "trait", "type", "module", "macro",
})


@dataclass(frozen=True, slots=True)
class Chunk:
    path: str
    start_line: int
    end_line: int  # exclusive
    symbol: str | None  # qualified name ("Class.method") of the definition the chunk belongs to
    kind: str  # a definition kind, "class-header", "code" (between definitions) or "text" (no grammar)
    header_end: int | None = None  # class-header: its own lines end here; method signatures follow

    def to_row(self) -> list[object]:
        return [self.start_line, self.end_line, self.symbol, self.kind, self.header_end]

    @classmethod
    def from_row(cls, path: str, row: Sequence[object]) -> Chunk:
        """The chunk `to_row` stored; TypeError for a row of the wrong shape (a damaged index reads as empty)."""
        start, end, symbol, kind, header_end = row
        if not (
            isinstance(start, int) and isinstance(end, int) and isinstance(kind, str)
            and (symbol is None or isinstance(symbol, str)) and (header_end is None or isinstance(header_end, int))
        ):
            raise TypeError(f"{path}: not a chunk row: {row!r}")
        return cls(path, start, end, symbol, kind, header_end)


def _windows(path: str, start: int, end: int, size: int, symbol: str | None, kind: str) -> list[Chunk]:
    return [Chunk(path, s, min(s + size, end), symbol, kind) for s in range(start, end, size)]


def _nest(definitions: list[Definition]) -> list[tuple[Definition, list]]:
    """Definitions as a forest by line ranges: [(definition, children)]."""
    roots: list[tuple[Definition, list]] = []
    stack: list[tuple[Definition, list]] = []
    for d in sorted(definitions, key=lambda d: (d.start_line, -d.end_line)):
        if d.kind not in _CHUNKED_KINDS:
            continue
        while stack and stack[-1][0].end_line <= d.start_line:
            stack.pop()
        node: tuple[Definition, list] = (d, [])
        (stack[-1][1] if stack else roots).append(node)
        stack.append(node)
    return roots


def _definition_chunks(path: str, node: tuple[Definition, list], prefix: str | None) -> list[Chunk]:
    d, children = node
    symbol = f"{prefix}.{d.name}" if prefix else d.name
    is_container = d.kind not in ("function", "method", "macro")
    if children and is_container:
        header_end = min(children[0][0].start_line, d.start_line + CLASS_HEADER_LINES)
        chunks = [Chunk(path, d.start_line, d.end_line, symbol, "class-header", header_end)]
        for child in children:
            chunks.extend(_definition_chunks(path, child, symbol))
        return chunks
    if d.end_line - d.start_line > MAX_CHUNK_LINES:
        return _windows(path, d.start_line, d.end_line, WINDOW_LINES, symbol, d.kind)
    return [Chunk(path, d.start_line, d.end_line, symbol, d.kind)]


def _code_slices(path: str, lines: list[str], start: int, end: int) -> list[Chunk]:
    """Slices of the non-blank code in [start, end)."""
    chunks: list[Chunk] = []
    run_start: int | None = None
    for i in range(start, end + 1):
        blank = i == end or not lines[i].strip()
        if run_start is None and not blank:
            run_start = i
        elif run_start is not None and (i == end or i - run_start >= SLICE_LINES):
            chunks.append(Chunk(path, run_start, i, None, "code"))
            run_start = None if blank else i
    return chunks


def cut_chunks(path: str, lines: list[str], definitions: list[Definition] | None) -> list[Chunk]:
    """Chunks of one file; `definitions` None means the file has no grammar (plain windows)."""
    if definitions is None:
        return [c for c in _windows(path, 0, len(lines), SLICE_LINES, None, "text")
                if any(line.strip() for line in lines[c.start_line : c.end_line])]
    chunks: list[Chunk] = []
    cursor = 0
    for node in _nest(definitions):
        d = node[0]
        chunks.extend(_code_slices(path, lines, cursor, min(d.start_line, len(lines))))
        chunks.extend(_definition_chunks(path, node, None))
        cursor = max(cursor, d.end_line)
    chunks.extend(_code_slices(path, lines, cursor, len(lines)))
    return chunks


def chunk_text(chunk: Chunk, lines: list[str], definitions: list[Definition]) -> str:
    """The text of `chunk` given its file's lines (class headers get their methods' signatures)."""
    if chunk.kind != "class-header" or chunk.header_end is None:
        return "\n".join(lines[chunk.start_line : chunk.end_line])
    out = lines[chunk.start_line : chunk.header_end]
    for node in _nest([d for d in definitions if chunk.start_line <= d.start_line < chunk.end_line]):
        for child, _ in node[1]:
            line = lines[child.start_line] if child.start_line < len(lines) else ""
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{child.signature}")
    return "\n".join(out)
