"""Ctrl+K: ask for an instruction, then review the proposed change as a diff before it touches the buffer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from engine.edit import (
    EditError,
    EditProposal,
    EditRequest,
    FileEdit,
    apply_proposal,
    introduced_problems,
    propose_edit,
)
from engine.errors import ModelError, PromptTooLarge, WorkspaceError
from engine.files import FileError
from engine.inspect import describe_prompt
from engine.session import Session

if TYPE_CHECKING:
    from editor.app import CaretApp


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

    def __init__(self, title: str, diff: str, notes: list[str] | None = None, review: bool = True) -> None:
        super().__init__()
        self._title, self._diff, self._notes = title, diff, notes or []
        self._review = review  # False: only look at the diff (a conflict's disk vs buffer), then go back

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self._title} · " + ("y accepts, n rejects" if self._review else "Esc goes back"))
            for note in self._notes:
                yield Label(f"note: {note}")
            yield TextArea(self._diff, read_only=True, language=None, id="diff")
            with Horizontal():
                if self._review:
                    yield Button("Accept (y)", variant="success", id="accept")
                    yield Button("Reject (n)", variant="error", id="reject")
                else:
                    yield Button("Back (Esc)", variant="primary", id="reject")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "accept")

    def action_accept(self) -> None:
        if self._review:
            self.dismiss(True)

    def action_reject(self) -> None:
        self.dismiss(False)


def split_proposal(proposal: EditProposal, buffer_path: str) -> tuple[FileEdit | None, tuple[FileEdit, ...]]:
    """The edit of the open buffer's file (applied to the buffer), and the edits of every other file (written to
    disk): each edit goes to its own target, whatever order the model wrote them in."""
    mine = next((edit for edit in proposal.edits if edit.path == buffer_path), None)
    return mine, tuple(edit for edit in proposal.edits if edit.path != buffer_path)


def write_other_files(session: Session, proposal: EditProposal, others: tuple[FileEdit, ...]) -> list[str]:
    """Write the accepted edits of files other than the buffer's, atomically; nothing is written when any path
    leaves the workspace (WorkspaceError) or any file changed on disk since it was read (FileConflict)."""
    for edit in others:
        session.relative_path(session.root / Path(edit.path))  # a path out of the workspace raises here
    return apply_proposal(session.root, replace(proposal, edits=others))


def review_proposal(app: CaretApp, request: EditRequest, proposal: EditProposal, notes: list[str]) -> None:
    """Show every file's diff; once accepted, the buffer's file goes into the buffer (one undo step) and the other
    files are written atomically, or nothing changes when a write is refused or the buffer moved on."""
    mine, others = split_proposal(proposal, request.path)
    if others:
        notes = [*notes, "also writes " + ", ".join(edit.path for edit in others) + " on disk when accepted"]

    def reviewed(accepted: bool | None) -> None:
        if not accepted:
            app.set_status("edit rejected")
            return
        if mine is not None and (app.rel_path != request.path or app.code.text != request.text):
            app.set_status("the buffer changed while the model worked; edit not applied")
            return
        written: list[str] = []
        if others:
            try:  # first: a refused write leaves the buffer as it was too
                written = write_other_files(app.session, proposal, others)
            except (FileError, WorkspaceError) as exc:
                app.report(f"{exc}; edit not applied")
                return
        parts = [f"wrote {', '.join(written)}"] if written else []
        if mine is not None:
            app.replace_text(mine.new_text)  # one edit: Ctrl+Z undoes all of it
            parts.insert(0, "edit applied to the buffer (Ctrl+Z undoes it, Ctrl+S saves)")
        app.set_status("; ".join(parts))

    app.push_screen(DiffReview(f"Proposed edit: {request.instruction}", proposal.diff, notes), reviewed)


def ask_inline_edit(app: CaretApp) -> None:
    """Ask for an instruction and propose an edit of the selected lines (or the cursor's), reviewed as a diff."""
    if app.opened is None:
        app.set_status("open a file first")
        return
    code = app.code
    first, last = sorted((code.selection.start[0], code.selection.end[0]))
    if code.selection.end[1] == 0 and last > first:
        last -= 1  # a selection ending at a line's start does not include that line
    where = f"lines {first + 1}-{last + 1}" if last > first else f"line {first + 1}"
    rel = app.session.relative_path(app.opened.path)

    def asked(instruction: str | None) -> None:
        if instruction:
            request = EditRequest(rel, instruction, first, last + 1, text=code.text)
            app.run_worker(propose(app, request), group="edit", exclusive=True)

    app.push_screen(InstructionDialog(where), asked)


async def propose(app: CaretApp, request: EditRequest) -> None:
    """Ask the model for the edit, then show it for review with the problems it would introduce."""
    app.set_status(f"asking the model: {request.instruction}")
    try:
        prepared, proposal = await propose_edit(app.session, request)
    except (ModelError, EditError, FileError, PromptTooLarge) as exc:
        app.set_status(str(exc))
        return
    app.last_prompt = ("inline edit", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
    if not proposal.edits:
        app.set_status("the model proposed no change")
        return
    notes = list(proposal.notes)
    notes += [f"introduces {problem}" for problem in await introduced_problems(app.session, proposal, 3.0)]
    review_proposal(app, request, proposal, notes)
