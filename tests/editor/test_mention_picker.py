"""The pure part of @-mention autocomplete: the @word at the cursor and its replacement."""

from __future__ import annotations

import pytest

from editor.mention_picker import insert_mention, mention_at_cursor


@pytest.mark.parametrize(("text", "cursor", "expected"), [
    ("@ma", 3, (0, "ma")),
    ("explain @ma", 11, (8, "ma")),
    ("explain @", 9, (8, "")),
    ("see (@pkg/sh", 12, (5, "pkg/sh")),
    ("@main.py and", 3, (0, "ma")),  # the cursor inside a mention: what is typed up to it
    ('read @"my fi', 12, (5, "my fi")),  # a quoted path with spaces, still open
    ("@docs:tex", 9, (0, "docs:tex")),
])
def test_the_mention_being_typed(text: str, cursor: int, expected: tuple[int, str]) -> None:
    assert mention_at_cursor(text, cursor) == expected


@pytest.mark.parametrize(("text", "cursor"), [
    ("mail me at a@b.com", 18),  # an email address, not a mention
    ("@main.py then", 13),  # past the mention: a space ends it
    ("no mention here", 5),
    ('read @"my file.txt" now', 19),  # a closed quoted mention
    ("@a,b", 4),
    ("", 0),
])
def test_no_mention_at_the_cursor(text: str, cursor: int) -> None:
    assert mention_at_cursor(text, cursor) is None


def test_insert_replaces_the_typed_word_and_adds_a_space() -> None:
    assert insert_mention("explain @ma", 11, 8, "@main.py") == ("explain @main.py ", 17)
    # the rest of the word under the cursor goes too; the text after it stays, with its own space
    assert insert_mention("@maXX please", 3, 0, "@main.py") == ("@main.py please", 8)
    assert insert_mention("@ma", 3, 0, "@docs:textual") == ("@docs:textual ", 14)


def test_insert_quotes_paths_with_spaces_and_keeps_folders_open() -> None:
    assert insert_mention('@"my f', 6, 0, "@my file.txt") == ('@"my file.txt" ', 15)
    assert insert_mention("look in @pk", 11, 8, "@pkg/") == ("look in @pkg/", 13)  # its files come next
