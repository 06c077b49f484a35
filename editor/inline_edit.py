"""Ctrl+K: ask for an instruction, then review the proposed change, streamed as a diff and decided hunk by hunk,
before it touches the buffer (editor/diff_review.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from editor.diff_review import REVIEW_KEYS, ProposalReview
from editor.diff_review import DiffReview as DiffReview  # re-exported: the tests and older imports name it here
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
    return apply_proposal(session.root, dataclasses.replace(proposal, edits=others))


def review_proposal(app: CaretApp, request: EditRequest, proposal: EditProposal, notes: list[str]) -> None:
    """Review a whole proposal hunk by hunk (chat's Apply); what is accepted is applied by `apply_decided`."""
    review = ProposalReview(f"Proposed edit: {request.instruction}", request.path)
    app.push_screen(review, lambda accepted: reviewed(app, request, review, bool(accepted)))
    review.show_final(proposal, with_other_files(proposal, request.path, notes))


def with_other_files(proposal: EditProposal, buffer_path: str, notes: list[str]) -> list[str]:
    """The notes, and one naming the files other than the buffer's that an accepted edit writes on disk."""
    others = split_proposal(proposal, buffer_path)[1]
    if not others:
        return notes
    return [*notes, "also writes " + ", ".join(edit.path for edit in others) + " on disk when accepted"]


def reviewed(app: CaretApp, request: EditRequest, review: ProposalReview, accepted: bool) -> None:
    """The review closed: stop the model if it still writes, then apply the accepted hunks (or say why not)."""
    app.workers.cancel_group(app, "edit")
    if review.failure is not None:
        app.set_status(review.failure)
        return
    edits = review.decided_edits() if accepted else ()
    if review.proposal is None or not edits:
        app.set_status("edit rejected")
        return
    applied, total = review.state.counts()
    apply_decided(app, request, dataclasses.replace(review.proposal, edits=edits), f"{applied} of {total} hunks")


def apply_decided(app: CaretApp, request: EditRequest, proposal: EditProposal, hunks: str) -> None:
    """The buffer's file goes into the buffer (one undo step) and the other files are written atomically, or
    nothing changes when a write is refused or the buffer moved on."""
    mine, others = split_proposal(proposal, request.path)
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
        parts.insert(0, f"edit applied to the buffer ({hunks}; Ctrl+Z undoes it, Ctrl+S saves)")
    app.set_status("; ".join(parts))


def ask_inline_edit(app: CaretApp) -> None:
    """Ask for an instruction, then stream the model's edit of the selected lines (or the cursor's) into a review."""
    if isinstance(app.screen, ProposalReview | InstructionDialog):
        return  # one inline edit at a time: Ctrl+K reaches the app even over its own review
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
            review = ProposalReview(f"Proposed edit: {instruction}", rel)
            app.push_screen(review, lambda accepted: reviewed(app, request, review, bool(accepted)))
            app.run_worker(propose(app, request, review), group="edit", exclusive=True)

    app.push_screen(InstructionDialog(where), asked)


async def propose(app: CaretApp, request: EditRequest, review: ProposalReview) -> None:
    """Stream the model's edit into the review, then let it be decided; the problems the edit would introduce
    are added as notes when the language server answers."""
    app.set_status(f"asking the model: {request.instruction}")
    try:
        prepared, proposal = await propose_edit(app.session, request, on_partial=review.show_partial)
    except (ModelError, EditError, FileError, PromptTooLarge) as exc:
        review.fail(str(exc))
        return
    app.last_prompt = ("inline edit", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
    if all(edit.old_text == edit.new_text and not edit.deleted for edit in proposal.edits):
        review.fail("the model proposed no change")
        return
    review.show_final(proposal, with_other_files(proposal, request.path, list(proposal.notes)))
    app.set_status("review the edit: " + REVIEW_KEYS)
    problems = await introduced_problems(app.session, proposal, 3.0)
    review.add_notes([f"introduces {problem}" for problem in problems])
