"""Crash recovery in the TUI: the open buffer's unsaved text is kept in `.caret/recovery/` a moment after the last
keystroke, and what an earlier run left there (a crash, a kill -9) is offered back at the next start."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.timer import Timer

from editor.dialogs import Choice, ChoiceDialog
from engine.recovery import RecoveredBuffer

if TYPE_CHECKING:
    from editor.app import CaretApp

# Long enough that a typing burst is written once, short enough that a crash loses only the last moment.
KEEP_AFTER_S = 2.0
OFFER_CHOICES = (Choice("restore", "Restore", "r"), Choice("discard", "Discard", "d"),
                 Choice("later", "Ask next time", "escape"))


class RecoveryKeeper:
    """Keeps the open buffer's unsaved text KEEP_AFTER_S after the last edit: a debounce restarted per edit, so
    nothing runs while the user is idle and nothing is written per keystroke."""

    def __init__(self, app: CaretApp) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._failed = False  # say once that recovery copies cannot be written, not every two seconds

    def edited(self) -> None:
        """The buffer changed: (re)start the countdown to keeping it."""
        self.cancel()
        self._timer = self._app.set_timer(KEEP_AFTER_S, self.keep_now)

    def keep_now(self) -> None:
        """Write the buffer to the recovery folder when it has unsaved work; forget it when it has none (undone)."""
        self._timer = None
        app = self._app
        if app.opened is None:
            return
        rel, store = app.rel_path, app.session.recovery
        app.buffers.refresh_bar()  # an edit undone back to the saved text loses its unsaved mark
        try:
            if app.dirty:
                store.keep(rel, app.code.text)
            else:
                store.discard(rel)
        except OSError as exc:
            if not self._failed:
                self._failed = True
                app.set_status(f"cannot keep a recovery copy of {rel}: {exc.strerror or exc}")

    def flush(self) -> None:
        """Keep the buffer now if its countdown is running: it is about to stop being the active one."""
        if self._timer is not None:
            self.keep_now()

    def cancel(self) -> None:
        """Stop the countdown, if any (the buffer is being replaced)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def discard(self) -> None:
        """The buffer was saved, reloaded or deliberately dropped: its recovery copy goes too."""
        self.cancel()
        app = self._app
        if app.opened is None:
            return
        with contextlib.suppress(OSError):  # a copy we cannot remove is offered (and can be discarded) next start
            app.session.recovery.discard(app.rel_path)


def offer_question(buffer: RecoveredBuffer) -> str:
    """The question asked for one recovered buffer."""
    when = time.strftime("%H:%M", time.localtime(buffer.saved_at))
    return f"Recover unsaved changes to {buffer.rel_path} (saved {when})?"


def offer_recovery(app: CaretApp, pending: Sequence[RecoveredBuffer]) -> None:
    """Ask about each buffer an earlier run left unsaved, newest first: Restore opens the file with the recovered
    text in the buffer (unsaved, Ctrl+Z shows the file's own text); Discard deletes the copy; Esc asks next time."""
    if not pending:
        return
    buffer, rest = pending[0], pending[1:]

    def answered(choice: str | None) -> None:
        if choice == "restore":
            app.open_file(app.session.root / buffer.rel_path, then=lambda: restored(buffer, rest))
            return
        if choice == "discard":
            app.session.recovery.discard(buffer.rel_path)
        offer_recovery(app, rest)

    def restored(buffer: RecoveredBuffer, rest: Sequence[RecoveredBuffer]) -> None:
        app.replace_text(buffer.text)
        app.set_status(f"recovered unsaved changes to {buffer.rel_path} (Ctrl+S saves them)")
        offer_recovery(app, rest)

    app.push_screen(ChoiceDialog(offer_question(buffer), OFFER_CHOICES, cancel="later"), answered)
