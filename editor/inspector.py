"""The prompt inspector (F2): exactly what the last request sent, and what was dropped to fit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class PromptInspector(ModalScreen[None]):
    """A read-only view of a request's prompt report; Esc, F2 or q closes it (Screen's own dismiss action)."""

    DEFAULT_CSS = """
    PromptInspector { align: center middle; }
    PromptInspector > Label { width: 90%; background: $panel; padding: 0 1; }
    PromptInspector > TextArea { width: 90%; height: 85%; border: thick $accent; }
    """
    BINDINGS = [Binding("escape,f2,q", "dismiss", "Close")]

    def __init__(self, title: str, report: str) -> None:
        super().__init__()
        self._title, self._report = title, report

    def compose(self) -> ComposeResult:
        yield Label(f"{self._title} · Esc closes")
        yield TextArea(self._report, read_only=True, soft_wrap=True, id="inspector-text")
