"""Chunks cut at syntax boundaries from real tree-sitter definitions."""

from __future__ import annotations

import itertools

from context.chunks import MAX_CHUNK_LINES, SLICE_LINES, chunk_text, cut_chunks
from context.symbols import extract_symbols

SOURCE = '''import os

LIMIT = 3


class Store:
    """Keeps things."""

    kind = "store"

    def get(self, key):
        return self.data[key]

    def put(self, key, value):
        self.data[key] = value


def helper(x):
    return x + 1
'''


def _chunks(source: str, language: str = "python"):
    lines = source.split("\n")
    defs = extract_symbols(source, language).definitions
    return lines, defs, cut_chunks("m.py", lines, defs)


def test_class_gives_a_header_with_method_signatures_and_one_chunk_per_method() -> None:
    lines, defs, chunks = _chunks(SOURCE)
    by_symbol = {c.symbol: c for c in chunks}
    header = by_symbol["Store"]
    assert header.kind == "class-header"
    text = chunk_text(header, lines, defs)
    assert 'kind = "store"' in text
    assert "    def get(self, key):" in text and "    def put(self, key, value):" in text
    assert "return self.data[key]" not in text
    assert chunk_text(by_symbol["Store.get"], lines, defs).strip().startswith("def get")
    assert by_symbol["helper"].kind == "function"
    code = [c for c in chunks if c.kind == "code"]
    assert code and "import os" in chunk_text(code[0], lines, defs)


def test_every_line_of_code_outside_definitions_is_covered() -> None:
    lines, _, chunks = _chunks(SOURCE)
    covered = {i for c in chunks for i in range(c.start_line, c.end_line)}
    for i, line in enumerate(lines):
        if line.strip():
            assert i in covered, line


def test_long_function_is_cut_in_windows() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CHUNK_LINES + 50))
    source = f"def big():\n{body}\n    return 0\n"
    _, _, chunks = _chunks(source)
    big = [c for c in chunks if c.symbol == "big"]
    assert len(big) >= 2
    assert big[0].start_line == 0 and big[-1].end_line == source.count("\n")
    assert all(a.end_line == b.start_line for a, b in itertools.pairwise(big))


def test_plain_text_is_cut_in_slices() -> None:
    lines = [f"line {i}" for i in range(SLICE_LINES * 2 + 5)]
    chunks = cut_chunks("notes.txt", lines, None)
    assert [c.kind for c in chunks] == ["text"] * 3
    assert chunks[-1].end_line == len(lines)
