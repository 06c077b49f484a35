"""shift_highlights (editor/highlighting.py): the highlights drawn between an edit and its parse. Where an edit
changes no syntax (blank lines, text inside a comment), the moved highlights equal a fresh parse's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual._tree_sitter import get_language
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.widgets import TextArea
from tree_sitter import Language

from editor.highlighting import HeldHighlights, Highlight, Move, block_highlights, shift_highlights, typed_joins
from editor.incremental import OffsetDocument, with_offsets

SOURCE = "import os\n\n# a comment here\ndef f(x):\n    return x + 1  # done\n\nclass C:\n    name = 'c'\n"


def test_rows_above_stay_and_rows_below_move_by_the_lines_added() -> None:
    rows = {0: [(0, 6, "keyword")], 5: [(4, 10, "string")]}
    assert shift_highlights(rows, ((2, 0), (2, 0), (4, 0))) == {0: [(0, 6, "keyword")], 7: [(4, 10, "string")]}


def test_rows_a_deletion_removes_go_and_the_last_ones_tail_moves_up() -> None:
    rows = {1: [(0, 3, "a"), (5, 9, "b")], 2: [(0, 2, "c")], 3: [(2, 6, "d")]}
    assert shift_highlights(rows, ((1, 4), (3, 3), (1, 4))) == {1: [(0, 3, "a"), (4, 7, "d")]}


def test_spans_after_an_insertion_on_its_line_move_right() -> None:
    assert shift_highlights({0: [(6, 9, "n")]}, ((0, 2), (0, 2), (0, 5))) == {0: [(9, 12, "n")]}


def test_text_typed_inside_a_span_takes_its_colour_and_text_typed_at_its_edges_does_not() -> None:
    spans = [(0, 4, "inside"), (4, 8, "after"), (8, None, "to-end")]
    moved = shift_highlights({0: spans}, ((0, 2), (0, 2), (0, 3)))
    assert moved == {0: [(0, 5, "inside"), (5, 9, "after"), (9, None, "to-end")]}
    at_edge = shift_highlights({0: spans}, ((0, 4), (0, 4), (0, 6)))
    assert at_edge == {0: [(0, 4, "inside"), (6, 10, "after"), (10, None, "to-end")]}


def test_a_span_inside_deleted_text_goes_and_one_across_its_edge_is_cut() -> None:
    spans = [(0, 3, "head"), (4, 6, "gone"), (5, 12, "tail")]
    assert shift_highlights({0: spans}, ((0, 2), (0, 8), (0, 2))) == {0: [(0, 2, "head"), (2, 6, "tail")]}


def test_enter_in_a_line_moves_its_tail_to_the_new_line() -> None:
    spans = [(0, 3, "def"), (4, 5, "name"), (8, 14, "comment")]
    moved = shift_highlights({3: spans}, ((3, 6), (3, 6), (4, 4)))
    assert moved == {3: [(0, 3, "def"), (4, 5, "name")], 4: [(6, 12, "comment")]}


def test_a_word_typed_on_or_text_typed_at_a_line_end_joins_the_span_before_it() -> None:
    spans = [(0, 3, "name")]
    assert shift_highlights({0: spans}, ((0, 3), (0, 3), (0, 5)), joins=True) == {0: [(0, 5, "name")]}
    assert typed_joins("ab_1", at_line_end=False) and typed_joins("(", at_line_end=True)
    assert not typed_joins("(", at_line_end=False) and not typed_joins("x\n", at_line_end=True)


def test_a_held_map_has_no_highlights_for_rows_never_queried_and_is_never_falsy() -> None:
    held = HeldHighlights()
    assert held[40] == [] and bool(held)


def python_language() -> Language:
    """Textual's Python grammar (the one TextArea highlights with)."""
    language = get_language("python")
    assert language is not None
    return language


PYTHON = python_language()


def highlights_of(text: str) -> dict[int, list[Highlight]]:
    """Every row's highlights from a full parse of `text`, as the editor queries them."""
    document = SyntaxAwareDocument(text, PYTHON)
    query = document.prepare_query(TextArea._get_builtin_highlight_query("python"))
    assert query is not None
    rows = document.line_count + 1
    captures = document.query_syntax_tree(query, (0, 0), (rows, 0))
    return {row: sorted(spans) for row, spans in block_highlights(captures, 0, rows).items() if spans}


def edited(text: str, start: tuple[int, int], end: tuple[int, int], insert: str) -> tuple[str, Move]:
    """`text` after the edit, and the edit's points as the document records them for the view."""
    document = with_offsets(SyntaxAwareDocument(text, PYTHON))
    assert isinstance(document, OffsetDocument)
    document.replace_range(start, end, insert)
    (move,) = document.take_moves()
    return document.text, move


@settings(max_examples=60, deadline=None)
@given(row=st.integers(0, SOURCE.count("\n")), blank=st.integers(1, 3))
def test_blank_lines_added_move_every_highlight_as_a_fresh_parse_has_it(row: int, blank: int) -> None:
    text, move = edited(SOURCE, (row, 0), (row, 0), "\n" * blank)
    moved = {row: sorted(spans) for row, spans in shift_highlights(highlights_of(SOURCE), *move).items() if spans}
    assert moved == highlights_of(text)


@settings(max_examples=60, deadline=None)
@given(column=st.integers(3, len("# a comment here")), typed=st.text("abc xyz", min_size=1, max_size=5))
def test_text_typed_in_a_comment_moves_the_highlights_as_a_fresh_parse_has_them(column: int, typed: str) -> None:
    text, move = edited(SOURCE, (2, column), (2, column), typed)
    moved = {row: sorted(spans) for row, spans in shift_highlights(highlights_of(SOURCE), *move).items() if spans}
    assert moved == highlights_of(text)
