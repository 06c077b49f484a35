"""The one atomic file write: readers see the old file or the new one, never half of either, even after a crash.

A temporary file in the target's folder is filled, flushed to disk, given the target's mode, renamed over
the target, and the folder is flushed so the rename itself survives a power cut. On any failure the temporary
file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMP_SUFFIX = ".caret-tmp"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # Some file systems (and Windows) cannot open or fsync a folder; the rename has happened either way.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic_with(path: Path, write: Callable[[Path], None]) -> None:
    """Replace `path` atomically with what `write(temporary_path)` writes, for writers that want a path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        _fsync_file(tmp)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data` (the file is created, with its folders, when missing)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic_with(path, write)
