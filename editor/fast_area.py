"""TextArea's per-keystroke whole-document work taken off the keystroke (issue 13's speed goals): a document that
keeps its sizes and byte offsets (editor/incremental.py), highlights queried only for drawn rows
(editor/highlighting.py), a big file shown before its first parse, and drawn lines cached by what they show, so a
keystroke redraws the lines it changed rather than every visible one."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, NamedTuple

from rich.segment import Segment
from textual import events
from textual._tree_sitter import get_language
from textual.cache import LRUCache
from textual.document._document import DocumentBase
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import Selection
from tree_sitter import Tree

from editor.highlighting import (
    BLOCK_LINES,
    HeldHighlights,
    Highlight,
    SyntaxNode,
    VisibleHighlights,
    shift_highlights,
)
from editor.incremental import OffsetDocument, ParseJob, SizedWrappedDocument, sized, with_offsets

# A file this long or longer is parsed on a thread: first after its first frame (~0.3 s for 100,000 lines), then
# after each edit's frame (an incremental parse costs ~1-25 ms at 10,000 lines, more while a bracket is open).
# A shorter one is parsed at once, before the frame: it never shows unhighlighted.
DEFER_LINES = 2_000
NOWHERE = Region(0, 0, 0, 0)
# One thread for every view's parses: tree-sitter lets go of the GIL while it parses from a read callback.
PARSE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caret-parse")


class FastArea(TextArea):
    """A TextArea whose keystroke costs what the edit touched, not the document's size."""

    _sized: SizedWrappedDocument
    _document: DocumentBase
    _frame: FrameState | None = None  # set while a frame is drawn
    _highlights_of: DocumentBase | None = None  # the document the highlights map was made for
    _recheck: bool = False  # the whole view was asked to repaint: which lines changed is found at the frame
    _look: tuple[object, ...] | None = None  # the view's look when its lines were last drawn (`_look_now`)

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # What a line looks like apart from its number -> (its row, its strip), for lines that move.
        self._by_content: LRUCache[tuple[object, ...], tuple[object, Strip]] = LRUCache(1000)
        self._drawn: dict[int, tuple[object, ...]] = {}  # y -> the key of the line last drawn there
        super().__init__(*args, **kwargs)

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
            size = Size(0, self.wrapped_document.height)
        else:
            size = Size(self.wrapped_document.widest + self.gutter_width + 1, self.document.line_count)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size  # not laid out yet: the layout to come sizes the scrollbars
            self._refresh_scrollbars()
            return
        # The reactive's layout=True relays out the whole screen (~10-20 ms, each Enter); the view's own size does
        # not depend on it: the scrollbars do (shown or hidden: that relays out; their thumbs: a repaint).
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def _build_highlight_map(self) -> None:
        # TextArea calls this after every edit and re-queries the whole tree; here a parsed tree is queried when
        # drawn, and while an edit waits for its parse the highlights drawn are the last ones, moved by the edit.
        # Cached lines stay: their keys hold their highlights (render_line).
        document, query = self.document, self._highlight_query
        if not query:
            self._highlights = {}
            return
        moves = document.take_moves() if isinstance(document, OffsetDocument) else []
        self._schedule_parse()
        if not (isinstance(document, OffsetDocument) and document.stale):
            self._highlights = VisibleHighlights(self._query_rows)
        else:
            held = self._near_view(self._highlights) if self._highlights_of is document else {}
            for points, joins in moves:
                held = shift_highlights(held, points, joins)
            self._highlights = HeldHighlights(held)
        self._highlights_of = document

    def _near_view(self, highlights: Mapping[int, Sequence[Highlight]]) -> dict[int, list[Highlight]]:
        """The rows of `highlights` within a block of the view: all that can be drawn before the parse ends (the
        map of a file scrolled through holds every row it drew, and an edit moves what it keeps)."""
        info = self.wrapped_document._offset_to_line_info
        top = info[min(self.scroll_offset.y, len(info) - 1)][0] if info else 0
        rows = range(max(0, top - BLOCK_LINES), top + self.size.height + BLOCK_LINES)
        return {row: list(highlights[row]) for row in rows if row in highlights}

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

    # -- parsing: a big file's on a thread, after the frame that shows it or the edit --
    def _schedule_parse(self) -> None:
        document = self.document
        if not isinstance(document, OffsetDocument) or not document.stale or document.parsing:
            return  # up to date, or a parse is running: when it ends it starts the next one
        if document.line_count < DEFER_LINES:
            document.reparse()  # a few milliseconds at most: drawn highlighted at once
        elif self.is_mounted:
            self.call_after_refresh(self._parse_in_background)
        # else: a view still being built (a new tab): parsed after its first frame, from _on_mount

    def _on_mount(self, event: events.Mount) -> None:  # Textual calls TextArea's too (one per class)
        document = self.document
        if isinstance(document, OffsetDocument) and document.stale:
            self.call_after_refresh(self._parse_in_background)

    def _parse_in_background(self) -> None:
        document = self.document
        if not isinstance(document, OffsetDocument) or not document.stale or document.parsing:
            return
        job = document.start_parse()
        future = asyncio.get_running_loop().run_in_executor(PARSE_THREAD, job.run)
        future.add_done_callback(partial(self._parsed, document, job))

    def _parsed(self, document: OffsetDocument, job: ParseJob, future: asyncio.Future[Tree]) -> None:
        if future.cancelled() or future.exception() is not None:
            document.abandon_parse()  # the next one parses in full (an exception here would only be logged)
        else:
            document.finish_parse(job, future.result())
        if document is not self.document:
            return  # replaced (another file loaded) while it was parsed
        if document.stale:
            self._parse_in_background()  # edits came in meanwhile: one parse for all of them
            return
        self._highlights = VisibleHighlights(self._query_rows) if self._highlight_query else {}
        self.refresh()

    def parse_now(self) -> None:
        """Bring the syntax tree up to date with the text now, unless a thread is parsing it."""
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
        key = self._drawn[y] = self._line_key(y)
        line = self._line_cache.get(key)
        if line is None:
            line = self._moved_line(key) or self._render_line(y)
            self._line_cache[key] = line
            content = key[-1]
            if key[0] == "caret-line" and isinstance(content, tuple):  # may be drawn again under another number
                self._by_content[content] = (key[2], line)
        return line

    def row_marks(self, row: int) -> object:
        """What a subclass draws of its own on `row` (a problem mark), or None: part of the row's line key, and a
        row with marks is never moved from elsewhere."""
        return None

    def _moved_line(self, key: tuple[object, ...]) -> Strip | None:
        """The line as drawn under another number (Enter or a deleted line moved every line below it): the same
        strip after the gutter, with this row's number. None when it was not drawn, or its look depends on the row
        (the cursor, the selection or a bracket is on it, or a problem mark)."""
        if key[0] != "caret-line" or key[-1] is None:
            return None
        content, row = key[-1], key[2]
        assert isinstance(content, tuple)
        drawn = self._by_content.get(content)
        if drawn is None or drawn[0] == row or not isinstance(row, int):
            return None
        width = self.gutter_width
        if not width:
            return drawn[1]
        theme = self._theme
        base = theme.base_style if theme and theme.base_style is not None else self.rich_style
        number = "" if key[3] else str(row + self.line_number_start)  # a wrapped line's later sections: none
        gutter = Strip([Segment(f"{number:>{width - 2}}  ", theme.gutter_style if theme else None)], width)
        return Strip.join([gutter.apply_style(base), drawn[1].crop(width)])

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._frame_state()  # read once per frame, not once per line
        try:
            self._mark_changed_lines()  # a repaint of the whole screen comes here without asking which changed
            strips = super().render_lines(crop)
            self._look = self._look_now()
            return strips
        finally:
            self._frame = None

    # -- repainting: the lines whose key changed, not the whole view --
    def _set_dirty(self, *regions: Region) -> None:
        # Textual repaints the whole view for any change of a reactive (the selection moves with every key), and
        # forgets every styled line: ~40 lines through the styles cache and the compositor per keystroke. Which
        # lines changed is known by their keys (`_line_key`): it is worked out when the frame is drawn.
        if regions or self._look is None:
            super()._set_dirty(*regions)
            return
        self._recheck = True
        super()._set_dirty(NOWHERE)  # a repaint is due; the styled lines are kept

    def _exchange_repaint_regions(self) -> Collection[Region]:
        self._mark_changed_lines()
        return super()._exchange_repaint_regions()

    def _mark_changed_lines(self) -> None:
        """Mark dirty the lines whose key differs from the one they were drawn with (all when the view's look,
        which the styled lines also depend on, changed)."""
        if not self._recheck:
            return
        self._recheck = False
        if self._look_now() != self._look:
            super()._set_dirty()
            return
        framed = self._frame is not None
        self._frame = self._frame or self._frame_state()
        try:
            width, drawn, key = self.size.width, self._drawn, self._line_key
            changed = [Region(0, y, width, 1) for y in range(self.size.height) if drawn.get(y) != key(y)]
        finally:
            if not framed:
                self._frame = None
        if changed:
            super()._set_dirty(*changed)

    def _look_now(self) -> tuple[object, ...]:
        """What a styled line depends on besides its content: sizes, colours, padding, border, opacity."""
        styles = self.styles
        return (
            self.region.size,
            self.content_region.size,
            self.background_colors,
            self.rich_style,
            styles.padding,
            styles.border,
            styles.tint,
            self.opacity,
            self._border_title,
            self._border_subtitle,
        )

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
        text = document_line(self.document, row)
        spans = tuple(highlights[row]) if highlights else ()
        # What the line looks like apart from its number, when nothing on it depends on the row.
        marks = self.row_marks(row)
        apart = selected or cursor or bracket_key or marks is not None
        content = None if apart else (frame.common, section, text, spans)
        return (
            "caret-line",
            frame.common,
            row,
            section,
            text,
            spans,
            selected,
            cursor,
            bracket_key,
            frame.options,
            marks,
            content and (*content, frame.options),
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
