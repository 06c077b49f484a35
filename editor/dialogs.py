"""Small modal dialogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


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


@dataclass(frozen=True)
class Choice:
    """One answer of a ChoiceDialog: what it returns, its button's label, and the key that picks it."""

    id: str
    label: str
    key: str


class ChoiceDialog(ModalScreen[str]):
    """A question with a few answers, each a button and one key; Esc answers `cancel`."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 76; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ChoiceDialog Label { width: 100%; margin-bottom: 1; }
    ChoiceDialog Horizontal { height: auto; align: center middle; }
    ChoiceDialog Button { margin: 0 1; min-width: 12; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: Sequence[Choice], cancel: str = "cancel") -> None:
        super().__init__()
        self._question, self._choices, self._cancel = question, tuple(choices), cancel

    @property
    def question(self) -> str:
        """The question asked."""
        return self._question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question)
            with Horizontal():
                for number, choice in enumerate(self._choices):
                    key = "Esc" if choice.key == "escape" else choice.key
                    yield Button(f"{choice.label} ({key})", variant="primary" if number == 0 else "default",
                                 id=choice.id)

    def on_key(self, event: events.Key) -> None:
        for choice in self._choices:
            if event.key == choice.key:
                event.stop()
                self.dismiss(choice.id)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or self._cancel)

    def action_cancel(self) -> None:
        self.dismiss(self._cancel)


class NameDialog(ModalScreen[str]):
    """Asks for a workspace-relative path; `check(name)` returns why it cannot be used (one line, shown under the
    input until the name changes) or "" to accept it. Esc answers ""."""

    DEFAULT_CSS = """
    NameDialog { align: center middle; }
    NameDialog > Vertical {
        width: 76; max-width: 100%; height: auto; padding: 0 1; border: thick $accent; background: $surface;
    }
    NameDialog #problem { color: $error; width: 100%; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, value: str = "", check: Callable[[str], str] = lambda _: "", select: bool = False
    ) -> None:
        super().__init__()
        self._title, self._value, self._check = title, value, check
        self._select = select  # True: typing replaces `value` (a rename); False: it goes after it (a folder prefix)

    @property
    def title_text(self) -> str:
        """What the dialog asks."""
        return self._title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield Input(self._value, id="name", select_on_focus=self._select)
            yield Label("", id="problem")

    @property
    def problem(self) -> str:
        """The problem shown with the name typed, "" when none."""
        return str(self.query_one("#problem", Label).content)

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#problem", Label).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self._check(event.value)
        if problem:
            self.query_one("#problem", Label).update(Content(problem))
        else:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss("")
