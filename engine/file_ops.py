"""Files and folders made, renamed and deleted from a front-end (the TUI's tree, save as): every path is checked to
lie inside the workspace (symlinks included) and nothing existing is overwritten; each problem is one line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from context.workspace import WorkspaceError, contained, relative_path
from engine.files import FileError, OpenedFile, save_document

# caret never changes the repository's own store, whatever the user types.
_PROTECTED = ".git"


def _rel_parts(rel: str) -> tuple[str, ...]:
    return PurePosixPath(rel).parts


def new_path(root: Path, name: str) -> Path:
    """The absolute path a new file or folder named `name` (workspace-relative, or absolute inside the workspace)
    would get; FileError when the name is empty, taken, under a file or in .git, WorkspaceError when it leaves the
    workspace (by `..`, or through a symlinked folder)."""
    name = name.strip()
    if not name.strip("/"):
        raise FileError("type a name (a path relative to the workspace)")
    if any(ord(char) < 32 for char in name):
        raise FileError(f"{name!r}: control characters are not allowed in a name")
    rel = relative_path(root, name)  # WorkspaceError for `..`, elsewhere, or a symlink leading out
    if rel == ".":
        raise FileError(f"{name}: that is the workspace folder itself")
    if _PROTECTED in _rel_parts(rel):
        raise FileError(f"{rel}: caret does not change {_PROTECTED}/")
    real_root = Path(os.path.realpath(root))
    path = real_root / rel
    for parent in reversed(PurePosixPath(rel).parents):
        if (real_root / parent).is_file():
            raise FileError(f"{parent}: is a file, not a folder")
    if os.path.lexists(path):
        raise FileError(f"{rel}: already exists")
    return path


def existing_path(root: Path, path: str | Path) -> Path:
    """The absolute path of the existing file, folder or symlink `path` (relative or absolute) inside the workspace;
    a symlink is the link itself, never its target. FileError when it is missing, the root or in .git."""
    real_root = Path(os.path.realpath(root))
    lexical = Path(os.path.normpath(real_root / path))  # `..` resolved by name; the last part is not followed
    if lexical == real_root:
        raise FileError("that is the workspace folder itself")
    found = contained(real_root, lexical.parent) / lexical.name  # the folder it is in must be inside
    rel = found.relative_to(real_root).as_posix()
    if not os.path.lexists(found):
        raise FileError(f"{rel}: no such file or folder")
    if _PROTECTED in _rel_parts(rel):
        raise FileError(f"{rel}: caret does not change {_PROTECTED}/")
    return found


def create_file(root: Path, name: str, text: str = "") -> OpenedFile:
    """Create the file `name` (its folders too) holding `text`, written atomically; the file as opened for editing.
    Refuses as `new_path` does; FileConflict if the file appeared meanwhile."""
    path = new_path(root, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"{name}: cannot create its folder: {exc.strerror or exc}") from exc
    return save_document(OpenedFile(path=path, text="", snapshot=None), text)  # snapshot None: refuses to overwrite


def create_folder(root: Path, name: str) -> Path:
    """Create the folder `name` (and the folders above it); refuses as `new_path` does."""
    path = new_path(root, name)
    try:
        path.mkdir(parents=True)
    except OSError as exc:
        raise FileError(f"{name}: cannot create: {exc.strerror or exc}") from exc
    return path


def rename_path(root: Path, source: str | Path, name: str) -> Path:
    """Move the file or folder `source` to the workspace-relative `name` (folders created); its new absolute path.
    Refuses a taken name, a folder into itself, and anything leaving the workspace."""
    old = existing_path(root, source)
    new = new_path(root, name)
    if old.is_dir() and not old.is_symlink() and new.is_relative_to(old):
        raise FileError(f"{name}: a folder cannot move into itself")
    try:
        new.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(new):  # appeared since the check: os.rename would replace it without a word
            raise FileError(f"{name}: already exists")
        os.rename(old, new)
    except OSError as exc:
        raise FileError(f"{old.name}: cannot rename: {exc.strerror or exc}") from exc
    return new


def delete_path(root: Path, path: str | Path) -> Path:
    """Delete the file, symlink (not its target) or folder (with everything in it) at `path`; its absolute path."""
    found = existing_path(root, path)
    try:
        if found.is_dir() and not found.is_symlink():
            shutil.rmtree(found)
        else:
            found.unlink()
    except OSError as exc:
        raise FileError(f"{found.name}: cannot delete: {exc.strerror or exc}") from exc
    return found


def is_inside(path: Path, folder: Path) -> bool:
    """True when `path` is `folder` or lies under it (both absolute): a tab on a file in a renamed folder follows."""
    return path == folder or path.is_relative_to(folder)


__all__ = [
    "WorkspaceError", "create_file", "create_folder", "delete_path", "existing_path", "is_inside", "new_path",
    "rename_path",
]
