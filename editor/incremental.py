"""The whole-document work Textual's TextArea does per keystroke, made incremental.

- WrappedDocument sums every line's wrap offsets for its height, read once per drawn line: in a 10,000-line file
  ~90% of a keystroke. Here the height is the length of a list kept up to date anyway.
- TextArea measures every line's width after each edit; here the widest line is measured on a full wrap (load,
  resize) and then only over the edited rows.
- SyntaxAwareDocument turns an edit's location into a byte offset for tree-sitter by encoding every line above it;
  here each line's byte length is kept (updated for the edited rows) and only summed.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual._wrap import compute_wrap_offsets
from textual.document._document import Document, DocumentBase, EditResult, Location, _utf8_encode
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths
from tree_sitter import Language, Parser, Tree

from editor.highlighting import Move, typed_joins


def line_width(line: str, tab_width: int) -> int:
    """The cells `line` takes on screen, tabs expanded as TextArea draws them."""
    return cell_len(line.expandtabs(tab_width))


class SizedWrappedDocument(WrappedDocument):
    """A WrappedDocument whose height is O(1) and which keeps the width of the widest line (for horizontal
    scrolling; after an edit shortens the widest line it stays as it was until the next full wrap: a little
    spare scroll room, never a line cut off)."""

    widest: int = 0
    _wrapped_at: tuple[int, int, object, int] | None = None  # (width, tab, document, lines): a full wrap, no edit since
    _plain: bool = False  # that full wrap found every line plain (ASCII, no tab) and no wider than the view
    _unwrapped: bool = False  # no line wraps: visual line n is document line n (see wrap_range)

    @property
    def height(self) -> int:
        """The height of the wrapped document: one offset per visual line."""
        return len(self._offset_to_line_info)

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """Wrap every line (load, resize, scrollbar shown) and measure them all: WrappedDocument.wrap's result,
        with a fast path for the common line (ASCII, no tab: its width is its length, and a line no wider than
        the view has no wrap offsets) instead of Textual's wrap computation for each of 100,000 lines."""
        if tab_width:
            self._tab_width = tab_width
        tab = self._tab_width
        # The line count too: an edit that changes the gutter's width (99 -> 100 lines) or its undo is followed by
        # this full wrap instead of wrap_range.
        wrapped_at = (width, tab, self.document, self.document.line_count)
        if self._wrapped_at == wrapped_at:
            return  # TextArea rewraps several times while loading a file, with no edit in between
        fits = width or 1 << 62
        plain_before = self._wrapped_at is not None and self._wrapped_at[1:] == wrapped_at[1:] and self._plain
        self._wrapped_at = wrapped_at
        self._width = width
        if plain_before and self.widest <= fits:
            return  # every line was plain and still fits: a new view width (gutter, scrollbar) changes nothing
        lines = self.document.lines
        if all(len(line) <= fits and "\t" not in line and line.isascii() for line in lines):
            self._plain_wrap(lines)  # every line plain and no wider than the view: built a list at a time
            return
        self._plain = False
        wrap_offsets: list[list[int]] = []
        line_info: list[tuple[int, int]] = []
        line_offsets: list[list[int]] = []
        tab_widths: list[list[int]] = []
        widest = offset = 0
        for index, line in enumerate(lines):
            size = len(line)
            if size <= fits and "\t" not in line and line.isascii():  # the common line, kept cheap
                wrap_offsets.append([])
                tab_widths.append([0] if line else [])
                line_offsets.append([offset])
                line_info.append((index, 0))
                offset += 1
                if size > widest:
                    widest = size
                continue
            if "\t" not in line and line.isascii():
                size, sections = len(line), ([(line, 0)] if line else [])
            else:
                size, sections = line_width(line, tab), get_tab_widths(line, tab)
            wraps = (
                compute_wrap_offsets(line, width, tab_size=tab, precomputed_tab_sections=sections)
                if width and size > width
                else []
            )
            widest = max(widest, size)
            tab_widths.append([cells for _, cells in sections])
            wrap_offsets.append(wraps)
            line_offsets.append(list(range(offset, offset + len(wraps) + 1)))
            line_info.extend((index, section) for section in range(len(wraps) + 1))
            offset += len(wraps) + 1
        self._wrap_offsets, self._offset_to_line_info = wrap_offsets, line_info
        self._unwrapped = len(line_info) == len(lines)
        self._line_index_to_offsets, self._tab_width_cache = line_offsets, tab_widths
        self.widest = widest

    def _plain_wrap(self, lines: list[str]) -> None:
        self._plain = self._unwrapped = True
        rows = range(len(lines))
        self._wrap_offsets = [[] for _ in rows]
        self._offset_to_line_info = [(row, 0) for row in rows]
        self._line_index_to_offsets = [[row] for row in rows]
        self._tab_width_cache = [[0] if line else [] for line in lines]
        self.widest = max(map(len, lines), default=0)

    def measure_all(self) -> None:
        """Measure every line's width."""
        self.widest = max((line_width(line, self._tab_width) for line in self.document.lines), default=0)

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        """Rewrap the edited rows and widen to them if they are now the widest. While no line wraps, a visual line
        is a document line: Textual renumbered every line below an added or removed one (~40 ms per Enter at
        100,000 lines); here the lists only grow or shrink at their end."""
        lines, tab, width = self.document.lines, self._tab_width, self._width
        old_count = len(self._line_index_to_offsets)
        top = min(max(0, min(start[0], old_end[0])), old_count - 1, len(lines) - 1)
        old_bottom = min(max(start[0], old_end[0]), old_count - 1)
        new_bottom = min(max(start[0], new_end[0]), len(lines) - 1)
        edited = lines[top : new_bottom + 1]
        widths = [line_width(line, tab) for line in edited]
        if not (self._unwrapped and top <= old_bottom and (not width or max(widths, default=0) <= width)):
            self._unwrapped = False  # a line wraps now: Textual's bookkeeping, until the next full wrap
            super().wrap_range(start, old_end, new_end)
        else:
            self._wrap_offsets[top : old_bottom + 1] = [[] for _ in edited]
            tabs = [[cells for _, cells in get_tab_widths(line, tab)] for line in edited]
            self._tab_width_cache[top : old_bottom + 1] = tabs
            info, offsets, count = self._offset_to_line_info, self._line_index_to_offsets, len(lines)
            if count > old_count:
                info.extend((row, 0) for row in range(old_count, count))
                offsets.extend([row] for row in range(old_count, count))
            elif count < old_count:
                del info[count:], offsets[count:]
        self._wrapped_at = None  # the next full wrap is done in full
        self.widest = max([self.widest, *widths])


