"""The terminal IDE: file tree, code view with ghost text, status line. Widgets translate events to engine calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DirectoryTree, Footer

from editor.buffer_guard import BufferGuard, reload_background_buffers
from editor.buffers import Buffer, BufferManager, TabBar
from editor.chat_panel import ChatPanel
from editor.code_view import CodeView, GhostTail
from editor.commands import CaretCommands
from editor.editing import EditorArea
from editor.file_actions import FileTree
from editor.find import FindBar, ask_line
from editor.ghost_flow import continue_after_accept, request_ghost_text
from editor.hover_card import HoverCard
from editor.idle_gc import IdleCollector
from editor.inspector import PromptInspector
from editor.navigation_flow import find_references, go_to, go_to_definition, show_hover, show_problems
from editor.problems_panel import ProblemsPanel
from editor.recovery import RecoveryKeeper, offer_recovery
from editor.status import EngineEvent, StatusBar
from editor.status_flow import ProblemsWatch, cursor_moved, show_buffer
from engine.errors import WorkspaceError
from engine.events import FileChangedOnDisk
from engine.files import FileError, OpenedFile, read_document
from engine.session import Session

if TYPE_CHECKING:
    from engine.chat import Message as ChatMessage  # textual's Message is another thing


class CaretApp(App[None]):
    """The editor on one Session: what the user does becomes engine calls; engine events update the status line."""

    CSS_PATH = "app.tcss"
    TITLE = "caret"
    COMMAND_PALETTE_BINDING = "f1"  # Ctrl+P finds files, as in other editors; F1 (or Ctrl+Shift+P) has commands
    COMMANDS = App.COMMANDS | {CaretCommands}
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit_safely", "Quit", priority=True),
        Binding("ctrl+p", "find_file", "Files", priority=True),
        Binding("ctrl+w", "close_file", "Close", priority=True, show=False),
        Binding("ctrl+n", "new_buffer", "New", priority=True, show=False),
        Binding("ctrl+tab,ctrl+pagedown", "next_buffer", "Next tab", priority=True, show=False),
        Binding("ctrl+shift+tab,ctrl+pageup", "next_buffer(-1)", "Previous tab", priority=True, show=False),
        # Listed here, Textual adds no COMMAND_PALETTE_BINDING of its own: so F1 must be here too.
        Binding("f1,ctrl+shift+p", "command_palette", "Commands", priority=True, show=False),
        Binding("ctrl+l", "toggle_chat", "Chat", priority=True),
        Binding("ctrl+k", "inline_edit", "Edit", priority=True),
        Binding("f2", "inspect_prompt", "Prompt"),
        Binding("ctrl+f", "find", "Find", priority=True, show=False),
        Binding("ctrl+h,ctrl+r", "replace", "Replace", priority=True, show=False),  # terminals send Ctrl+H as ⌫
        Binding("ctrl+g", "go_to_line", "Go to line", priority=True, show=False),
        Binding("f12", "go_to_definition", "Definition", show=False),
        Binding("shift+f12", "find_references", "References", show=False),
        Binding("f9", "hover", "Hover", show=False),
        Binding("f8", "problems", "Problems", show=False),
    ]

    def __init__(self, session: Session, open_path: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self._initial = open_path
        self._debounce: Timer | None = None
        self.last_prompt: tuple[str, str] | None = None  # (title, report) for the inspector
        self._history: list[ChatMessage] = []  # the conversation so far (chat_flow.py), sent with the next question
        self._unsubscribe: Callable[[], None] | None = None
        self.guard = BufferGuard(self)  # asks before unsaved work is replaced; saves through conflicts
        self.keeper = RecoveryKeeper(self)  # keeps unsaved work in .caret/recovery/ for a crash
        self.status_bar, self.problems_watch = StatusBar(id="status-bar"), ProblemsWatch(self)  # status_flow.py
        self.idle_gc = IdleCollector()  # full garbage collections wait for a pause in typing

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FileTree(self.session.root, id="files")  # a / A / r / d: new file, folder, rename, delete
            with Vertical(id="main"):
                yield TabBar(id="tabs")
                with Vertical(id="buffers"):
                    yield CodeView("", id="code")
                yield FindBar(lambda: self.code, id="find")
                yield ProblemsPanel(partial(go_to, self), lambda: self.code.focus(), id="problems")
            yield ChatPanel(id="chat")
        yield self.status_bar  # the news (#status) and the fields: file, cursor, problems, servers, model
        yield GhostTail("", id="ghost-tail")
        yield HoverCard(id="hover")  # F9
        yield Footer(show_command_palette=False)  # F1 opens it; the snapshot footer stays as it was

    def on_mount(self) -> None:
        self.buffers = BufferManager(self.query_one("#buffers", Vertical), self.query_one(TabBar), self.code)
        self.sub_title = str(self.session.root)
        # Subscribed on the app's loop: events from the engine's worker threads arrive here too.
        self._unsubscribe = self.session.subscribe(lambda event: self.post_message(EngineEvent(event)))
        if self.session.config["completion.enabled"]:
            self.session.warm_up("completion")
        self.session.start_background()  # index, stale @docs crawls, watcher; never blocks the UI
        self.idle_gc.start(self)
        if self._initial is not None:
            self.open_file(self._initial)
        else:
            self.query_one(DirectoryTree).focus()
        offer_recovery(self, self.session.recovery.pending())  # what a crash (or kill -9) left unsaved

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.idle_gc.key()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.idle_gc.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.session.aclose()

    # -- status --
    @property
    def code(self) -> CodeView:
        """The active buffer's editor widget."""
        buffers: BufferManager | None = getattr(self, "buffers", None)
        return buffers.active.view if buffers is not None else self.query_one(CodeView)

    @property
    def buffer(self) -> Buffer:
        """The active buffer."""
        return self.buffers.active

    @property
    def opened(self) -> OpenedFile | None:
        """The active buffer's file; None for an untitled buffer."""
        return self.buffers.active.opened

    def set_status(self, text: str) -> None:
        """Show one line of news in the status bar."""
        self.status_bar.news(text)

    def report(self, problem: str) -> None:
        """A problem the user must see: a notification and the status line."""
        self.notify(problem, severity="error")
        self.set_status(problem)

    @on(EngineEvent)
    def _engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, FileChangedOnDisk):
            reload_background_buffers(self, event)
            self.guard.disk_changed(event)
            self.query_one(FileTree).follow_disk(event)
        self.status_bar.engine_event(event)

    @property
    def dirty(self) -> bool:
        """True when the buffer has edits not saved yet."""
        return self.opened is not None and self.buffer.dirty

    @property
    def rel_path(self) -> str:
        """The open file's workspace-relative path ("" when none is open)."""
        return self.session.relative_path(self.opened.path) if self.opened is not None else ""

    # -- files --
    def open_file(self, path: Path, then: Callable[[], None] | None = None) -> None:
        """Open `path` in a tab (the one it is already open in, with its unsaved edits, or a new one); then run
        `then`. A refused file (outside, binary...) is one status line and the buffers stay as they are."""
        opened = self._read(path)
        if opened is None:
            return
        index = self.buffers.find(opened.path)
        if index is not None:
            self.switch_buffer(index)
        else:
            self.keeper.flush()  # the buffer being left keeps its recovery copy
            if not self.buffer.blank:
                self.buffers.add()
            self._show(opened)
        if then is not None:
            then()

    def load_file(self, path: Path) -> None:
        """(Re)load `path` into the active buffer without asking: for a reload that the user chose."""
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

    def _show(self, opened: OpenedFile) -> None:
        self.keeper.cancel()  # a countdown for the buffer being replaced must not touch this file's copy
        buffer = self.buffer
        buffer.load(opened)
        self.buffers.refresh_bar()
        self.code.focus()
        rel = self.rel_path
        show_buffer(self, rel, fetch_problems=True)
        # Evaluate the file into the model's KV cache while the user reads it: the first suggestion then costs
        # only the text after the edit (35 ms to the first token instead of ~1 s on a 3 KB file).
        self.run_worker(self.session.prefill(rel, opened.text, buffer.language), group="ghost", exclusive=True)

    def switch_buffer(self, index: int) -> None:
        """Show the tab at `index`: its text, undo history, cursor and scroll as it was left."""
        self.keeper.flush()
        self.session.cancel_ghost_text()
        self.buffers.activate(index)
        self.code.focus()
        show_buffer(self, self.rel_path or "untitled")

    def action_switch_buffer(self, index: int) -> None:
        """A click on a tab."""
        self.switch_buffer(index)

    def action_next_buffer(self, step: int = 1) -> None:
        """The next (or, with -1, previous) tab."""
        self.switch_buffer(self.buffers.index + step)

    def action_new_buffer(self) -> None:
        """A new untitled buffer in its own tab (Ctrl+S asks where to save it)."""
        self.keeper.flush()
        self.buffers.add()
        self.code.focus()
        show_buffer(self, "untitled: Ctrl+S asks for a file name")

    def mark_saved(self, saved: OpenedFile) -> None:
        """The buffer was written to disk as `saved`: clean now, its recovery copy gone, the engine told."""
        self.keeper.discard()
        buffer = self.buffer
        buffer.opened, buffer.saved_text = saved, saved.text
        self.buffers.refresh_bar()
        rel = self.rel_path
        self.run_worker(self.session.buffer_saved(rel, saved.text), group="sync")
        self.set_status(f"saved {rel}")
        self.problems_watch.refresh()

    def mark_missing(self) -> None:
        """The open file is gone from disk: the buffer holds the only copy (unsaved), and Ctrl+S writes it anew."""
        if self.opened is None:
            return
        buffer = self.buffer
        buffer.opened = replace(self.opened, snapshot=None)  # "absent" is now the disk state saves check against
        buffer.saved_text = ""
        self.keeper.edited()

    def replace_text(self, text: str) -> None:
        """Put `text` in the buffer as one edit: one Ctrl+Z brings the previous text back."""
        code = self.code
        from engine.edit_apply import text_replacement  # the apply pipeline loads on first use

        start, end, new = text_replacement(code.text, text)
        code.replace(new, start, end)

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.open_file(Path(event.path))

    def action_find_file(self) -> None:
        """Fuzzy-find a workspace file (the index's list, ignore rules and secrets applied) and open it."""
        root = self.session.root
        files = self.session.workspace_files()
        self.search_commands([(rel, partial(self.open_file, root / rel)) for rel in files], placeholder="Open file…")

    def action_save(self) -> None:
        """Save the buffer atomically; a file changed on disk asks Reload / Overwrite / Show diff / Cancel."""
        self.guard.save()

    def action_close_file(self) -> None:
        """Close the active tab, asking first (Save / Discard / Cancel) when it has unsaved work."""
        if self.opened is not None or len(self.buffers) > 1:
            self.guard.leave(self._close)

    def _close(self) -> None:
        self.keeper.discard()
        name = self.buffer.title
        self.session.cancel_ghost_text()
        remaining = self.buffers.remove_active()
        if remaining.blank:
            self.query_one(DirectoryTree).focus()
        else:
            self.code.focus()
        show_buffer(self, f"closed {name}")

    def action_quit_safely(self) -> None:
        """Quit, asking first when there is unsaved work in any tab."""
        self.guard.quit(self._exit_now)

    async def action_quit(self) -> None:  # the palette's Quit goes through the same check
        self.action_quit_safely()

    def _exit_now(self) -> None:
        self.session.cancel_ghost_text()
        self.exit()

    # -- ghost text --
    @on(CodeView.GhostAccepted)
    def _ghost_accepted(self, event: CodeView.GhostAccepted) -> None:
        self.session.ghost_accepted(self.buffer.language, event.suggestion, event.text)  # `caret stats`, local only
        continue_after_accept(self, event.text, event.suggestion)

    @on(CodeView.UserEdited)
    def _user_edited(self) -> None:
        self.keeper.edited()
        self.buffers.mark_edited()
        self.session.cancel_ghost_text()
        self.problems_watch.edited()
        if self._debounce is not None:
            self._debounce.stop()
        if not self.session.config["completion.enabled"] or self.opened is None:
            return
        if self.code.ghost_text:
            return  # the user is typing through a suggestion: keep it
        delay = self.session.config["completion.debounce_ms"] / 1000
        self._debounce = self.set_timer(delay, partial(request_ghost_text, self))

    # -- find, go to line, Escape --
    def action_find(self) -> None:
        """Find in the open file (Enter / F3 next, Shift+F3 previous, Alt+C case, Alt+R regex)."""
        self.query_one(FindBar).open()

    def action_replace(self) -> None:
        """Find and replace in the open file (Enter replaces one, Alt+A all)."""
        self.query_one(FindBar).open(replace=True)

    def action_go_to_line(self) -> None:
        """Ask for a line (or line:column) and move the cursor there."""
        ask_line(self, self.code)

    @on(EditorArea.Escaped)
    def _escaped(self) -> None:
        """Escape in the code closes the hover card, the find bar or the problems panel; else the focus stays."""
        bar, panel = self.query_one(FindBar), self.query_one(ProblemsPanel)
        if self.query_one(HoverCard).hide():
            return  # the most transient first: the hover card, then the find bar, then the problems panel
        if bar.has_class("-open"):
            bar.action_close()
        elif panel.is_open:
            panel.action_close()

    # -- language intelligence (editor/navigation_flow.py) --
    def action_go_to_definition(self) -> None:
        """Go to the definition of the symbol at the cursor (its file opens in a tab)."""
        go_to_definition(self)

    def action_find_references(self) -> None:
        """List the references of the symbol at the cursor; pick one to go there."""
        find_references(self)

    def action_hover(self) -> None:
        """Show the signature and docs of the symbol at the cursor."""
        show_hover(self)

    def action_problems(self) -> None:
        """Open the problems panel (the open files' problems, the active one's fetched now); F8 again closes it."""
        show_problems(self)

    @on(CodeView.SelectionChanged)
    def _cursor_moved(self, event: CodeView.SelectionChanged) -> None:
        if event.text_area is self.code:
            cursor_moved(self, event.selection.end)  # line:column, the problem on the cursor's line

    # -- prompt inspector --
    def action_inspect_prompt(self) -> None:
        """Show the last prompt sent to a model, and what was dropped from it."""
        if self.last_prompt is None:
            self.set_status("no prompt sent yet")
            return
        self.push_screen(PromptInspector(*self.last_prompt))

    # -- chat --
    def action_toggle_chat(self) -> None:
        """Open or close the chat panel."""
        from editor.chat_flow import toggle_chat_panel  # chat's engine modules load on first use, not at launch

        toggle_chat_panel(self)

    @on(ChatPanel.Request)
    def _chat_request(self, event: ChatPanel.Request) -> None:
        from editor.chat_flow import handle_chat_request

        handle_chat_request(self, event)

    # -- inline edit --
    def action_inline_edit(self) -> None:
        """Ask for an instruction and propose an edit of the selected lines, reviewed as a diff."""
        from editor.inline_edit import ask_inline_edit  # the edit pipeline loads on first use, not at launch

        ask_inline_edit(self)
