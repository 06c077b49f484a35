"""The code editor widget: a TextArea that shows ghost text at the cursor and accepts it as one undo step.

Textual's `TextArea.suggestion` draws one line at the cursor; the lines after it are drawn by a dimmed overlay
just below the cursor (`GhostTail`), clipped to the code view so it never covers the status line or the footer.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.widgets.text_area import Edit, EditResult, Selection

from editor.diagnostic_marks import MarkedArea
from editor.editing import EditorArea

_WORD = re.compile(r"\s*[\w]+|\s*[^\w\s]+|\s+")


def first_word(text: str) -> str:
    """The next word of ghost text to accept with Ctrl+Right (leading space and punctuation included)."""
    match = _WORD.match(text)
    return match.group(0) if match else text


class GhostTail(Static):
    """The second and later lines of a multi-line suggestion, drawn under the cursor line."""

    DEFAULT_CSS = """
    GhostTail {
        layer: ghost;
        position: absolute;
        display: none;
        width: auto;
        height: auto;
        color: $text-muted;
        text-style: italic;
        background: $surface;
        padding: 0 0;
    }
    """


def clip_lines(text: str, rows: int, columns: int) -> str:
    """At most `rows` lines of `text`, each cut to `columns` characters: the part of the ghost tail that fits."""
    if rows <= 0 or columns <= 0:
        return ""
    return "\n".join(line[:columns] for line in text.split("\n")[:rows])


class CodeView(MarkedArea, EditorArea):
    """EditorArea plus ghost text (and diagnostics marks). The app supplies suggestions; this widget only shows, trims
    and accepts them."""

    class GhostAccepted(Message):
        """The user accepted `text` of the ghost text `suggestion` (Tab: all of it; Ctrl+Right: a word)."""

        def __init__(self, text: str, suggestion: str = "") -> None:
            super().__init__()
            self.text = text
            self.suggestion = suggestion or text

    class UserEdited(Message):
        """A keystroke or paste changed the buffer (not a programmatic load)."""

    # Class defaults: TextArea's watchers run during __init__, before instance attributes could be set.
    _ghost: str = ""
    _ghost_at: tuple[int, int] = (0, 0)
    _accepting: bool = False

    def __init__(
        self,
        text: str = "",
        *,
        tab_behavior: Literal["focus", "indent"] = "indent",
        show_line_numbers: bool = True,
        **kwargs: Any,  # the rest of TextArea's keyword arguments, passed through
    ) -> None:
        super().__init__(text, tab_behavior=tab_behavior, show_line_numbers=show_line_numbers, **kwargs)

    # -- ghost text state --
    @property
    def ghost_text(self) -> str:
        """The suggestion shown at the cursor; empty when none."""
        return self._ghost

    def show_ghost_text(self, text: str) -> None:
        """Show `text` as ghost text at the cursor (its first line inline, the rest under it); never over a
        selection (what would Tab do to it?)."""
        if text and not self.selection.is_empty:
            text = ""
        self._ghost = text
        self._ghost_at = self.cursor_location
        self.suggestion = text.split("\n", 1)[0]
        self._update_tail()

    def dismiss_ghost_text(self) -> None:
        """Hide the ghost text, if any."""
        if self._ghost:
            self.show_ghost_text("")

    def _update_tail(self, focused: bool | None = None) -> None:
        try:
            tail = self.screen.query_one(GhostTail)
        except Exception:
            return
        rest = self._ghost.split("\n", 1)[1] if "\n" in self._ghost else ""
        focused = self.has_focus if focused is None else focused
        # Like TextArea's own suggestion: hidden while another widget (or another window) has the focus.
        if not rest or (self.hide_suggestion_on_blur and not focused):
            tail.display = False
            return
        region = self.content_region
        if not region.width:  # not laid out yet: place it once the layout exists
            self.call_after_refresh(self._update_tail)
            return
        _, y = self.cursor_screen_offset
        x = region.x + self.gutter_width
        width = region.right - x
        shown = clip_lines(rest, region.bottom - (y + 1), width)
        if not shown:
            tail.display = False
            return
        # Each line as wide as the view: the suggestion's lines hide the code under them whole, as if inserted
        # (a short one over a longer line left that line's end showing beside it).
        shown = "\n".join(line + " " * (width - cell_len(line)) for line in shown.split("\n"))
        tail.update(Content(shown))  # plain text: keep its indentation, never read it as markup
        tail.styles.offset = (x, y + 1)
        tail.display = True

    # -- editing --
    def edit(self, edit: Edit) -> EditResult:
        """TextArea's edit, keeping the ghost text the user types through and dropping it otherwise."""
        ghost = self._ghost
        result = super().edit(edit)
        # Typing through the suggestion keeps the rest of it; anything else invalidates it.
        if ghost and edit.text and ghost.startswith(edit.text) and edit.from_location == edit.to_location:
            self.show_ghost_text(ghost[len(edit.text) :])
        else:
            self.show_ghost_text("")
        if not self._accepting:
            self.post_message(self.UserEdited())
        return result

    def accept_ghost_text(self, word_only: bool = False) -> bool:
        """Insert the ghost text (or its first word) as one undo step; False when there was none."""
        if not self._ghost:
            return False
        text = first_word(self._ghost) if word_only else self._ghost
        rest = self._ghost[len(text) :]
        self._ghost = ""
        self._accepting = True
        try:
            self.insert(text)  # one Edit, so Ctrl+Z undoes the whole acceptance
        finally:
            self._accepting = False
        if rest:
            self.show_ghost_text(rest)
        self.post_message(self.GhostAccepted(text, text + rest))
        return True

    async def _on_key(self, event: events.Key) -> None:
        if self._ghost:
            if event.key == "tab":
                event.stop()
                event.prevent_default()
                self.accept_ghost_text()
                return
            if event.key == "ctrl+right":
                event.stop()
                event.prevent_default()
                self.accept_ghost_text(word_only=True)
                return
            if event.key == "escape":
                event.stop()
                event.prevent_default()
                self.dismiss_ghost_text()
                return
        await super()._on_key(event)

    def action_cursor_right(self, select: bool = False) -> None:
        # Textual accepts the suggestion on Right; caret keeps Right for moving and Tab for accepting.
        ghost = self._ghost
        self.suggestion = ""
        self._ghost = ""
        super().action_cursor_right(select)
        if ghost:
            self.show_ghost_text("")

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        super()._watch_selection(previous_selection, selection)
        if self._ghost and (selection.end != self._ghost_at or not selection.is_empty):
            self.show_ghost_text("")  # the cursor moved away: the suggestion no longer applies
        else:
            self._update_tail()

    def on_blur(self) -> None:
        self._update_tail(focused=False)

    def on_focus(self) -> None:
        self._update_tail(focused=True)