def sized(wrapped: WrappedDocument) -> SizedWrappedDocument:
    """`wrapped` as a SizedWrappedDocument (the same object: TextArea's navigator keeps a reference to it)."""
    if not isinstance(wrapped, SizedWrappedDocument):
        wrapped.__class__ = SizedWrappedDocument
        assert isinstance(wrapped, SizedWrappedDocument)
        wrapped.measure_all()
    return wrapped


class OffsetDocument(SyntaxAwareDocument):
    """A SyntaxAwareDocument that keeps each line in UTF-8 (so an edit's byte offset is a sum of integers, and a
    read by tree-sitter is one slice) and parses when asked: at once (`reparse`), or on another thread
    (`start_parse`, then `finish_parse` with the tree). Edits since the last parse wait in a list and are applied
    to the tree when the next parse starts, so a tree a thread is parsing from is never touched. Query a tree that
    is not `stale` only: over an edited one not reparsed, tree-sitter 0.26's text predicates read wrong text
    (every identifier matched `type`)."""

    _encoded: list[bytes]  # each line + the newline, as tree-sitter reads it (once measured: see `measure_all`)
    _byte_lengths: list[int]  # each line's length in bytes, without the newline
    _measured: bool = True  # the two lists above are kept: edits are recorded for an incremental parse
    _parsed: bool = True  # the tree is a parse of this document (as it was before the edits in _pending)
    parsing: bool = False  # a thread is parsing (from the tree, which must not be touched until it ends)
    _pending: list[dict[str, Any]]  # edits since the last parse started, as tree.edit() takes them
    moves: list[Move]  # edits not yet taken by the view (`take_moves`)

    @classmethod
    def unparsed(cls, text: str, language: Language) -> OffsetDocument:
        """A document of `text` whose first parse waits to be asked for (opening a big file shows it first)."""
        document = cls.__new__(cls)
        Document.__init__(document, text)
        document.language = language
        document._parser = Parser(language)
        document._syntax_tree = document._parser.parse(b"")  # no highlights until the parse
        document._pending, document.moves = [], []
        document._measured = document._parsed = False
        return document

    @property
    def parsed(self) -> bool:
        """Whether the document has been parsed at least once (its tree, perhaps edited since, is its own)."""
        return self._parsed

    @property
    def stale(self) -> bool:
        """Whether the text differs from what the tree was parsed from (or a parse is running)."""
        return not self._parsed or self.parsing or bool(self._pending)

    def measure_all(self) -> None:
        """Encode every line (done with the first parse)."""
        newline = _utf8_encode(self.newline)
        self._encoded = [_utf8_encode(line) + newline for line in self._lines]
        self._byte_lengths = [len(line) - len(newline) for line in self._encoded]
        self._measured = True
        self.__dict__.setdefault("_pending", [])
        self.__dict__.setdefault("moves", [])

    def take_moves(self) -> list[Move]:
        """The edits (as points) made since the last call: for moving the highlights drawn meanwhile."""
        moves, self.moves = self.moves, []
        return moves

    def reparse(self) -> bool:
        """Parse the edits made since the last parse now (incrementally when there is a tree); False: nothing to
        do, or a thread is parsing."""
        if not self.stale or self.parsing:
            return False
        job = self.start_parse()
        self.finish_parse(job, job.run())
        return True

    def start_parse(self) -> ParseJob:
        """A parse of the text as it is now, to run on any thread; `finish_parse` takes its tree."""
        if not self._measured:
            self.measure_all()
        old = None
        if self._parsed:
            for edit in self._pending:
                self._syntax_tree.edit(**edit)
            old = self._syntax_tree
        self._pending = []
        self.parsing = True
        return ParseJob(self.language, list(self._encoded), old)

    def finish_parse(self, job: ParseJob, tree: Tree) -> None:
        """`tree`, parsed by `job`, becomes the document's; edits made since the job started stay pending."""
        self._syntax_tree, self._parsed, self.parsing = tree, True, False

    def abandon_parse(self) -> None:
        """The job failed: the next parse is a full one."""
        self.parsing = self._parsed = False
        self._pending = []

    def _location_to_byte_offset(self, location: Location) -> int:
        row, column = location
        lines = self._lines
        above = sum(self._byte_lengths[:row]) + min(row, len(lines)) * len(self.newline)
        return above + (len(_utf8_encode(lines[row][:column])) if row < len(lines) else 0)

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """The edit, the edited rows re-encoded and the edit kept for the tree; the parse waits to be asked for."""
        top, bottom = sorted((start, end))
        at_line_end = top == bottom and top[0] < len(self._lines) and top[1] == len(self._lines[top[0]])
        measured = self._measured
        if measured:  # where the edit lies in the old text, before it changes
            start_byte, old_end_byte = self._location_to_byte_offset(top), self._location_to_byte_offset(bottom)
            start_point, old_end_point = self._location_to_point(top), self._location_to_point(bottom)
        result = Document.replace_range(self, start, end, text)
        if not measured:
            return result  # the first parse has not happened: it reads the text as it is then
        newline = _utf8_encode(self.newline)
        rows = [_utf8_encode(line) + newline for line in self._lines[top[0] : result.end_location[0] + 1]]
        self._encoded[top[0] : bottom[0] + 1] = rows
        self._byte_lengths[top[0] : bottom[0] + 1] = [len(row) - len(newline) for row in rows]
        new_end_point = self._location_to_point(result.end_location)
        self._pending.append(
            {
                "start_byte": start_byte,
                "old_end_byte": old_end_byte,
                "new_end_byte": start_byte + len(_utf8_encode(text)),
                "start_point": start_point,
                "old_end_point": old_end_point,
                "new_end_point": new_end_point,
            }
        )
        self.moves.append(((start_point, old_end_point, new_end_point), typed_joins(text, at_line_end)))
        return result


