"""Diff screens: a read-only coloured diff (a conflict's disk vs buffer), and the review of a proposed edit, which
streams while the model writes and is decided hunk by hunk, file by file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from editor.review_state import ReviewState, review_files
from engine.edit import EditProposal, FileEdit
from engine.hunks import diff_text

# The theme's colours: removed red, added green, context dim.
REMOVED, ADDED, CONTEXT, HEADER = "$text-error on $error-muted", "$text-success on $success-muted", "dim", "bold"
CURRENT = "$text-accent bold on $primary-muted"  # the current hunk's header
REVIEW_KEYS = "y/a accept · n/r reject · ↑↓ j/k hunk · ←→ file · Enter apply · Esc reject all"


def diff_line_style(line: str) -> str:
    """The style of one line of a unified diff, by its first character."""
    if line.startswith(("+++", "---", "@@")):
        return f"$text-accent {HEADER}"
    return {"-": REMOVED, "+": ADDED}.get(line[:1], CONTEXT)


def colour_diff(diff: str) -> Content:
    """A unified diff, each line coloured: removed red, added green, context dim (the theme's colours)."""
    lines = diff.rstrip("\n").split("\n")
    return Content("\n").join(Content.styled(line, diff_line_style(line)) for line in lines)


class DiffText(Static):
    """A coloured diff; `text` is the plain diff it shows."""

    DEFAULT_CSS = "DiffText { width: auto; min-width: 100%; }"

    def __init__(self, text: str = "", content: Content | None = None, id: str | None = None) -> None:
        super().__init__(content if content is not None else colour_diff(text), id=id)
        self.text = text

    def show(self, text: str, content: Content) -> None:
        self.text = text
        self.update(content)


class DiffReview(ModalScreen[bool]):
    """A read-only coloured diff, with notes above it; Esc goes back."""

    DEFAULT_CSS = """
    DiffReview { align: center middle; }
    DiffReview > Vertical { width: 90%; height: 85%; border: thick $success; background: $surface; }
    DiffReview VerticalScroll { height: 1fr; }
    DiffReview #notes { height: auto; }
    DiffReview Horizontal { height: 3; align: center middle; }
    DiffReview Button { margin: 0 2; }
    """
    BINDINGS = [Binding("escape", "reject", "Back")]

    def __init__(self, title: str, diff: str = "", notes: list[str] | None = None) -> None:
        super().__init__()
        self._title, self._diff, self._notes = title, diff, list(notes or [])

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(f"{self._title} · Esc goes back"), id="title")
            yield from self._compose_notes()
            with VerticalScroll(can_focus=False):
                yield DiffText(self._diff, id="diff")
            with Horizontal():
                yield Button("Back (Esc)", variant="primary", id="reject")

    def _compose_notes(self) -> ComposeResult:
        with Vertical(id="notes"):
            for note in self._notes:
                yield Label(Content(f"note: {note}"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "accept")

    def action_reject(self) -> None:
        self.dismiss(False)


class ProposalReview(DiffReview):
    """A proposed edit: the diff grows while the model writes (Esc stops it); then each hunk is accepted or
    rejected, file by file; True when the decided hunks are to be applied (`decided_edits`)."""

    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "reject", "Reject all", priority=True),
        Binding("y,a", "decide(True)", "Accept hunk", priority=True),
        Binding("n,r", "decide(False)", "Reject hunk", priority=True),
        Binding("down,j", "move(1)", "Next hunk", priority=True),
        Binding("up,k", "move(-1)", "Previous hunk", priority=True),
        Binding("right,right_square_bracket", "move_file(1)", "Next file", priority=True),
        Binding("left,left_square_bracket", "move_file(-1)", "Previous file", priority=True),
    ]

    def __init__(self, title: str, buffer_path: str | None = None, notes: list[str] | None = None) -> None:
        super().__init__(title, notes=notes)
        self.buffer_path = buffer_path
        self.state = ReviewState()
        self.proposal: EditProposal | None = None  # None while the model still writes
        self.failure: str | None = None  # why the review closed without a proposal

    @property
    def streaming(self) -> bool:
        return self.proposal is None

    def compose(self) -> ComposeResult:
        text, content, _ = render_file(self.state)  # already whole when the proposal came before the screen
        with Vertical():
            yield Label(Content(self._title), id="title")
            yield Label(Content(where_line(self.state, self.streaming)), id="where")
            yield from self._compose_notes()
            with VerticalScroll(can_focus=False):
                yield DiffText(text, content, id="diff")
            yield Label(self._keys(), id="keys")
            with Horizontal():
                yield Button("Apply (Enter)", variant="success", id="accept")
                yield Button("Reject all (Esc)", variant="error", id="reject")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # Enter must apply, whatever was clicked
        self._refresh()

    def show_partial(self, proposal: EditProposal) -> None:
        """The proposal as far as the model has written it: shown, following where it writes."""
        if self.streaming and self.is_attached:
            self.state.show(review_files(proposal.edits, self.buffer_path), follow_end=True)
            self._refresh()

    def show_final(self, proposal: EditProposal, notes: list[str]) -> None:
        """The whole proposal, ready to be decided; `notes` are shown above the diff."""
        self.proposal = proposal
        self.state.show(review_files(proposal.edits, self.buffer_path))
        self.add_notes(notes)
        self._refresh()

    def add_notes(self, notes: list[str]) -> None:
        """More notes (problems the edit would introduce arrive after the diff)."""
        if not self.is_mounted:
            self._notes += notes  # composed with the rest
        elif self.is_attached:
            self.query_one("#notes", Vertical).mount_all([Label(Content(f"note: {note}")) for note in notes])

    def fail(self, reason: str) -> None:
        """Close without a proposal (the model failed or proposed nothing); `reason` says why."""
        self.failure = reason
        if self.is_attached:
            self.dismiss(False)

    def decided_edits(self) -> tuple[FileEdit, ...]:
        """The files to change, each holding only its accepted hunks."""
        return self.state.decided_edits() if self.proposal is not None else ()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "accept":
            self.action_apply()
        else:
            self.action_reject()

    def action_apply(self) -> None:
        if not self.streaming:
            self.dismiss(True)

    def action_decide(self, accepted: bool) -> None:
        if self.streaming:
            return
        if self.state.decide(accepted):
            self.dismiss(True)
        else:
            self._refresh()

    def action_move(self, step: int) -> None:
        if not self.streaming:
            self.state.move(step)
            self._refresh()

    def action_move_file(self, step: int) -> None:
        if not self.streaming:
            self.state.move_file(step)
            self._refresh()

    def _keys(self) -> str:
        return "the model is writing… Esc stops it and rejects" if self.streaming else REVIEW_KEYS

    def _refresh(self) -> None:
        if not self.is_mounted or not self.is_attached:
            return  # not composed yet (on_mount refreshes), or closed while the model wrote
        state = self.state
        text, content, current = render_file(state)
        self.query_one("#diff", DiffText).show(text, content)
        self.query_one("#where", Label).update(Content(where_line(state, self.streaming)))
        self.query_one("#keys", Label).update(self._keys())
        if current is not None:
            top, height = current
            self.query_one(VerticalScroll).scroll_to_region(Region(0, top, 1, height), animate=False, top=True)


