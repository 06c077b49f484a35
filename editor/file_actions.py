"""Files in the tree: new file (a), new folder (A), rename (r), delete (d / Delete), each through engine/file_ops.py;
open tabs follow a rename, and a deleted file's tab closes (clean) or keeps its text as unsaved (dirty)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.widgets import DirectoryTree
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from editor.buffers import Buffer
from editor.dialogs import ConfirmDialog, NameDialog
from editor.editing import apply_language
from engine.errors import FileError, WorkspaceError
from engine.events import FileChangedOnDisk
from engine.file_ops import create_file, create_folder, delete_path, is_inside, new_path, rename_path
from engine.files import OpenedFile

if TYPE_CHECKING:
    from textual.timer import Timer

    from editor.app import CaretApp


TREE_RELOAD_S = 0.3  # changes on disk closer together than this are shown by one reload of the tree


class FileTree(DirectoryTree):
    """The workspace tree, with keys (shown in the footer while it has focus) that make, rename and delete files."""

    BINDINGS = [
        Binding("a", "new_file", "New file"),
        Binding("A", "new_folder", "Folder"),
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
    ]

    @property
    def caret(self) -> CaretApp:
        """The app this tree belongs to."""
        return cast("CaretApp", self.app)

    def selected_path(self) -> Path:
        """The path under the tree's cursor (the workspace folder when there is none)."""
        node = self.cursor_node
        return node.data.path if node is not None and node.data is not None else Path(self.path)

    def selected_folder(self) -> Path:
        """Where a new file goes: the folder under the cursor, or the folder of the file under it."""
        path = self.selected_path()
        return path if path.is_dir() else path.parent

    def action_new_file(self) -> None:
        """Ask for a name and create an empty file there (folders too), then open it."""
        ask_new(self.caret, self.selected_folder(), folder=False)

    def action_new_folder(self) -> None:
        """Ask for a name and create that folder."""
        ask_new(self.caret, self.selected_folder(), folder=True)

    def action_rename(self) -> None:
        """Rename (or move) the file or folder under the cursor; its open tabs follow."""
        ask_rename(self.caret, self.selected_path())

    def action_delete(self) -> None:
        """Delete the file or folder under the cursor, after asking."""
        ask_delete(self.caret, self.selected_path())

    _reload_timer: Timer | None = None

    def follow_disk(self, change: FileChangedOnDisk) -> None:
        """A file made, removed or moved outside caret (a shell, git): the tree shows it, in one reload for a burst
        of changes (a checkout)."""
        if change.kind != "modified" and self._reload_timer is None:
            self._reload_timer = self.set_timer(TREE_RELOAD_S, self._reload_now)

    def _reload_now(self) -> None:
        self._reload_timer = None
        refresh_tree(self.caret, select=self.selected_path())


def name_problem(root: Path, name: str) -> str:
    """Why `name` cannot be a new file or folder in the workspace at `root`, as one line; "" when it can."""
    try:
        new_path(root, name)
    except (FileError, WorkspaceError) as exc:
        return str(exc)
    return ""


def workspace_rel(root: Path, path: Path) -> str:
    """`path` (absolute, as the tree has it) relative to the workspace, by name: a symlink is not followed; "" for
    the workspace folder itself or anything outside it."""
    with contextlib.suppress(ValueError):
        rel = path.relative_to(root).as_posix()
        return "" if rel == "." else rel
    return ""


def folder_prefix(root: Path, folder: Path) -> str:
    """The name dialog's starting text for a new path in `folder`: its workspace-relative path and a slash."""
    rel = workspace_rel(root, folder)
    return f"{rel}/" if rel else ""


def _nodes(node: TreeNode[DirEntry]) -> Iterator[TreeNode[DirEntry]]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def refresh_tree(app: CaretApp, select: Path | None = None) -> None:
    """Reload the tree (expanded folders kept), then put its cursor on `select` when that is shown."""
    tree = app.query_one(DirectoryTree)

    async def reload() -> None:
        await tree.reload()
        found = next((n for n in _nodes(tree.root) if n.data is not None and n.data.path == select), None)
        if found is not None and found.line >= 0:
            tree.move_cursor(found)

    app.run_worker(reload(), group="tree")


def _nothing() -> None:
    pass


def ask_name(
    app: CaretApp, title: str, value: str, then: Callable[[str], None], closed: Callable[[], None] = _nothing,
    select: bool = False,
) -> None:
    """Ask for a new workspace-relative name (checked when submitted, the problem shown in the dialog); `closed()`
    when the dialog goes, then `then(name)` unless the user pressed Esc."""
    root = app.session.root

    def answered(name: str | None) -> None:
        closed()
        if name:
            then(name)
        else:
            app.set_status("cancelled")

    app.push_screen(NameDialog(title, value, lambda name: name_problem(root, name), select), answered)


def ask_new(app: CaretApp, where: Path, *, folder: bool) -> None:
    """Ask for a name (starting in `where`) and create a file, opened in a tab, or a folder."""
    root = app.session.root
    kind = "folder" if folder else "file"

    def create(name: str) -> None:
        try:
            path = create_folder(root, name) if folder else create_file(root, name).path
        except (FileError, WorkspaceError) as exc:
            app.report(str(exc))
            return
        rel = app.session.relative_path(path)
        refresh_tree(app, select=path)
        if folder:
            app.set_status(f"created folder {rel}")
            return
        app.run_worker(app.session.buffer_saved(rel, ""), group="sync")  # the index learns of it now
        app.open_file(path)
        app.set_status(f"created {rel}")

    ask_name(app, f"New {kind} (a path in the workspace; folders are created)", folder_prefix(root, where), create)


