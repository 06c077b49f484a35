"""Unsaved work in the open buffer is never lost: asked about before the buffer is replaced or closed, saved
through conflicts with the file on disk (reload / overwrite / show diff), kept when the file is deleted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from editor.dialogs import Choice, ChoiceDialog, ConfirmDialog
from editor.file_actions import save_untitled
from engine.edit_apply import unified_diff
from engine.events import FileChangedOnDisk
from engine.files import (
    FileConflict,
    FileError,
    OpenedFile,
    changed_on_disk,
    missing_final_newline,
    read_document,
    save_document,
)

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from editor.app import CaretApp

LEAVE_CHOICES = (Choice("save", "Save", "s"), Choice("discard", "Discard", "d"), Choice("cancel", "Cancel", "escape"))
CONFLICT_CHOICES = (
    Choice("reload", "Reload", "r"), Choice("overwrite", "Overwrite", "o"), Choice("diff", "Show diff", "v"),
    Choice("cancel", "Cancel", "escape"),
)
Then = Callable[[], None] | None


def disk_vs_buffer(rel: str, path: Path, buffer: str) -> str:
    """The unified diff from the file on disk (-) to the buffer (+); a missing file counts as empty."""
    try:
        on_disk = read_document(path).text
    except FileError as exc:
        return f"{exc}\n"
    return unified_diff(rel, on_disk, buffer) or "no difference: the file on disk has the buffer's text\n"


class BufferGuard:
    """The save / discard / conflict flows of the open buffer; one question on screen at a time."""

    def __init__(self, app: CaretApp) -> None:
        self._app = app
        self.asking = False

    def _ask(self, screen: ChoiceDialog | ModalScreen[bool], answered: Callable[[str], None]) -> None:
        self.asking = True

        def done(answer: str | bool | None) -> None:
            self.asking = False
            answered(answer if isinstance(answer, str) else "cancel")

        self._app.push_screen(screen, done)

    def leave(self, then: Callable[[], None]) -> None:
        """Run `then` (it replaces or closes the buffer) now when nothing is unsaved; else ask Save / Discard /
        Cancel first, and run it only after a save that succeeded or a deliberate discard."""
        app = self._app
        if self.asking:
            return
        if not app.buffer.dirty:  # an untitled buffer with text is unsaved work too
            then()
            return
        name = app.buffer.title

        def answered(choice: str) -> None:
            if choice == "save":
                self.save(then)
            elif choice == "discard":
                app.keeper.discard()
                then()
            else:
                app.set_status(f"{name}: kept open with its unsaved changes")

        self._ask(ChoiceDialog(f"{name} has unsaved changes.", LEAVE_CHOICES), answered)

    def quit(self, exit_now: Callable[[], None]) -> None:
        """Quit (`exit_now`), asking first when any tab has unsaved work; quitting anyway discards the recovery
        copies too (a deliberate discard: nothing to offer at the next start)."""
        app = self._app
        unsaved = [buffer.title for buffer in app.buffers if buffer.dirty]
        if not unsaved:
            exit_now()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                for number in range(len(app.buffers)):
                    app.buffers.activate(number)
                    app.keeper.discard()
                exit_now()

        app.push_screen(ConfirmDialog(f"{', '.join(unsaved)} has unsaved changes. Quit anyway?"), answered)

    def save(self, then: Then = None, force: bool = False) -> None:
        """Save the buffer atomically, then run `then`; an untitled one asks for a name first (save_as), a file
        changed on disk asks Reload / Overwrite / Show diff / Cancel, a read-only or unwritable one is one status
        line and the buffer is kept."""
        app = self._app
        if self.asking:
            return
        if app.opened is None:
            self.save_as(then)
            return
        if app.opened.snapshot is not None and not app.opened.path.exists():
            app.mark_missing()  # deleted behind our back (the watcher may not have said yet): write it anew
        text = app.code.text
        newline = missing_final_newline(app.opened.text, text)
        try:
            saved = save_document(app.opened, text + newline, force=force)
        except FileConflict as exc:
            app.set_status(str(exc))
            self.resolve_conflict(then)
            return
        except FileError as exc:
            app.report(str(exc))
            return
        if newline:  # the buffer shows what was saved (as VS Code's insertFinalNewline does)
            app.code.insert(newline, app.code.document.end, maintain_selection_offset=False)
        app.mark_saved(saved)
        if then is not None:
            then()

    def save_as(self, then: Then = None) -> None:
        """An untitled buffer: ask for a workspace-relative name, write it there, and the tab becomes that file."""
        app = self._app
        if app.buffer.blank:
            app.set_status("untitled and empty: nothing to save")
            return
        self.asking = True

        def saved(opened: OpenedFile) -> None:
            app.mark_saved(opened)
            if then is not None:
                then()

        save_untitled(app, saved, closed=self._closed)

    def _closed(self) -> None:
        self.asking = False

    def resolve_conflict(self, then: Then = None) -> None:
        """The file changed on disk while the buffer has edits: Reload (drop the edits) / Overwrite (save them) /
        Show diff (then ask again) / Cancel (keep both as they are)."""
        app = self._app
        if app.opened is None or self.asking:
            return
        opened, name = app.opened, app.opened.path.name

        def answered(choice: str) -> None:
            if choice == "reload":
                self.reload()
                if then is not None:
                    then()
            elif choice == "overwrite":
                self.save(then, force=True)
            elif choice == "diff":
                diff = disk_vs_buffer(app.rel_path, opened.path, app.code.text)
                from editor.diff_review import DiffReview  # a conflict is rare: not loaded at launch

                review = DiffReview(f"{name}: - on disk, + your buffer", diff)
                self._ask(review, lambda _: self.resolve_conflict(then))
            else:
                app.set_status(f"{name} changed on disk; your edits are kept (Ctrl+S offers to overwrite)")

        self._ask(ChoiceDialog(f"{name} changed on disk since it was opened.", CONFLICT_CHOICES), answered)

    def reload(self) -> None:
        """Replace the buffer with the file on disk (the edits are dropped), keeping the cursor's row."""
        app = self._app
        if app.opened is None:
            return
        row = app.code.cursor_location
        app.keeper.discard()
        app.load_file(app.opened.path)
        app.code.move_cursor(row)

    def disk_changed(self, change: FileChangedOnDisk) -> None:
        """The watcher saw a change: a clean buffer reloads, a dirty one asks, a deleted file's buffer is kept."""
        app = self._app
        opened = app.opened
        if opened is None or app.rel_path not in (change.path, change.old_path):
            return
        if not changed_on_disk(opened.path, opened.snapshot):
            return  # our own save, or a write of the same bytes
        name = opened.path.name
        if not opened.path.exists():
            app.mark_missing()
            app.set_status(f"{name} was deleted or moved on disk; your buffer is kept (Ctrl+S writes it again)")
        elif app.dirty:
            app.set_status(f"{name} changed on disk while you have unsaved edits")
            self.resolve_conflict()
        elif not self.asking:
            self.reload()
            app.set_status(f"reloaded {name}: it changed on disk")


def reload_background_buffers(app: CaretApp, change: FileChangedOnDisk) -> None:
    """A file changed on disk that is open in a tab other than the active one: a clean buffer reloads (cursor
    kept); a dirty one is left for Ctrl+S, which asks Reload / Overwrite then."""
    active = app.buffer
    for buffer in app.buffers:
        if buffer is active or buffer.opened is None:
            continue
        rel = app.session.relative_path(buffer.opened.path)
        if rel not in (change.path, change.old_path) or not changed_on_disk(buffer.opened.path, buffer.opened.snapshot):
            continue
        if buffer.dirty or not buffer.opened.path.exists():
            app.set_status(f"{buffer.title} changed on disk; your unsaved edits in its tab are kept")
            continue
        try:
            opened = read_document(buffer.opened.path)
        except FileError:
            continue
        cursor = buffer.view.cursor_location
        buffer.load(opened)
        buffer.view.move_cursor(cursor)
