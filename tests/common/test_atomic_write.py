"""The one atomic write: the target is the old file or the new one, never half, and no temporary file stays."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from common.atomic_write import write_atomic, write_atomic_with


def test_writes_new_and_replaces_existing_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "a.txt"
    write_atomic(path, b"one\n")
    assert path.read_bytes() == b"one\n"
    write_atomic(path, b"two\n")
    assert path.read_bytes() == b"two\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]


def test_keeps_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "tool.sh"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o751)
    write_atomic(path, b"#!/bin/sh\necho hi\n")
    assert path.stat().st_mode & 0o7777 == 0o751


def test_a_failing_write_leaves_the_original_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"original\n")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_bytes(b"half of the new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic_with(path, half_then_fail)
    assert path.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failing_rename_leaves_the_target_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside.txt").write_text("kept\n")  # a non-empty folder: the rename over it fails
    with pytest.raises(OSError):
        write_atomic(target, b"new\n")
    assert (target / "inside.txt").read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_an_interrupted_write_cleans_up_too(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"

    def interrupted(tmp: Path) -> None:
        tmp.write_bytes(b"x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic_with(path, interrupted)
    assert not path.exists()
    assert os.listdir(tmp_path) == []
