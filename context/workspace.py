"""The workspace: which files exist for caret, and reading them safely.

Paths handed out are workspace-relative POSIX strings ("pkg/mod.py").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from context.ignore import BINARY_EXTENSIONS, IgnoreRules, is_secret
from context.languages import detect_language

DEFAULT_MAX_FILE_BYTES = 1_000_000
_SNIFF_BYTES = 8192

__all__ = [
    "DEFAULT_MAX_FILE_BYTES", "OutsideWorkspace", "Workspace", "WorkspaceError", "contained", "detect_language",
    "is_secret", "relative_path",
]


class WorkspaceError(Exception):
    """A path or file caret refuses; the message is one line and names the path."""


class OutsideWorkspace(WorkspaceError):
    """A path that leaves the workspace: by `..` or being elsewhere, or (`through_link`) through a symlink."""

    def __init__(self, path: str | os.PathLike[str], root: str, through_link: bool) -> None:
        self.path = os.fspath(path)
        self.through_link = through_link
        where = "links outside" if through_link else "outside"
        super().__init__(f"{self.path}: {where} the workspace {root}")


def _inside(real_root: str, path: str) -> bool:
    return path == real_root or path.startswith(real_root.rstrip(os.sep) + os.sep)


def contained(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """The real path of `path` (relative to `root`, or absolute) when it lies inside `root`; the one containment
    check. OutsideWorkspace naming the path for `..` or an absolute path elsewhere, and for a symlink that leaves
    the root (a path that only reaches the root through a symlink is inside)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, path))
    if _inside(real_root, real):
        return Path(real)
    lexical = os.path.normpath(os.path.join(real_root, path))
    raise OutsideWorkspace(path, real_root, through_link=_inside(real_root, lexical))


def relative_path(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    """The workspace-relative POSIX path of `path` (relative to `root`, or absolute): the one way to make a path
    workspace-relative. OutsideWorkspace ("PATH: outside the workspace ROOT") for anything that leaves it."""
    real_root = os.path.realpath(root)
    return contained(real_root, path).relative_to(real_root).as_posix()


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head


class Workspace:
    def __init__(self, root: str | os.PathLike[str], max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.root = Path(os.path.realpath(root))
        if not self.root.is_dir():
            raise WorkspaceError(f"workspace root is not a folder: {root}")
        self.max_file_bytes = max_file_bytes
        self.rules = IgnoreRules(str(self.root))
        self._root_str = str(self.root)

    # -- paths --------------------------------------------------------------------------------------------
    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """Absolute real path of `path` (relative to the root or absolute); refuses anything outside the root,
        including through a symlink."""
        try:
            return contained(self._root_str, path)
        except OutsideWorkspace:
            raise WorkspaceError(f"path outside workspace: {path}") from None

    def relative(self, path: str | os.PathLike[str]) -> str:
        """Workspace-relative POSIX path of `path` (which must lie inside the root), by `relative_path`."""
        try:
            return relative_path(self._root_str, path)
        except OutsideWorkspace:
            raise WorkspaceError(f"path outside workspace: {path}") from None

    def should_ignore(self, rel_path: str) -> bool:
        """True when `rel_path` is ignored (.gitignore, .caretignore, always-skipped folders) or a secret."""
        rel = rel_path.replace(os.sep, "/").strip("/")
        return is_secret(rel) or self.rules.ignored(rel)

    # -- walking ------------------------------------------------------------------------------------------
    def files(self, include_secrets: bool = False, check_content: bool = True) -> Iterator[str]:
        """Relative paths of the text files caret may index, sorted per folder.

        Skips ignored paths, secrets (unless asked), files over the size limit, and binaries (by extension,
        then by a NUL byte in the first 8 KB when `check_content`). Symlinked folders are not followed;
        a symlinked file counts only when its target lies inside the root.
        """
        stack = [""]
        while stack:
            rel_dir = stack.pop()
            try:
                with os.scandir(os.path.join(self._root_str, rel_dir)) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                continue
            subdirs: list[str] = []
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not self.rules.ignored_entry(rel, True):
                            subdirs.append(rel)
                        continue
                    if not entry.is_file():
                        continue
                    if self._skip_file(entry, rel, include_secrets, check_content):
                        continue
                except OSError:
                    continue
                yield rel
            stack.extend(reversed(subdirs))

    def _skip_file(self, entry: os.DirEntry[str], rel: str, include_secrets: bool, check_content: bool) -> bool:
        if not include_secrets and is_secret(entry.name):
            return True
        if os.path.splitext(entry.name)[1].lower() in BINARY_EXTENSIONS:
            return True
        if self.rules.ignored_entry(rel, False):
            return True
        if entry.is_symlink():
            try:
                self.resolve(rel)
            except WorkspaceError:
                return True
        if entry.stat().st_size > self.max_file_bytes:
            return True
        if check_content:
            with open(entry.path, "rb") as f:
                return looks_binary(f.read(_SNIFF_BYTES))
        return False

    # -- reading ------------------------------------------------------------------------------------------
    def read_bytes(self, path: str | os.PathLike[str], allow_secret: bool = False) -> bytes:
        """The file's bytes; WorkspaceError (one line) for a secret, a folder, too large, or unreadable."""
        real = self.resolve(path)
        if not allow_secret and is_secret(real.name):
            raise WorkspaceError(f"refusing to read a secret file (name it explicitly to include it): {path}")
        try:
            size = real.stat().st_size
            if not real.is_file():
                raise WorkspaceError(f"not a regular file: {path}")
            if size > self.max_file_bytes:
                raise WorkspaceError(f"file too large ({size} bytes > {self.max_file_bytes}): {path}")
            return real.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"cannot read {path}: {exc.strerror or exc}") from None

    def read_text(self, path: str | os.PathLike[str], allow_secret: bool = False) -> str:
        """The file as UTF-8 text; WorkspaceError for binary, too large, not UTF-8, outside, or secret."""
        data = self.read_bytes(path, allow_secret=allow_secret)
        return decode_text(data, str(path))

    def language_of(self, rel_path: str, text: str | None = None) -> str | None:
        first_line = text.split("\n", 1)[0] if text else None
        return detect_language(rel_path, first_line)


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 text of `data`; WorkspaceError naming `label` for binary or undecodable content."""
    if looks_binary(data[:_SNIFF_BYTES]):
        raise WorkspaceError(f"binary file: {label}")
    try:
        return data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"not UTF-8 text (byte {exc.start}): {label}") from None
