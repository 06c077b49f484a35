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
from textual.document._document import DocumentBase, EditResult, Location, _utf8_encode
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths

READ_LINES = 64  # lines handed to tree-sitter per read


def line_width(line: str, tab_width: int) -> int:
    """The cells `line` takes on screen, tabs expanded as TextArea draws them."""
    return cell_len(line.expandtabs(tab_width))


class SizedWrappedDocument(WrappedDocument):
    """A WrappedDocument whose height is O(1) and which keeps the width of the widest line (for horizontal
    scrolling; after an edit shortens the widest line it stays as it was until the next full wrap: a little
    spare scroll room, never a line cut off)."""

    widest: int = 0
    _wrapped_at: tuple[int, int, object] | None = None  # (width, tab width, document) of a full wrap, no edit since

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
        self._wrapped_at = (width, tab, self.document)
        self._width = width
        wrap_offsets: list[list[int]] = []
        line_info: list[tuple[int, int]] = []
        line_offsets: list[list[int]] = []
        tab_widths: list[list[int]] = []
        widest = offset = 0
        fits = width or 1 << 62
        for index, line in enumerate(self.document.lines):
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
    """A SyntaxAwareDocument that keeps each line's length in UTF-8 bytes, so an edit's byte offset is a sum of
    integers instead of an encoding of every line above it."""

    _byte_lengths: list[int]

    def measure_all(self) -> None:
        """Measure every line's byte length."""
        self._byte_lengths = [len(_utf8_encode(line)) for line in self._lines]

    def _location_to_byte_offset(self, location: Location) -> int:
        row, column = location
        lines = self._lines
        above = sum(self._byte_lengths[:row]) + min(row, len(lines)) * len(self.newline)
        return above + (len(_utf8_encode(lines[row][:column])) if row < len(lines) else 0)

    def _read_callable(self, byte_offset: int, point: tuple[int, int]) -> bytes:
        # Textual hands tree-sitter one line per call (thousands of calls per edit); a block of lines per call
        # gives the same bytes in far fewer calls.
        row, column = point
        lines = self._lines
        if row >= len(lines):
            return b""
        newline = self.newline
        block = _utf8_encode(newline.join(lines[row : row + READ_LINES]) + newline)
        return block[column:]

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """SyntaxAwareDocument's edit (offsets read before it), then the edited rows re-measured."""
        top, bottom = sorted((start, end))
        result = super().replace_range(start, end, text)
        rows = self._lines[top[0] : result.end_location[0] + 1]
        self._byte_lengths[top[0] : bottom[0] + 1] = [len(_utf8_encode(line)) for line in rows]
        return result


def with_offsets(document: DocumentBase) -> DocumentBase:
    """`document` as an OffsetDocument when it is a SyntaxAwareDocument (the same object); others as they are."""
    if type(document) is SyntaxAwareDocument:
        document.__class__ = OffsetDocument
        assert isinstance(document, OffsetDocument)
        document.measure_all()
    return document
