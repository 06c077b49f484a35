"""The terminal IDE: file tree, code view with ghost text, status line. Widgets translate events to engine calls."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DirectoryTree, Footer, Static

from editor.code_view import CodeView, GhostTail
from editor.dialogs import ConfirmDialog
from engine.complete import GhostTextRequest
from engine.errors import ModelError
from engine.files import FileError, OpenedFile, language_for, read_document, save_document
from engine.session import Session, WorkspaceError

# TextArea highlights only the languages Textual ships grammars for.
_HIGHLIGHTED = {"python", "javascript", "go", "rust", "java", "json", "toml", "yaml", "markdown", "html",
                "css", "bash", "sql", "xml", "regex"}  # fmt: skip


class CaretApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "caret"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit_safely", "Quit", priority=True),
        Binding("ctrl+p", "focus_files", "Files"),
    ]

    def __init__(self, session: Session, open_path: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self._initial = open_path
        self.opened: OpenedFile | None = None
        self._saved_text = ""
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield DirectoryTree(self.session.root, id="files")
            with Vertical(id="main"):
                yield CodeView("", id="code")
                yield Static("", id="status")
        yield GhostTail("", id="ghost-tail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = str(self.session.root)
        if self.session.config["completion.enabled"]:
            self.session.warm_up("completion")
        self.set_interval(0.5, self._refresh_status)
        if self._initial is not None:
            self.open_file(self._initial)
        else:
            self.query_one(DirectoryTree).focus()

    async def on_unmount(self) -> None:
        await self.session.aclose()

    # -- status --
    @property
    def code(self) -> CodeView:
        return self.query_one(CodeView)

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _refresh_status(self) -> None:
        if self.session.status:
            self.set_status(self.session.status)

    @property
    def dirty(self) -> bool:
        return self.opened is not None and self.code.text != self._saved_text

    # -- files --
    def open_file(self, path: Path) -> None:
        try:
            self.session.relative_path(path)
            opened = read_document(path if path.is_absolute() else self.session.root / path)
        except (FileError, WorkspaceError) as exc:
            self.notify(str(exc), severity="error")
            self.set_status(str(exc))
            return
        self.opened = opened
        self._saved_text = opened.text
        code = self.code
        language = language_for(opened.path, opened.text.split("\n", 1)[0])
        code.language = language if language in _HIGHLIGHTED else None
        code.load_text(opened.text)
        code.show_ghost_text("")
        code.focus()
        self.set_status(self.session.relative_path(opened.path))

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.open_file(Path(event.path))

    def action_focus_files(self) -> None:
        self.query_one(DirectoryTree).focus()

    def action_save(self) -> None:
        if self.opened is None:
            return
        try:
            self.opened = save_document(self.opened, self.code.text)
        except FileError as exc:
            self.notify(str(exc), severity="error")
            self.set_status(str(exc))
            return
        self._saved_text = self.opened.text
        self.set_status(f"saved {self.session.relative_path(self.opened.path)}")

    def action_quit_safely(self) -> None:
        if not self.dirty:
            self._exit_now()
            return
        name = self.opened.path.name if self.opened else "the file"

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self._exit_now()

        self.push_screen(ConfirmDialog(f"{name} has unsaved changes. Quit anyway?"), answered)

    def action_quit(self) -> None:  # the palette's Quit goes through the same check
        self.action_quit_safely()

    def _exit_now(self) -> None:
        self.session.ghost.cancel()
        self.exit()

    # -- ghost text --
    @on(CodeView.UserEdited)
    def _user_edited(self) -> None:
        self.session.ghost.cancel()
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
        request = GhostTextRequest(
            path=self.session.relative_path(self.opened.path),
            text=code.text,
            line=line,
            column=column,
            language=language_for(self.opened.path),
        )
        self._fetch_ghost_text(request)

    @work(exclusive=True, group="ghost")
    async def _fetch_ghost_text(self, request: GhostTextRequest) -> None:
        try:
            result = await self.session.complete(request)
        except ModelError as exc:
            self.set_status(str(exc))
            return
        code = self.code
        # Show it only if the buffer and cursor are where they were when we asked.
        if code.text == request.text and code.cursor_location == (request.line, request.column):
            code.show_ghost_text(result.text)
            if result.text:
                self.set_status(f"ghost text {result.elapsed_ms:.0f} ms · Tab accepts, Esc dismisses")
