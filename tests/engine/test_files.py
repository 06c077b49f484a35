"""Opening and saving files: refuse what cannot be edited, never clobber newer work."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.files import FileConflict, FileError, read_document, save_document
from engine.languages import language_for


def test_round_trip_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\r\ny = 2\r\n")
    opened = read_document(path)
    assert opened.text == "x = 1\ny = 2\n"
    save_document(opened, opened.text + "z = 3\n")
    assert path.read_bytes() == b"x = 1\r\ny = 2\r\nz = 3\r\n"


def test_conflict_when_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("one\n")
    opened = read_document(path)
    path.write_text("two, from another program\n")
    with pytest.raises(FileConflict, match="changed on disk"):
        save_document(opened, "mine\n")
    assert path.read_text() == "two, from another program\n"


def test_new_file_is_created(tmp_path: Path) -> None:
    opened = read_document(tmp_path / "sub" / "new.py")
    assert opened.snapshot is None
    saved = save_document(opened, "x = 1\n")
    assert (tmp_path / "sub" / "new.py").read_text() == "x = 1\n"
    assert saved.snapshot is not None


def test_refuses_binary_large_and_non_utf8(tmp_path: Path) -> None:
    (tmp_path / "b").write_bytes(b"abc\0def")
    (tmp_path / "big").write_bytes(b"x" * 2000)
    (tmp_path / "latin").write_bytes("café".encode("latin-1"))
    with pytest.raises(FileError, match="binary file"):
        read_document(tmp_path / "b")
    with pytest.raises(FileError, match="over the"):
        read_document(tmp_path / "big", max_bytes=1000)
    with pytest.raises(FileError, match="not UTF-8"):
        read_document(tmp_path / "latin")
    with pytest.raises(FileError, match="is a directory"):
        read_document(tmp_path)


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("a\n")
    save_document(read_document(path), "b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_language_by_extension_and_shebang() -> None:
    assert language_for("x/y.py") == "python"
    assert language_for("x/y.tsx") == "tsx"
    assert language_for("bin/tool", "#!/usr/bin/env python3") == "python"
    assert language_for("bin/tool", "#!/bin/bash") == "bash"
    assert language_for("README") is None
