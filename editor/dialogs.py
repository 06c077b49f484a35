"""Small modal dialogs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with True for the confirming button."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Grid {
        grid-size: 2; grid-gutter: 1 2; grid-rows: auto 3; padding: 1 2;
        width: 60; height: auto; border: thick $warning; background: $surface;
    }
    ConfirmDialog Label { column-span: 2; width: 100%; }
    ConfirmDialog Button { width: 100%; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, question: str, confirm: str = "Quit without saving", cancel: str = "Cancel") -> None:
        super().__init__()
        self._question, self._confirm, self._cancel = question, confirm, cancel

    def compose(self) -> ComposeResult:
        with Grid():
            yield Label(self._question)
            yield Button(self._confirm, variant="error", id="confirm")
            yield Button(self._cancel, variant="primary", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)
