"""Open buffers as tabs: each buffer keeps its own code view, so its text, undo history, cursor and scroll survive
switching; only the active one is displayed (hidden views cost no drawing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from editor.code_view import CodeView
from editor.editing import apply_language
from engine.files import OpenedFile
from engine.navigation import Problem

DIRTY_MARK = "●"


@dataclass(eq=False)
class Buffer:
    """One open file (or an untitled buffer, `opened` None): its view and the text last saved."""

    view: CodeView
    opened: OpenedFile | None = None
    saved_text: str = ""
    language: str | None = None  # caret's name for the file's language, detected once on open
    marked: bool = False  # the tab shows it unsaved (rechecked on switch and save, set by an edit)
    problems: list[Problem] = field(default_factory=list)  # the language server's, as of the last check (F8)

    @property
    def dirty(self) -> bool:
        """True when the text differs from what was saved (an untitled buffer: when it has any)."""
        return self.view.text != self.saved_text

    @property
    def blank(self) -> bool:
        """An untitled, empty buffer: opening a file replaces it instead of adding a tab."""
        return self.opened is None and not self.view.text

    @property
    def title(self) -> str:
        """The tab's label: the file name, or "untitled"."""
        return self.opened.path.name if self.opened is not None else "untitled"

    def is_file(self, path: Path) -> bool:
        """True when this buffer shows the file at `path`."""
        return self.opened is not None and self.opened.path.resolve() == path.resolve()

    def load(self, opened: OpenedFile) -> None:
        """Show `opened` in this buffer's view (its language, text, and a fresh undo history)."""
        self.opened, self.saved_text = opened, opened.text
        self.language = apply_language(self.view, opened.path, opened.text.split("\n", 1)[0])
        self.view.load_text(opened.text)
        self.view.show_ghost_text("")


def tab_labels(titles: list[tuple[str, bool]], active: int) -> Content:
    """The tab bar's line: each title with its unsaved mark, the active one reversed, each clickable."""
    parts = []
    for number, (title, dirty) in enumerate(titles):
        label = f" {title}{' ' + DIRTY_MARK if dirty else ''} "
        style = "reverse bold" if number == active else "dim"
        parts.append(Content.from_markup(f"[{style} @click=app.switch_buffer({number})]$label[/]", label=label))
    return Content("│").join(parts)


class TabBar(Static):
    """One line of tabs; shown only while more than one buffer is open (one file looks as it always did)."""

    DEFAULT_CSS = """
    TabBar { height: 1; background: $panel; display: none; }
    TabBar.-many { display: block; }
    """


class BufferManager:
    """The open buffers, in tab order, and which one is active; mounts and removes their views."""

    def __init__(self, container: Vertical, bar: TabBar, first: CodeView) -> None:
        self._container, self._bar = container, bar
        self._buffers = [Buffer(first)]
        self._active = 0
        self._count = 1  # for unique view ids

    def __iter__(self) -> Iterator[Buffer]:
        return iter(list(self._buffers))

    def __len__(self) -> int:
        return len(self._buffers)

    @property
    def active(self) -> Buffer:
        """The buffer shown and edited now."""
        return self._buffers[self._active]

    @property
    def index(self) -> int:
        """The active buffer's position in the tab order."""
        return self._active

    def find(self, path: Path) -> int | None:
        """The index of the buffer that shows `path`, if one does."""
        return next((n for n, buffer in enumerate(self._buffers) if buffer.is_file(path)), None)

    def add(self) -> Buffer:
        """A new, empty buffer after the active one (its view mounted), made active."""
        self._count += 1
        view = CodeView("", id=f"buffer-{self._count}")
        buffer = Buffer(view)
        self._buffers.insert(self._active + 1, buffer)
        self._container.mount(view, before=0)
        self.activate(self._active + 1)
        return buffer

    def activate(self, index: int) -> Buffer:
        """Show the buffer at `index` (wrapping), hide the others; its cursor and scroll are as it was left."""
        if self._active < len(self._buffers):
            self.active.view.show_ghost_text("")
        self._active = index % len(self._buffers)
        for number, buffer in enumerate(self._buffers):
            buffer.view.display = number == self._active
        view = self.active.view
        if view.parent is self._container and self._container.children[0] is not view:
            # The active view first in the DOM: a query for the code view (tests, other widgets) finds it.
            self._container.move_child(view, before=0)
        self.refresh_bar()
        return self.active

    def remove_active(self) -> Buffer:
        """Close the active buffer (its view removed) and activate its neighbour; the last one is emptied instead."""
        return self.remove(self.active)

    def remove(self, buffer: Buffer) -> Buffer:
        """Close `buffer` (its view removed); closing the active one activates its neighbour, the last one is
        emptied instead. Returns the active buffer."""
        if len(self._buffers) == 1:
            buffer.opened, buffer.saved_text, buffer.language = None, "", None
            buffer.view.load_text("")
            buffer.view.language = None
            buffer.view.show_ghost_text("")
            self.refresh_bar()
            return buffer
        index = self._buffers.index(buffer)
        del self._buffers[index]
        buffer.view.remove()
        if index < self._active or self._active == len(self._buffers):
            self._active -= 1
        self.activate(self._active)
        return self.active

    def mark_edited(self) -> None:
        """The active buffer was edited: mark its tab unsaved (once, not a comparison of texts per keystroke)."""
        if not self.active.marked:
            self.refresh_bar()

    def refresh_bar(self) -> None:
        """Redraw the tab bar (titles, unsaved marks, the active tab)."""
        for buffer in self._buffers:
            buffer.marked = buffer.dirty
        titles = [(buffer.title, buffer.marked) for buffer in self._buffers]
        self._bar.set_class(len(titles) > 1, "-many")
        self._bar.update(tab_labels(titles, self._active))
