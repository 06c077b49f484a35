"""F9's hover text as a card at the cursor (a tooltip for the keyboard): under the cursor line when it fits, above
it otherwise, always inside the code view; moving the cursor, typing or Escape closes it."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static

MAX_ROWS = 12
MAX_COLUMNS = 80
MIN_COLUMNS = 20


def card_lines(text: str, columns: int, rows: int) -> list[str]:
    """The hover text as it fits the card: blank runs squeezed to one, lines cut to `columns` (with "…"), at most
    `rows` lines, the last one saying that more was cut."""
    lines: list[str] = []
    for line in text.strip("\n").split("\n"):
        line = line.rstrip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line if len(line) <= columns else line[: columns - 1] + "…")
    if len(lines) > rows:
        lines = [*lines[: rows - 1], f"… {len(lines) - rows + 1} more lines"]
    return lines


def card_place(cursor: tuple[int, int], area: Region, size: tuple[int, int]) -> tuple[int, int]:
    """Where the card's top-left goes (screen cells): under the cursor row when it fits in `area`, else above;
    moved left so that it stays inside `area`."""
    x, y = cursor
    width, height = size
    top = y + 1 if y + 1 + height <= area.bottom else max(area.y, y - height)
    left = max(area.x, min(x, area.right - width))
    return left, top


class HoverCard(Static):
    """The hover text of the symbol at the cursor, drawn over the code on the ghost layer."""

    DEFAULT_CSS = """
    HoverCard {
        layer: ghost;
        position: absolute;
        display: none;
        width: auto;
        height: auto;
        padding: 0 1;
        background: $panel;
        color: $text;
        border-left: wide $accent;
    }
    """

    def show_at(self, text: str, cursor: tuple[int, int], area: Region) -> None:
        """Show `text` at the screen `cursor` inside `area` (the code view's content region)."""
        columns = max(MIN_COLUMNS, min(MAX_COLUMNS, area.width - 4))
        lines = card_lines(text, columns, max(3, min(MAX_ROWS, area.height - 2)))
        if not lines:
            self.hide()
            return
        width = max(len(line) for line in lines) + 3  # padding and the border
        self.update(Content("\n".join(lines)))  # plain text: hover Markdown is shown as written, never as markup
        self.styles.offset = card_place(cursor, area, (width, len(lines)))
        self.display = True

    def hide(self) -> bool:
        """Close the card; True when it was open."""
        shown = bool(self.display)
        if shown:  # setting it relays out the screen, even to the value it has (each cursor move hides the card)
            self.display = False
        return shown