# Lines handed to tree-sitter per read: each read takes the GIL from the UI thread; one line a read made a
# 100,000-line parse ~500,000 reads (0.56 s), 64 lines ~3,000 (0.28 s, less than parsing one bytes object).
READ_LINES = 64


class ParseJob:
    """One parse of a snapshot of a document's lines (from the old tree when there is one): it touches nothing
    shared, so it runs on a thread; with a read callback, tree-sitter lets go of the GIL between reads. The tree
    keeps the callback for the query's text predicates: those read one line each, after the parse."""

    def __init__(self, language: Language, lines: list[bytes], old: Tree | None) -> None:
        self._parser, self._lines, self._old = Parser(language), lines, old
        self._block = READ_LINES

    def read(self, _byte: int, point: tuple[int, int]) -> bytes:
        """tree-sitter's read callback: the text from `point` on (a block while parsing, then one line)."""
        row, column = point
        lines = self._lines
        if row >= len(lines):
            return b""
        return b"".join(lines[row : row + self._block])[column:] if self._block > 1 else lines[row][column:]

    def run(self) -> Tree:
        """The new tree."""
        self._block = READ_LINES
        tree = self._parser.parse(self.read) if self._old is None else self._parser.parse(self.read, self._old)
        self._block, self._old = 1, None
        return tree


def with_offsets(document: DocumentBase) -> DocumentBase:
    """`document` as an OffsetDocument when it is a SyntaxAwareDocument (the same object); others as they are."""
    if type(document) is SyntaxAwareDocument:
        document.__class__ = OffsetDocument
        assert isinstance(document, OffsetDocument)
        document._parsed = True
        document.measure_all()  # parsed already (by its __init__): edits from now on are incremental
    return document
