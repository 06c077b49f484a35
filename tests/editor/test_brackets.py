"""Bracket matching: the same partner TextArea finds, without walking the whole file for a bracket with none."""

from __future__ import annotations

import random
import time

from textual.widgets import TextArea

from editor.brackets import matching_bracket


def partner(text: str, location: tuple[int, int], limit: int = 2000) -> tuple[int, int] | None:
    lines = text.split("\n")
    row, column = location
    char = lines[row][column] if column < len(lines[row]) else ""
    return matching_bracket(lines.__getitem__, len(lines), char, location, limit)


def test_nested_pairs_across_lines_both_ways() -> None:
    text = "f(a, [b,\n  {c: (d)}],\n e)"
    assert partner(text, (0, 1)) == (2, 2) and partner(text, (2, 2)) == (0, 1)
    assert partner(text, (0, 5)) == (1, 10) and partner(text, (1, 10)) == (0, 5)
    assert partner(text, (1, 2)) == (1, 9) and partner(text, (1, 6)) == (1, 8)
    assert partner(text, (0, 0)) is None  # not a bracket
    assert partner("(]", (0, 0)) is None and partner("(]", (0, 1)) is None  # a stray closer is no partner


def test_the_same_partner_as_textual_on_random_text() -> None:
    rng = random.Random(7)
    area = TextArea()
    for _ in range(200):
        text = "\n".join("".join(rng.choice("()[]{}ab ") for _ in range(rng.randrange(0, 12))) for _ in range(6))
        area.load_text(text)
        lines = text.split("\n")
        for row, line in enumerate(lines):
            for column, char in enumerate(line):
                expected = TextArea.find_matching_bracket(area, char, (row, column))
                assert partner(text, (row, column)) == expected, (text, row, column)


def test_a_lone_bracket_in_a_huge_file_searches_only_near_rows() -> None:
    lines = ["x = ("] + ["y = [1, 2]"] * 100_000 + [")"]
    read: list[int] = []

    def line_at(row: int) -> str:
        read.append(row)
        return lines[row]

    assert matching_bracket(line_at, len(lines), "(", (0, 4), limit=2000) is None
    assert max(read) == 2000
    started = time.perf_counter()
    matching_bracket(lines.__getitem__, len(lines), "(", (0, 4))
    assert time.perf_counter() - started < 0.05  # TextArea's own scan of this file: ~150 ms
    assert matching_bracket(lines.__getitem__, len(lines), ")", (len(lines) - 1, 0), limit=200_000) == (0, 4)
