"""What the editor tells its status bar (the buffer shown, the cursor, the problem on the cursor's line) and the
diagnostics fetched without asking: when a file opens, after a save and after a pause in typing, off the UI thread,
from the file's real language server. They become marks in the code view and counts on the status bar."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from editor.diagnostic_marks import counts, problem_marks
from editor.hover_card import HoverCard
from editor.problems_panel import refresh_problems
from editor.status import BufferShown, CursorMoved, ProblemsCounted, ServerAsked
from engine.navigation import Problem, problems

if TYPE_CHECKING:
    from textual.timer import Timer

    from editor.app import CaretApp
    from editor.buffers import Buffer

EDIT_PAUSE_S = 1.0  # typing paused this long: the buffer's problems are fetched again


def show_buffer(app: CaretApp, news: str, fetch_problems: bool = False) -> None:
    """The active buffer changed (opened, switched to, closed): the status bar shows it, and `news`; a file just
    opened has its problems fetched."""
    buffer = app.buffer
    if (fetch_problems or buffer.opened is None) and buffer.problems:
        show_found(app, buffer, [])  # another file (or none) in this buffer now: the old marks do not apply
    app.set_status(news)
    shown = BufferShown(app.rel_path, buffer.language, buffer.view.cursor_location, *counts(buffer.problems))
    app.status_bar.apply(shown)
    if fetch_problems:
        app.problems_watch.refresh()


def cursor_moved(app: CaretApp, location: tuple[int, int]) -> None:
    """The cursor moved in the active buffer: its line:column, and the message of a problem on its line."""
    app.status_bar.apply(CursorMoved(*location))
    app.query_one(HoverCard).hide()  # it was about the symbol the cursor left
    _problem_news(app, location[0])


def _problem_news(app: CaretApp, row: int) -> None:
    marks = app.code.problem_marks.get(row) if app.code.problem_marks else None
    if marks is not None and marks.message:
        app.set_status(f"{marks.severity}: {marks.message}")


def show_found(app: CaretApp, buffer: Buffer, found: list[Problem]) -> None:
    """`found` becomes the buffer's problems: marks in its view, counts on the status bar while it is shown."""
    before, marks = buffer.view.problem_marks, problem_marks(found)
    buffer.problems = found
    if marks != before:
        buffer.view.show_marks(marks)
        refresh_problems(app)
    if buffer is app.buffer:
        app.status_bar.apply(ProblemsCounted(*counts(found)))
        row = buffer.view.cursor_location[0]
        if marks.get(row) != before.get(row):  # news only when new: F8's own summary is not overwritten
            _problem_news(app, row)


class ProblemsWatch:
    """Fetches the active buffer's problems on open, on save and after a pause in typing (one timer per pause,
    not one per keystroke)."""

    def __init__(self, app: CaretApp) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._due = 0.0

    def edited(self) -> None:
        """A keystroke: fetch again once typing pauses for EDIT_PAUSE_S."""
        self._due = time.monotonic() + EDIT_PAUSE_S
        if self._timer is None and self._app.session.config["lsp.enabled"]:
            self._timer = self._app.set_timer(EDIT_PAUSE_S, self._pause_over)

    def _pause_over(self) -> None:
        self._timer = None
        left = self._due - time.monotonic()
        if left > 0.01:  # typed on since the timer started: wait for the rest of the pause
            self._timer = self._app.set_timer(left, self._pause_over)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Fetch the active buffer's problems in the background (a fetch in flight for it is replaced)."""
        app = self._app
        rel = app.rel_path
        if not rel or not app.session.config["lsp.enabled"]:
            return
        buffer = app.buffer
        app.run_worker(self._fetch(buffer, rel, buffer.view.text), group=f"problems-{buffer.view.id}", exclusive=True)

    async def _fetch(self, buffer: Buffer, rel: str, text: str) -> None:
        app = self._app
        language = await app.session.language_server_for(rel)
        if language is None:
            return  # no server for this language: nothing to show, nothing to wait for
        app.status_bar.apply(ServerAsked(rel, language))
        found = await problems(app.session, rel, text)
        if buffer.view.text == text:  # else an edit came in meanwhile, and its pause fetches again
            show_found(app, buffer, found)
