"""Reading and writing workspace files safely: refuse what cannot be edited, never clobber a newer file on disk,
and write a file back the way it was stored (encoding, byte-order mark, line endings, mode)."""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from common.atomic_write import write_atomic

MAX_EDITABLE_BYTES = 5 * 1024 * 1024

# Longest first: a UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_OF = {encoding: bom for bom, encoding in _BOMS}


class FileError(Exception):
    """A file that cannot be opened or saved, with a one-line reason."""


class FileConflict(FileError):
    """The file changed on disk since it was read; saving would lose someone's work."""


@dataclass(frozen=True)
class DiskSnapshot:
    """What a file looked like on disk when it was read: enough to detect changes made behind the editor's back,
    and the encoding and byte-order mark its bytes were in (they travel with the snapshot to every writer)."""

    mtime_ns: int
    size: int
    sha256: str
    encoding: str = "utf-8"
    bom: bool = False

    @classmethod
    def of(cls, path: Path, data: bytes, encoding: str = "utf-8", bom: bool = False) -> DiskSnapshot:
        """The snapshot of `path` as it is now on disk, `data` being its bytes."""
        st = path.stat()
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest(), encoding, bom)


@dataclass(frozen=True)
class OpenedFile:
    """A file read for editing: its text with Unix line endings, and the file's own to write it back with."""

    path: Path
    text: str
    snapshot: DiskSnapshot | None  # None: a new file not yet on disk
    newline: str = "\n"
    note: str = ""  # one line for the user when the file is not quite as it will be saved (mixed line endings)
    encoding: str = "utf-8"  # the codec it was read with and is saved with
    bom: bool = False  # it started with a byte-order mark, written back on save

    def stored_as(self) -> tuple[str, bool]:
        """(encoding, BOM) to save with. The snapshot's when there is one: writers that rebuild an OpenedFile from
        a snapshot (an accepted edit) keep the file's format; these fields when the file is gone from disk."""
        if self.snapshot is not None:
            return self.snapshot.encoding, self.snapshot.bom
        return self.encoding, self.bom


def split_bom(data: bytes) -> tuple[str, bool, bytes]:
    """The encoding `data`'s byte-order mark names (UTF-8 without one), whether it had one, and the rest."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, True, data[len(mark) :]
    return "utf-8", False, data


def decode(name: str, data: bytes) -> tuple[str, str, bool]:
    """`data` as text, with its encoding and whether it had a BOM; FileError for binary or undecodable bytes."""
    encoding, bom, body = split_bom(data)
    if not bom and b"\0" in data[:8192]:  # UTF-16/32 text is full of NULs: only a BOM tells it from binary
        raise FileError(f"{name}: binary file")
    try:
        return body.decode(encoding), encoding, bom
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))  # count the BOM: the offset is into the file
        label = encoding.upper().removesuffix("-LE").removesuffix("-BE")
        raise FileError(f"{name}: not {label} text (byte {offset})") from exc


def majority_newline(text: str) -> tuple[str, str]:
    """The line ending most lines of `text` use ("\\r\\n" or "\\n"; a tie goes to the first line's), and a note
    when both occur, since saving will write every line with that one."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if crlf == 0 or lf == 0:
        return ("\r\n" if crlf else "\n"), ""
    first_is_crlf = text.find("\r\n") == text.find("\n") - 1
    newline = "\r\n" if crlf > lf or (crlf == lf and first_is_crlf) else "\n"
    name = "CRLF" if newline == "\r\n" else "LF"
    return newline, f"mixed line endings ({crlf} CRLF, {lf} LF): saving writes {name} throughout"


def encode(text: str, newline: str, encoding: str, bom: bool) -> bytes:
    """The bytes to store `text` (Unix line endings) as: the file's own line endings, encoding and BOM."""
    if newline != "\n":
        text = text.replace("\n", newline)
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError as exc:  # only codecs narrower than Unicode can fail; none is read today
        raise FileError(f"cannot be saved as {encoding}: {exc.reason}") from exc
    return (_BOM_OF[encoding] if bom else b"") + body


def missing_final_newline(saved: str, text: str) -> str:
    """"\n" when `text` should gain a final newline on save: the file ended with one (as POSIX text files and most
    tools expect) and the edit lost it; "" otherwise. Files saved without one stay as they are."""
    return "\n" if saved.endswith("\n") and text and not text.endswith("\n") else ""


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
    text, encoding, bom = decode(path.name, data)
    newline, note = majority_newline(text)
    # The editor works in "\n"; the file's own line endings come back on save.
    return OpenedFile(
        path=path,
        text=text.replace("\r\n", "\n"),
        snapshot=DiskSnapshot.of(path, data, encoding, bom),
        newline=newline,
        note=note,
        encoding=encoding,
        bom=bom,
    )


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


def read_only(path: Path) -> bool:
    """Whether `path` exists and is marked read-only: the atomic rename could replace it, so it is checked first.
    The mode bits are read as well as access(): a superuser may write anything, but the user's mark still holds."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def save_problem(opened: OpenedFile) -> str | None:
    """Why saving over the file `opened` was read from would lose work, as one line; None when it is safe."""
    name = opened.path.name
    if opened.snapshot is not None and not opened.path.exists():
        return f"{name}: deleted or renamed on disk since it was opened; not saved"
    if changed_on_disk(opened.path, opened.snapshot):
        return f"{name}: changed on disk since it was opened; not saved"
    return None


def save_document(opened: OpenedFile, text: str, force: bool = False) -> OpenedFile:
    """Save `text` over the file `opened` was read from; FileConflict if it changed on disk (or went away) since,
    FileError if it is read-only or the write fails: the file on disk is then exactly as it was."""
    if not force and (problem := save_problem(opened)):
        raise FileConflict(problem)
    if read_only(opened.path):
        raise FileError(f"{opened.path.name}: read-only on disk; not saved")
    encoding, bom = opened.stored_as()
    try:
        data = encode(text, opened.newline, encoding, bom)
    except FileError as exc:
        raise FileError(f"{opened.path.name}: {exc}") from exc
    try:
        write_atomic(opened.path, data)  # common's one atomic write; engine.files re-exports it
    except OSError as exc:
        raise FileError(f"{opened.path.name}: cannot save: {exc.strerror or exc}") from exc
    snapshot = DiskSnapshot.of(opened.path, data, encoding, bom)
    return OpenedFile(opened.path, text, snapshot, opened.newline, encoding=encoding, bom=bom)
