"""The terminal IDE: file tree, code view with ghost text, status line. Widgets translate events to engine calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DirectoryTree, Footer, Static

from editor.buffer_guard import BufferGuard
from editor.chat_panel import ChatPanel
from editor.code_view import CodeView, GhostTail
from editor.dialogs import ConfirmDialog
from editor.inline_edit import InstructionDialog, review_proposal
from editor.inspector import PromptInspector
from editor.recovery import RecoveryKeeper, offer_recovery
from editor.status import EngineEvent, status_text
from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.chat import Message as ChatMessage  # textual's Message is another thing
from engine.edit import EditError, EditRequest, introduced_problems, propose_edit
from engine.edit_apply import text_replacement
from engine.errors import ModelError, PromptTooLarge, WorkspaceError
from engine.events import Event, FileChangedOnDisk
from engine.files import FileError, OpenedFile, read_document
from engine.ghost import GhostTextRequest
from engine.inspect import describe_prompt
from engine.languages import highlight_language, language_for
from engine.session import Session


class CaretApp(App[None]):
    """The editor on one Session: what the user does becomes engine calls; engine events update the status line."""

    CSS_PATH = "app.tcss"
    TITLE = "caret"
    COMMAND_PALETTE_BINDING = "f1"  # Ctrl+P finds files, as in other editors; F1 (or Ctrl+Shift+P) has commands
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit_safely", "Quit", priority=True),
        Binding("ctrl+p", "find_file", "Files", priority=True),
        Binding("ctrl+w", "close_file", "Close", priority=True, show=False),
        Binding("ctrl+shift+p", "command_palette", "Commands", show=False),
        Binding("ctrl+l", "toggle_chat", "Chat", priority=True),
        Binding("ctrl+k", "inline_edit", "Edit", priority=True),
        Binding("f2", "inspect_prompt", "Prompt"),
    ]

    def __init__(self, session: Session, open_path: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self._initial = open_path
        self.opened: OpenedFile | None = None
        self._saved_text = ""
        self._debounce: Timer | None = None
        self._language: str | None = None  # of the open file, detected once on open
        self._last_prompt: tuple[str, str] | None = None  # (title, report) for the inspector
        self._history: list[ChatMessage] = []
        self._unsubscribe: Callable[[], None] | None = None
        self.guard = BufferGuard(self)  # asks before unsaved work is replaced; saves through conflicts
        self.keeper = RecoveryKeeper(self)  # keeps unsaved work in .caret/recovery/ for a crash

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield DirectoryTree(self.session.root, id="files")
            with Vertical(id="main"):
                yield CodeView("", id="code")
                yield Static("", id="status")
            yield ChatPanel(id="chat")
        yield GhostTail("", id="ghost-tail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = str(self.session.root)
        # Subscribed on the app's loop: events from the engine's worker threads arrive here too.
        self._unsubscribe = self.session.subscribe(self._post_engine_event)
        if self.session.config["completion.enabled"]:
            self.session.warm_up("completion")
        self.session.start_background()  # index, stale @docs crawls, watcher; never blocks the UI
        if self._initial is not None:
            self.open_file(self._initial)
        else:
            self.query_one(DirectoryTree).focus()
        offer_recovery(self, self.session.recovery.pending())  # what a crash (or kill -9) left unsaved

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.session.aclose()

    # -- status --
    @property
    def code(self) -> CodeView:
        """The editor widget."""
        return self.query_one(CodeView)

    def set_status(self, text: str) -> None:
        """Show one line in the status line."""
        self.query_one("#status", Static).update(text)

    def report(self, problem: str) -> None:
        """A problem the user must see: a notification and the status line."""
        self.notify(problem, severity="error")
        self.set_status(problem)

    def _post_engine_event(self, event: Event) -> None:
        self.post_message(EngineEvent(event))

    @on(EngineEvent)
    def _engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, FileChangedOnDisk):
            self.guard.disk_changed(event)
        elif text := status_text(event):
            self.set_status(text)

    @property
    def dirty(self) -> bool:
        """True when the buffer has edits not saved yet."""
        return self.opened is not None and self.code.text != self._saved_text

    @property
    def rel_path(self) -> str:
        """The open file's workspace-relative path ("" when none is open)."""
        return self.session.relative_path(self.opened.path) if self.opened is not None else ""

    # -- files --
    def open_file(self, path: Path, then: Callable[[], None] | None = None) -> None:
        """Open `path` in the code view, asking first (Save / Discard / Cancel) when the buffer has unsaved work;
        then run `then`. A refused file (outside, binary...) is one status line and the buffer stays."""
        opened = self._read(path)
        if opened is None:
            return
        if self.opened is not None and opened.path.resolve() == self.opened.path.resolve():
            self.code.focus()  # already open: its unsaved edits stay
            if then is not None:
                then()
        else:
            self.guard.leave(partial(self._show, opened, then))

    def load_file(self, path: Path) -> None:
        """(Re)load `path` into the code view without asking: for a reload that the user chose."""
        opened = self._read(path)
        if opened is not None:
            self._show(opened)

    def _read(self, path: Path) -> OpenedFile | None:
        try:
            self.session.relative_path(path)
            return read_document(path if path.is_absolute() else self.session.root / path)
        except (FileError, WorkspaceError) as exc:
            self.report(str(exc))
            return None

    def _show(self, opened: OpenedFile, then: Callable[[], None] | None = None) -> None:
        self.keeper.cancel()  # a countdown for the buffer being replaced must not touch this file's copy
        self.opened = opened
        self._saved_text = opened.text
        code = self.code
        first_line = opened.text.split("\n", 1)[0]
        self._language = language_for(opened.path, first_line)
        code.language = highlight_language(opened.path, first_line)
        code.load_text(opened.text)
        code.show_ghost_text("")
        code.focus()
        rel = self.rel_path
        self.set_status(rel)
        # Evaluate the file into the model's KV cache while the user reads it: the first suggestion then costs
        # only the text after the edit (35 ms to the first token instead of ~1 s on a 3 KB file).
        self.run_worker(self.session.prefill(rel, opened.text, self._language), group="ghost", exclusive=True)
        if then is not None:
            then()

    def mark_saved(self, saved: OpenedFile) -> None:
        """The buffer was written to disk as `saved`: clean now, its recovery copy gone, the engine told."""
        self.keeper.discard()
        self.opened = saved
        self._saved_text = saved.text
        rel = self.rel_path
        self.run_worker(self.session.buffer_saved(rel, self._saved_text), group="sync")
        self.set_status(f"saved {rel}")

    def mark_missing(self) -> None:
        """The open file is gone from disk: the buffer holds the only copy (unsaved), and Ctrl+S writes it anew."""
        if self.opened is None:
            return
        self.opened = replace(self.opened, snapshot=None)  # "absent" is now the disk state saves check against
        self._saved_text = ""
        self.keeper.edited()

    def replace_text(self, text: str) -> None:
        """Put `text` in the buffer as one edit: one Ctrl+Z brings the previous text back."""
        code = self.code
        start, end, new = text_replacement(code.text, text)
        code.replace(new, start, end)

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.open_file(Path(event.path))

    def action_find_file(self) -> None:
        """Fuzzy-find a workspace file (the index's list, ignore rules and secrets applied) and open it."""
        root = self.session.root
        files = self.session.workspace_files()
        self.search_commands(
            [(rel, partial(self.open_file, root / rel)) for rel in files], placeholder="Open file…"
        )

    def action_save(self) -> None:
        """Save the buffer atomically; a file changed on disk asks Reload / Overwrite / Show diff / Cancel."""
        self.guard.save()

    def action_close_file(self) -> None:
        """Close the open file, asking first (Save / Discard / Cancel) when it has unsaved work."""
        if self.opened is not None:
            self.guard.leave(self._close)

    def _close(self) -> None:
        self.keeper.discard()
        name = self.opened.path.name if self.opened else ""
        self.opened, self._saved_text, self._language = None, "", None
        self.code.load_text("")
        self.code.show_ghost_text("")
        self.query_one(DirectoryTree).focus()
        self.set_status(f"closed {name}")

    def action_quit_safely(self) -> None:
        """Quit, asking first when there is unsaved work."""
        if not self.dirty:
            self._exit_now()
            return
        name = self.opened.path.name if self.opened else "the file"

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.keeper.discard()  # a deliberate discard: nothing to offer at the next start
                self._exit_now()

        self.push_screen(ConfirmDialog(f"{name} has unsaved changes. Quit anyway?"), answered)

    async def action_quit(self) -> None:  # the palette's Quit goes through the same check
        self.action_quit_safely()

    def _exit_now(self) -> None:
        self.session.cancel_ghost_text()
        self.exit()

    # -- ghost text --
    @on(CodeView.UserEdited)
    def _user_edited(self) -> None:
        self.keeper.edited()
        self.session.cancel_ghost_text()
        if self._debounce is not None:
            self._debounce.stop()
        if not self.session.config["completion.enabled"] or self.opened is None:
            return
        if self.code.ghost_text:
            return  # the user is typing through a suggestion: keep it
        delay = self.session.config["completion.debounce_ms"] / 1000
        self._debounce = self.set_timer(delay, self._request_ghost_text)

    def _request_ghost_text(self) -> None:
        code = self.code
        if self.opened is None or not code.selection.is_empty:
            return
        line, column = code.cursor_location
        rel, text = self.session.relative_path(self.opened.path), code.text  # each is work: once a keystroke
        self.session.buffer_changed(rel, text)
        request = GhostTextRequest(path=rel, text=text, line=line, column=column, language=self._language)
        self._fetch_ghost_text(request)

    @work(exclusive=True, group="ghost")
    async def _fetch_ghost_text(self, request: GhostTextRequest) -> None:
        code = self.code

        def partial(text: str) -> None:
            if code.text == request.text and code.cursor_location == (request.line, request.column):
                code.show_ghost_text(text)

        try:
            result = await self.session.complete(request, on_partial=partial)
        except ModelError as exc:
            self.set_status(str(exc))
            return
        if result.withheld:
            self.set_status(result.withheld)  # a secret or ignored file: nothing was sent, and the user is told
            return
        if result.rendered is not None:
            model = self.session.config.model("completion").model
            self._last_prompt = (f"ghost text for {request.path}", describe_prompt(result.rendered, model=model))
        # Show it only if the buffer and cursor are where they were when we asked.
        if code.text == request.text and code.cursor_location == (request.line, request.column):
            code.show_ghost_text(result.text)
            if result.text:
                self.set_status(f"ghost text {result.elapsed_ms:.0f} ms · Tab accepts, Esc dismisses")

    # -- prompt inspector --
    def action_inspect_prompt(self) -> None:
        """Show the last prompt sent to a model, and what was dropped from it."""
        if self._last_prompt is None:
            self.set_status("no prompt sent yet")
            return
        self.push_screen(PromptInspector(*self._last_prompt))

    # -- chat --
    def action_toggle_chat(self) -> None:
        """Open or close the chat panel."""
        panel = self.query_one(ChatPanel)
        panel.toggle_class("-open")
        if panel.has_class("-open"):
            panel.query_one("#question").focus()
        else:
            self.code.focus()

    @on(ChatPanel.Asked)
    def _chat_asked(self, event: ChatPanel.Asked) -> None:
        code = self.code
        path = self.session.relative_path(self.opened.path) if self.opened else None
        request = ChatRequest(
            event.question, tuple(self._history), current_file=path, current_text=code.text if path else None,
            cursor_line=code.cursor_location[0] if path else None,
        )
        self._answer(request)

    @work(exclusive=True, group="chat")
    async def _answer(self, request: ChatRequest) -> None:
        panel = self.query_one(ChatPanel)
        try:
            prepared = await prepare_chat(self.session, request)
            self._last_prompt = ("chat", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
            for note in prepared.notes:
                panel.append(f"(note: {note})\n")
            parts: list[str] = []
            async for delta in stream_answer(prepared):
                parts.append(delta)
                panel.append(delta)
        except (ModelError, PromptTooLarge) as exc:
            panel.append(f"\n[error] {exc}\n")
            return
        panel.append("\n")
        self._history += [ChatMessage("user", request.message), ChatMessage("assistant", "".join(parts))]

    # -- inline edit --
    def action_inline_edit(self) -> None:
        """Ask for an instruction and propose an edit of the selected lines, reviewed as a diff."""
        if self.opened is None:
            self.set_status("open a file first")
            return
        code = self.code
        first, last = sorted((code.selection.start[0], code.selection.end[0]))
        if code.selection.end[1] == 0 and last > first:
            last -= 1  # a selection ending at a line's start does not include that line
        where = f"lines {first + 1}-{last + 1}" if last > first else f"line {first + 1}"
        rel = self.session.relative_path(self.opened.path)

        def asked(instruction: str | None) -> None:
            if instruction:
                self._propose(EditRequest(rel, instruction, first, last + 1, text=code.text))

        self.push_screen(InstructionDialog(where), asked)

    @work(exclusive=True, group="edit")
    async def _propose(self, request: EditRequest) -> None:
        self.set_status(f"asking the model: {request.instruction}")
        try:
            prepared, proposal = await propose_edit(self.session, request)
        except (ModelError, EditError, FileError, PromptTooLarge) as exc:
            self.set_status(str(exc))
            return
        self._last_prompt = ("inline edit", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
        if not proposal.edits:
            self.set_status("the model proposed no change")
            return
        notes = list(proposal.notes)
        notes += [f"introduces {problem}" for problem in await introduced_problems(self.session, proposal, 3.0)]
        review_proposal(self, request, proposal, notes)