def where_line(state: ReviewState, streaming: bool) -> str:
    """`file 1/2: path · hunk 1/3 · 2 of 4 hunks to apply`."""
    if not state.files:
        return "waiting for the model…" if streaming else "no change"
    file = state.files[state.file]
    line = f"file {state.file + 1}/{len(state.files)}: {file.edit.path}"
    if file.edit.deleted:
        line += " (deleted)"
    if streaming:
        return line
    applied, total = state.counts()
    return line + f" · hunk {state.hunk + 1}/{len(file.hunks)} · {applied} of {total} hunks to apply"


def render_file(state: ReviewState) -> tuple[str, Content, tuple[int, int] | None]:
    """The current file's diff: plain text, coloured content (the current hunk marked, rejected hunks dimmed and
    struck through), and the rows (top, height) of the current hunk."""
    if not state.files:
        return "", Content(""), None
    file = state.files[state.file]
    rows: list[Content] = []
    current = None
    for index, hunk in enumerate(file.hunks):
        decision = state.decisions.get((state.file, index))
        is_current = index == state.hunk
        mark = {True: "✓", False: "✗", None: " "}[decision]
        if is_current:
            current = (len(rows), len(hunk.rows) + 1)
        gutter = Content.styled("▌" if is_current else " ", "$accent")
        rows.append(gutter + Content.styled(f"{mark} {hunk.header}", CURRENT if is_current else HEADER))
        for tag, line in hunk.rows:
            style = {"-": REMOVED, "+": ADDED}.get(tag, CONTEXT)
            if decision is False and tag != " ":  # rejected: the old lines stay, the new ones are struck out
                style = f"{CONTEXT} strike" if tag == "+" else CONTEXT
            rows.append(gutter + Content.styled(f"  {tag}{line}", style))
    return diff_text(file.edit.path, file.hunks), Content("\n").join(rows), current
