"""Reading and writing workspace files safely: refuse what cannot be edited, never clobber a newer file on disk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from common.atomic_write import write_atomic

MAX_EDITABLE_BYTES = 5 * 1024 * 1024


class FileError(Exception):
    """A file that cannot be opened or saved, with a one-line reason."""


class FileConflict(FileError):
    """The file changed on disk since it was read; saving would lose someone's work."""


@dataclass(frozen=True)
class DiskSnapshot:
    """What a file looked like on disk when it was read, to detect changes made behind the editor's back."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes) -> DiskSnapshot:
        """The snapshot of `path` as it is now on disk, `data` being its bytes."""
        st = path.stat()
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class OpenedFile:
    """A file read for editing: its text with Unix line endings, and the file's own to write it back with."""

    path: Path
    text: str
    snapshot: DiskSnapshot | None  # None: a new file not yet on disk
    newline: str = "\n"


def read_document(path: Path, max_bytes: int = MAX_EDITABLE_BYTES) -> OpenedFile:
    """The file as editable text, or FileError for a directory, binary, oversized or undecodable file."""
    if not path.exists():
        return OpenedFile(path=path, text="", snapshot=None)
    if path.is_dir():
        raise FileError(f"{path.name}: is a directory")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileError(f"{path.name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB editing limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path.name}: cannot read: {exc.strerror}") from exc
    if b"\0" in data[:8192]:
        raise FileError(f"{path.name}: binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(f"{path.name}: not UTF-8 text (byte {exc.start})") from exc
    newline = "\r\n" if "\r\n" in text else "\n"
    # The editor works in "\n"; the file's own line endings come back on save.
    return OpenedFile(path=path, text=text.replace("\r\n", "\n"), snapshot=DiskSnapshot.of(path, data), newline=newline)


def changed_on_disk(path: Path, snapshot: DiskSnapshot | None) -> bool:
    """Whether the file on disk is no longer what `snapshot` recorded (None: whether it now exists)."""
    if snapshot is None:
        return path.exists()
    try:
        st = path.stat()
    except FileNotFoundError:
        return True
    if (st.st_mtime_ns, st.st_size) == (snapshot.mtime_ns, snapshot.size):
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() != snapshot.sha256


def save_document(opened: OpenedFile, text: str, force: bool = False) -> OpenedFile:
    """Save `text` over the file `opened` was read from; FileConflict if it changed on disk since."""
    if not force and changed_on_disk(opened.path, opened.snapshot):
        raise FileConflict(f"{opened.path.name}: changed on disk since it was opened; not saved")
    data = text.replace("\n", opened.newline).encode("utf-8") if opened.newline != "\n" else text.encode()
    try:
        write_atomic(opened.path, data)  # context/'s one atomic write; engine.files re-exports it
    except OSError as exc:
        raise FileError(f"{opened.path.name}: cannot save: {exc.strerror}") from exc
    return OpenedFile(opened.path, text, DiskSnapshot.of(opened.path, data), opened.newline)
