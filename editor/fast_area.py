"""TextArea's per-keystroke whole-document work taken off the keystroke (issue 13's speed goals): a document that
keeps its sizes and byte offsets (editor/incremental.py), highlights queried only for drawn rows
(editor/highlighting.py), a big file shown before its first parse, and drawn lines cached by what they show, so a
keystroke redraws the lines it changed rather than every visible one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from textual import events
from textual._tree_sitter import get_language
from textual.document._document import DocumentBase
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from editor.highlighting import SyntaxNode, VisibleHighlights
from editor.incremental import OffsetDocument, SizedWrappedDocument, sized, with_offsets

# A file this long or longer is shown before its first parse (~0.6 s for 100,000 lines); a shorter one is parsed
# before its first frame, so it never shows unhighlighted.
DEFER_LINES = 2_000


class FastArea(TextArea):
    """A TextArea whose keystroke costs what the edit touched, not the document's size."""

    _sized: SizedWrappedDocument
    _document: DocumentBase
    _frame: FrameState | None = None  # set while a frame is drawn

    @property
    def document(self) -> DocumentBase:
        """TextArea's document; a syntax-aware one keeps its lines' byte lengths (editor/incremental.py)."""
        return self._document

    @document.setter
    def document(self, document: DocumentBase) -> None:
        self._document = with_offsets(document)

    @property
    def wrapped_document(self) -> SizedWrappedDocument:
        """TextArea's wrapped document, sized without whole-document scans (editor/incremental.py)."""
        return self._sized

    @wrapped_document.setter
    def wrapped_document(self, wrapped: WrappedDocument) -> None:
        self._sized = sized(wrapped)

    def _set_document(self, text: str, language: str | None) -> None:
        # TextArea's, except that a syntax-aware document is shown before its first parse (~1 s for 100,000
        # lines), which then runs like any reparse.
        registered = self._languages.get(language) if language else None
        grammar = (registered.language if registered else None) or (get_language(language) if language else None)
        if language is None or grammar is None:
            super()._set_document(text, language)  # plain text, or TextArea's own error for an unknown language
            return
        query = registered.highlight_query if registered else self._get_builtin_highlight_query(language)
        document = OffsetDocument.unparsed(text, grammar)
        self._highlight_query = document.prepare_query(query)
        self.document = document
        # Built wrapped by the sized document's own wrap (WrappedDocument's took ~2 s for 100,000 lines).
        self.wrapped_document = SizedWrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def _refresh_size(self) -> None:
        # TextArea measures every line's width after each edit; the sized document keeps the widest instead.
        if self.soft_wrap:
            super()._refresh_size()
            return
        width = self.wrapped_document.widest
        self.virtual_size = Size(width + self.gutter_width + 1, self.document.line_count)
        self._refresh_scrollbars()

    def _build_highlight_map(self) -> None:
        # TextArea calls this after every edit and re-queries the whole tree; forget instead, query when drawn.
        # Cached lines stay: their keys hold their highlights (render_line).
        query = self._highlight_query
        self._highlights = VisibleHighlights(self._query_rows) if query else {}
        self._schedule_parse()

    def _query_rows(self, first: int, end: int) -> Mapping[str, Sequence[SyntaxNode]]:
        query = self._highlight_query
        if query is None:
            return {}
        captures = self.document.query_syntax_tree(query, (first, 0), (end, 0))
        # Each name's nodes in document order (tree-sitter's order shifts after an edit elsewhere in the block): a
        # row's highlights then stay equal, so its cached line stays valid. The names in the query's own order:
        # tree-sitter lists them as first met in the block, so which style wins where spans overlap would depend
        # on where the block starts.
        order = {query.capture_name(index): index for index in range(query.capture_count)}
        names = sorted(captures, key=lambda name: order.get(name, len(order)))
        return {name: sorted(captures[name], key=node_place) for name in names}

    # -- the first parse of a big file, after the frame that shows it --
    def _schedule_parse(self) -> None:
        # An edit is parsed at once: a query over an edited tree not yet reparsed reads its text predicates
        # wrongly (every identifier matched `type`), so a deferred reparse would flash wrong colours.
        document = self.document
        if not isinstance(document, OffsetDocument) or not document.stale:
            return
        if document.parsed or document.line_count < DEFER_LINES:
            document.reparse()
        elif self.is_mounted:  # a big file just opened: drawn first (its empty tree highlights nothing meanwhile)
            self.call_after_refresh(self.parse_now)
        # else: a view still being built (a new tab): parsed after its first frame, from _on_mount

    def _on_mount(self, event: events.Mount) -> None:  # Textual calls TextArea's too (one per class)
        document = self.document
        if isinstance(document, OffsetDocument) and document.stale:
            self.call_after_refresh(self.parse_now)

    def parse_now(self) -> None:
        """Bring the syntax tree up to date with the text now (a file just opened: after its first frame)."""
        document = self.document
        if isinstance(document, OffsetDocument) and document.reparse():
            query = self._highlight_query
            self._highlights = VisibleHighlights(self._query_rows) if query else {}
            self.refresh()

    # -- drawing: lines cached by what they show --
    def render_line(self, y: int) -> Strip:
        document = self.document
        if self.placeholder and document.line_count == 1 and not document[0]:
            return super().render_line(y)  # the placeholder; TextArea's check joins the whole text per line
        key = self._line_key(y)
        line = self._line_cache.get(key)
        if line is None:
            line = self._render_line(y)
            self._line_cache[key] = line
        return line

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._frame_state()  # read once per frame, not once per line
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _frame_state(self) -> FrameState:
        scroll_x, scroll_y = self.scroll_offset
        return FrameState(
            scroll_y,
            (self.size, scroll_x, self.theme, self.virtual_size.width, self.soft_wrap, self.gutter_width),
            self.selection,
            (self._draw_cursor, self.suggestion, self.has_focus, self.highlight_cursor_line),
            self._matching_bracket_location,
            self.match_cursor_bracket,
            (self.show_line_numbers, self.line_number_start, self.read_only, self.show_cursor, self.indent_width),
        )

    def _line_key(self, y: int) -> tuple[object, ...]:
        """What the visual line `y` shows depends on: TextArea keys its cache by screen row, so it must forget
        every line on each edit; this key holds the row's text, highlights, selection and cursor instead."""
        frame = self._frame or self._frame_state()
        info = self.wrapped_document._offset_to_line_info
        offset = frame.scroll_y + y
        if offset >= len(info):
            return ("caret-blank", frame.common)
        row, section = info[offset]
        start, end = selection = frame.selection
        top, bottom = sorted(selection)
        selected = (top, bottom, end) if start != end and top[0] <= row <= bottom[0] else None
        cursor = (end[1], frame.cursor) if end[0] == row else None
        bracket = frame.bracket
        if bracket is not None and (bracket[0] == row or end[0] == row):
            bracket_key = (bracket, start == end, frame.match_bracket)
        else:
            bracket_key = None
        highlights = self._highlights
        return (
            "caret-line",
            frame.common,
            row,
            section,
            document_line(self.document, row),
            tuple(highlights[row]) if highlights else (),
            selected,
            cursor,
            bracket_key,
            frame.options,
        )


class FrameState(NamedTuple):
    """The widget's state that every drawn line's key reads, taken once per frame."""

    scroll_y: int
    common: tuple[object, ...]
    selection: Selection
    cursor: tuple[object, ...]
    bracket: tuple[int, int] | None
    match_bracket: bool
    options: tuple[object, ...]


def node_place(node: SyntaxNode) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where a node lies: its start and end points."""
    return node.start_point, node.end_point


def document_line(document: DocumentBase, row: int) -> str:
    """Row `row` of `document` (empty past its end)."""
    lines = document.lines
    return lines[row] if row < len(lines) else ""
