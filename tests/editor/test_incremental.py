"""The incremental sizes and byte offsets (editor/incremental.py) agree with Textual's whole-document ones after
every kind of edit: typing, new lines, deleting lines, multi-line pastes, non-ASCII text, tabs."""

from __future__ import annotations

import random

from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.document._wrapped_document import WrappedDocument

from editor.code_view import CodeView
from editor.incremental import OffsetDocument, SizedWrappedDocument

TEXT = "def f(x):\n\treturn x  # é\n\nclass C:\n    pass\n" * 20


def random_edit(view: CodeView, chance: random.Random) -> None:
    lines = view.document.lines
    row = chance.randrange(len(lines))
    start = (row, chance.randint(0, len(lines[row])))
    end_row = min(len(lines) - 1, row + chance.choice([0, 0, 1, 3]))
    end = (end_row, chance.randint(0, len(lines[end_row])) if end_row != row else start[1])
    text = chance.choice(["a", "\n", "", "  wide line " * 12 + "\n", "é\tü\nx", "(\n    y,\n)"])
    view.replace(text, start, end)


async def test_offsets_height_and_width_match_textual_after_random_edits() -> None:
    view = CodeView(TEXT, language="python")
    assert isinstance(view.document, OffsetDocument)
    assert isinstance(view.wrapped_document, SizedWrappedDocument)
    chance = random.Random(7)
    for _ in range(300):
        random_edit(view, chance)
        document, wrapped = view.document, view.wrapped_document
        assert isinstance(document, OffsetDocument)
        lines = document.lines
        for row in {0, len(lines) // 2, len(lines) - 1, len(lines)}:
            column = len(lines[row]) // 2 if row < len(lines) else 0
            assert document._location_to_byte_offset((row, column)) == SyntaxAwareDocument._location_to_byte_offset(
                document, (row, column)
            )
        assert wrapped.height == sum(len(offsets) + 1 for offsets in wrapped._wrap_offsets)  # Textual's own sum
        assert len(wrapped._line_index_to_offsets) == len(lines)  # also after a gutter change (99 <-> 100 lines)
        widest = document.get_size(view.indent_width).width
        assert wrapped.widest >= widest  # never narrower than the widest line (shrinking waits for a full wrap)
    assert not document.stale  # not mounted: each edit is parsed at once, incrementally
    fresh = SyntaxAwareDocument(view.text, document.language)  # the incremental parse read the right bytes
    assert str(document._syntax_tree.root_node) == str(fresh._syntax_tree.root_node)
    view.wrapped_document.wrap(0, view.indent_width)  # after edits: done in full, not skipped as "same width"
    theirs = WrappedDocument(view.document, tab_width=view.indent_width)
    assert view.wrapped_document._offset_to_line_info == theirs._offset_to_line_info
    assert view.wrapped_document.widest == view.document.get_size(view.indent_width).width


def test_wrapping_after_each_edit_matches_textual_with_and_without_lines_that_wrap() -> None:
    for width in (0, 30, 200):
        view = CodeView(TEXT * 3, language="python")  # 300 lines: an edit seldom changes the gutter's width
        view.wrapped_document.wrap(width, view.indent_width)
        chance = random.Random(width)
        for step in range(150):
            random_edit(view, chance)
            ours = view.wrapped_document  # (a gutter change rewraps it at the unmounted view's width, 0)
            theirs = WrappedDocument(view.document, width=ours._width, tab_width=view.indent_width)
            assert ours._offset_to_line_info == theirs._offset_to_line_info, (width, step)
            assert ours._line_index_to_offsets == theirs._line_index_to_offsets, (width, step)
            assert ours._wrap_offsets == theirs._wrap_offsets, (width, step)
            assert ours._tab_width_cache == theirs._tab_width_cache, (width, step)
            if chance.random() < 0.1:
                ours.wrap(width, view.indent_width)  # a full wrap now and then: lines that stopped wrapping


def assert_same_wrap(view: CodeView, ours: SizedWrappedDocument, theirs: WrappedDocument, width: int) -> None:
    """Both wrapped at `width`: the same offsets, line info and tab widths as Textual's, and the widest line."""
    ours.wrap(width, view.indent_width)
    theirs.wrap(width, view.indent_width)
    assert ours._wrap_offsets == theirs._wrap_offsets
    assert ours._offset_to_line_info == theirs._offset_to_line_info
    assert ours._line_index_to_offsets == theirs._line_index_to_offsets
    assert ours._tab_width_cache == theirs._tab_width_cache
    assert ours.widest == view.document.get_size(view.indent_width).width


def test_full_wrap_matches_textuals_at_every_width() -> None:
    text = TEXT + "\t\tindented with tabs and then a long tail " * 3 + "\n" + "界" * 70 + "\n\n" + "x" * 200
    view = CodeView(text, language="python")
    ours = view.wrapped_document
    theirs = WrappedDocument(view.document, tab_width=view.indent_width)
    for width in (0, 10, 37, 80, 500):
        assert_same_wrap(view, ours, theirs, width)


def test_plain_text_keeps_textuals_document() -> None:
    view = CodeView("plain\ntext")
    assert not isinstance(view.document, OffsetDocument)
    assert view.wrapped_document.height == 2


def test_plain_full_wrap_matches_textuals() -> None:
    for text in ("def f():\n    return 1\n\n" * 30, "", "x" * 90 + "\nshort\n"):
        view = CodeView(text, language="python")
        ours = view.wrapped_document
        theirs = WrappedDocument(view.document, tab_width=view.indent_width)
        # Every line fits (the list-at-a-time path), still fits at a new width (no work), then some do not, then all
        # fit again.
        for width in (0, 200, 120, 40, 300):
            assert_same_wrap(view, ours, theirs, width)
