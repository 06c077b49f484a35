"""Ctrl+K: ask for an instruction, then review the proposed change as a diff before it touches the buffer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea


class InstructionDialog(ModalScreen[str | None]):
    """One line: what to change in the selection. Enter submits, Esc cancels."""

    DEFAULT_CSS = """
    InstructionDialog { align: center top; }
    InstructionDialog > Vertical { width: 80%; height: auto; margin-top: 3; border: thick $accent;
                                   background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, where: str) -> None:
        super().__init__()
        self._where = where

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Edit {self._where}: describe the change, Enter to ask the model")
            yield Input(placeholder="e.g. add type hints and a docstring", id="instruction")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DiffReview(ModalScreen[bool]):
    """The proposed change as a unified diff; nothing changes until it is accepted."""

    DEFAULT_CSS = """
    DiffReview { align: center middle; }
    DiffReview > Vertical { width: 90%; height: 85%; border: thick $success; background: $surface; }
    DiffReview TextArea { height: 1fr; }
    DiffReview Horizontal { height: 3; align: center middle; }
    DiffReview Button { margin: 0 2; }
    """
    BINDINGS = [Binding("y", "accept", "Accept"), Binding("n,escape", "reject", "Reject")]

    def __init__(self, title: str, diff: str, notes: list[str] | None = None) -> None:
        super().__init__()
        self._title, self._diff, self._notes = title, diff, notes or []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self._title} · y accepts, n rejects")
            for note in self._notes:
                yield Label(f"note: {note}")
            yield TextArea(self._diff, read_only=True, language=None, id="diff")
            with Horizontal():
                yield Button("Accept (y)", variant="success", id="accept")
                yield Button("Reject (n)", variant="error", id="reject")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "accept")

    def action_accept(self) -> None:
        self.dismiss(True)

    def action_reject(self) -> None:
        self.dismiss(False)