def item_rel(app: CaretApp, path: Path, done: str) -> str:
    """`path`'s workspace-relative name; "" (and a status line saying why) for the workspace folder itself."""
    rel = workspace_rel(app.session.root, path)
    if not rel:
        app.set_status(f"the workspace folder itself cannot be {done} here")
    return rel


def ask_rename(app: CaretApp, path: Path) -> None:
    """Ask for the new name of the file or folder at `path`; its tabs follow (a renamed file keeps its edits)."""
    root, rel = app.session.root, item_rel(app, path, "renamed")
    if not rel:
        return

    def rename(name: str) -> None:
        try:
            new = rename_path(root, path, name)
        except (FileError, WorkspaceError) as exc:
            app.report(str(exc))
            return
        moved = follow_rename(app, path, new)
        refresh_tree(app, select=new)
        app.set_status(f"renamed {rel} to {app.session.relative_path(new)}" + (f" ({moved} open)" if moved else ""))

    ask_name(app, f"Rename {rel} to", rel, rename, select=True)


def follow_rename(app: CaretApp, old: Path, new: Path) -> int:
    """Point every tab on `old` (or on a file under the folder `old`) at its new path; the number of tabs moved.
    A renamed file's language is detected again; unsaved text keeps its recovery copy under the new name."""
    moved = 0
    for buffer in app.buffers:
        opened = buffer.opened
        if opened is None or not is_inside(opened.path, old):
            continue
        moved += 1
        path = new / opened.path.relative_to(old) if opened.path != old else new
        old_rel, new_rel = app.session.relative_path(opened.path), app.session.relative_path(path)
        buffer.opened = replace(opened, path=path)  # the snapshot still holds: a rename keeps time, size and bytes
        if path.name != opened.path.name:
            buffer.language = apply_language(buffer.view, path, buffer.view.document.get_line(0))
        if buffer.dirty:
            _move_recovery(app, old_rel, new_rel, buffer.view.text)
        app.run_worker(app.session.buffer_saved(new_rel, buffer.saved_text), group="sync")
    app.buffers.refresh_bar()
    return moved


def _move_recovery(app: CaretApp, old_rel: str, new_rel: str, text: str) -> None:
    with contextlib.suppress(OSError):  # no recovery folder: the text is still in the tab
        app.session.recovery.keep(new_rel, text)
        app.session.recovery.discard(old_rel)


def ask_delete(app: CaretApp, path: Path) -> None:
    """Ask, then delete the file or folder at `path`; its clean tabs close, its unsaved ones are kept unsaved."""
    root, rel = app.session.root, item_rel(app, path, "deleted")
    if not rel:
        return
    what = f"the folder {rel} and everything in it" if path.is_dir() and not path.is_symlink() else rel
    unsaved = sum(1 for b in app.buffers if b.dirty and b.opened is not None and is_inside(b.opened.path, path))
    if unsaved:
        what += f" ({unsaved} open with unsaved changes: the tab keeps them)"

    def answered(confirmed: bool | None) -> None:
        if not confirmed:
            app.set_status(f"{rel}: not deleted")
            return
        try:
            delete_path(root, path)
        except (FileError, WorkspaceError) as exc:
            app.report(str(exc))
            return
        kept = follow_delete(app, path)
        refresh_tree(app)
        app.set_status(f"deleted {rel}" + (f"; {kept} unsaved tab kept (Ctrl+S writes it again)" if kept else ""))

    app.push_screen(ConfirmDialog(f"Delete {what}?", confirm="Delete"), answered)


def follow_delete(app: CaretApp, path: Path) -> int:
    """Tabs on the deleted `path` (or under it): a clean one closes, an unsaved one keeps its text as a buffer with
    no file on disk (Ctrl+S writes it anew). The number kept."""
    kept = 0
    for buffer in app.buffers:
        if buffer.opened is None or not is_inside(buffer.opened.path, path):
            continue
        if buffer.dirty:
            kept += 1
            _orphan(buffer)
            if buffer is app.buffer:
                app.keeper.edited()  # its recovery copy is now the only one on disk
        else:
            if buffer is app.buffer:
                app.keeper.cancel()
            app.session.cancel_ghost_text()
            app.buffers.remove(buffer)
    app.buffers.refresh_bar()
    return kept


def _orphan(buffer: Buffer) -> None:
    """The buffer's file is gone: all its text is unsaved now, and "absent" is the disk state saves check against."""
    assert buffer.opened is not None
    buffer.opened = replace(buffer.opened, snapshot=None)
    buffer.saved_text = ""


def save_untitled(app: CaretApp, then: Callable[[OpenedFile], None], closed: Callable[[], None] = _nothing) -> None:
    """Ask where to save the untitled active buffer, write it there atomically (folders created), and make the tab
    that file (its language applied); then `then(saved)`."""
    buffer, root = app.buffer, app.session.root

    def save(name: str) -> None:
        try:
            saved = create_file(root, name, buffer.view.text)
        except (FileError, WorkspaceError) as exc:
            app.report(str(exc))
            return
        buffer.opened = saved
        buffer.language = apply_language(buffer.view, saved.path, buffer.view.document.get_line(0))
        refresh_tree(app, select=saved.path)
        then(saved)

    ask_name(app, "Save as (a path in the workspace; folders are created)", "", save, closed)
