"""engine/definitions.py's choice of identifiers to ask a server about (pure part)."""

from __future__ import annotations

from engine.definitions import identifiers_near_cursor

SOURCE = [
    "def handle(request):",
    "    # parse_header is mentioned in a comment only",
    "    payload = decode(request.body)",
    "    size = len(payload)",
    "    return respond(payload.strip(), size)",
    "",
]


def test_cursor_line_first_then_scope_by_distance_plain_names_before_attributes() -> None:
    found = identifiers_near_cursor(SOURCE, "python", 4, (0, 5), limit=20)
    names = [ident.name for ident in found]
    # The cursor's line: plain names, then attributes; `len` (a builtin) and keywords never appear.
    assert names[:4] == ["respond", "payload", "size", "strip"]
    assert names[4:] == ["decode", "request", "handle", "body"]
    assert "len" not in names and "return" not in names and "parse_header" not in names
    first = found[0]
    assert (first.line, first.character) == (4, SOURCE[4].index("respond"))


def test_limit_and_skip() -> None:
    found = identifiers_near_cursor(SOURCE, "python", 4, (0, 5), limit=2, skip=frozenset({"respond"}))
    assert [ident.name for ident in found] == ["payload", "size"]
    assert identifiers_near_cursor(SOURCE, "python", 99, None, limit=5) == []
