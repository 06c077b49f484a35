"""The whole-document work Textual's TextArea does per keystroke, made incremental.

- WrappedDocument sums every line's wrap offsets for its height, read once per drawn line: in a 10,000-line file
  ~90% of a keystroke. Here the height is the length of a list kept up to date anyway.
- TextArea measures every line's width after each edit; here the widest line is measured on a full wrap (load,
  resize) and then only over the edited rows.
- SyntaxAwareDocument turns an edit's location into a byte offset for tree-sitter by encoding every line above it;
  here each line's byte length is kept (updated for the edited rows) and only summed.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual._wrap import compute_wrap_offsets
from textual.document._document import Document, DocumentBase, EditResult, Location, _utf8_encode
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths
from tree_sitter import Language, Parser


def line_width(line: str, tab_width: int) -> int:
    """The cells `line` takes on screen, tabs expanded as TextArea draws them."""
    return cell_len(line.expandtabs(tab_width))


class SizedWrappedDocument(WrappedDocument):
    """A WrappedDocument whose height is O(1) and which keeps the width of the widest line (for horizontal
    scrolling; after an edit shortens the widest line it stays as it was until the next full wrap: a little
    spare scroll room, never a line cut off)."""

    widest: int = 0
    _wrapped_at: tuple[int, int, object] | None = None  # (width, tab width, document) of a full wrap, no edit since
    _plain: bool = False  # that full wrap found every line plain (ASCII, no tab) and no wider than the view

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
        if self._wrapped_at == (width, tab, self.document):
            return  # TextArea rewraps several times while loading a file, with no edit in between
        fits = width or 1 << 62
        plain_before = self._wrapped_at is not None and self._wrapped_at[1:] == (tab, self.document) and self._plain
        self._wrapped_at = (width, tab, self.document)
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
        self._line_index_to_offsets, self._tab_width_cache = line_offsets, tab_widths
        self.widest = widest

    def _plain_wrap(self, lines: list[str]) -> None:
        self._plain = True
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
        """Rewrap the edited rows and widen to them if they are now the widest."""
        super().wrap_range(start, old_end, new_end)
        self._wrapped_at = None  # the next full wrap is done in full
        lines = self.document.lines
        rows = range(max(0, start[0]), min(len(lines), new_end[0] + 1))
        self.widest = max([self.widest, *(line_width(lines[row], self._tab_width) for row in rows)])


def sized(wrapped: WrappedDocument) -> SizedWrappedDocument:
    """`wrapped` as a SizedWrappedDocument (the same object: TextArea's navigator keeps a reference to it)."""
    if not isinstance(wrapped, SizedWrappedDocument):
        wrapped.__class__ = SizedWrappedDocument
        assert isinstance(wrapped, SizedWrappedDocument)
        wrapped.measure_all()
    return wrapped


class OffsetDocument(SyntaxAwareDocument):
    """A SyntaxAwareDocument that keeps each line in UTF-8 (so an edit's byte offset is a sum of integers, and a
    read by tree-sitter is one slice) and parses when asked (`reparse`): the editor parses an edit at once, and a
    big file's first parse after its first frame. Query a reparsed tree only: over an edited one that is not,
    tree-sitter 0.26's text predicates read wrong text (every identifier matched `type`)."""

    _encoded: list[bytes]  # each line + the newline, as tree-sitter reads it
    _byte_lengths: list[int]  # each line's length in bytes, without the newline
    stale: bool = False  # edited since the last parse
    _reusable: bool = True  # the tree matches the text up to tree.edit()s: usable as the old tree of a reparse

    @classmethod
    def unparsed(cls, text: str, language: Language) -> OffsetDocument:
        """A document of `text` whose first parse waits for `reparse` (opening a big file shows it first)."""
        document = cls.__new__(cls)
        Document.__init__(document, text)
        document.language = language
        document._parser = Parser(language)
        document._syntax_tree = document._parser.parse(b"")  # no highlights until the parse
        document.stale, document._reusable = True, False
        return document

    @property
    def parsed(self) -> bool:
        """Whether the document has been parsed at least once (its tree, perhaps edited since, is its own)."""
        return self._reusable

    def measure_all(self) -> None:
        """Encode every line (done with the first parse)."""
        newline = _utf8_encode(self.newline)
        self._encoded = [_utf8_encode(line) + newline for line in self._lines]
        self._byte_lengths = [len(line) - len(newline) for line in self._encoded]

    def reparse(self) -> bool:
        """Parse the edits made since the last parse (incrementally when there is a tree); False: nothing to do."""
        if not self.stale:
            return False
        if not self._reusable:
            self.measure_all()
        if self._reusable:
            self._syntax_tree = self._parser.parse(self._read_callable, self._syntax_tree)
        else:
            self._syntax_tree = self._parser.parse(self._read_callable)
        self.stale, self._reusable = False, True
        return True

    def _location_to_byte_offset(self, location: Location) -> int:
        row, column = location
        lines = self._lines
        above = sum(self._byte_lengths[:row]) + min(row, len(lines)) * len(self.newline)
        return above + (len(_utf8_encode(lines[row][:column])) if row < len(lines) else 0)

    def _read_callable(self, byte_offset: int, point: tuple[int, int]) -> bytes:
        # One slice of a kept encoding: Textual encoded the line on every call, and the query's text predicates
        # read through here too (~1,000 reads for a screenful).
        row, column = point
        encoded = self._encoded
        return encoded[row][column:] if row < len(encoded) else b""

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """The edit, the edited rows re-encoded and the tree edited to match; the parse waits for `reparse`."""
        top, bottom = sorted((start, end))
        reusable = self._reusable
        if reusable:  # where the edit lies in the old text, before it changes
            start_byte, old_end_byte = self._location_to_byte_offset(top), self._location_to_byte_offset(bottom)
            start_point, old_end_point = self._location_to_point(top), self._location_to_point(bottom)
        result = Document.replace_range(self, start, end, text)
        self.stale = True
        if not reusable:
            return result  # the first parse has not happened: it reads the text as it is then
        newline = _utf8_encode(self.newline)
        rows = [_utf8_encode(line) + newline for line in self._lines[top[0] : result.end_location[0] + 1]]
        self._encoded[top[0] : bottom[0] + 1] = rows
        self._byte_lengths[top[0] : bottom[0] + 1] = [len(row) - len(newline) for row in rows]
        self._syntax_tree.edit(
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=start_byte + len(_utf8_encode(text)),
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=self._location_to_point(result.end_location),
        )
        return result


def with_offsets(document: DocumentBase) -> DocumentBase:
    """`document` as an OffsetDocument when it is a SyntaxAwareDocument (the same object); others as they are."""
    if type(document) is SyntaxAwareDocument:
        document.__class__ = OffsetDocument
        assert isinstance(document, OffsetDocument)
        document.measure_all()  # parsed already (by its __init__): edits from now on are incremental
    return document
