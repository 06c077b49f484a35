"""Opening and saving files: refuse what cannot be edited, never clobber newer work."""

from __future__ import annotations

import codecs
import dataclasses
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.atomic_write import write_atomic_with
from engine.edit import EditProposal, FileEdit, apply_proposal
from engine.files import (
    FileConflict,
    FileError,
    changed_on_disk,
    missing_final_newline,
    read_document,
    save_document,
)
from engine.languages import language_for

ROOT = Path(__file__).resolve().parents[2]


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


# -- encodings, byte-order marks and line endings come back as they were --


def test_utf8_bom_is_stripped_remembered_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(codecs.BOM_UTF8 + "x = 'é'\r\n".encode())
    opened = read_document(path)
    assert opened.text == "x = 'é'\n"  # no U+FEFF in the editor's text
    assert (opened.bom, opened.encoding, opened.newline) == (True, "utf-8", "\r\n")
    save_document(opened, opened.text + "y = 2\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + "x = 'é'\r\ny = 2\r\n".encode()


def test_a_file_without_bom_gets_none(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\n")
    opened = read_document(path)
    assert (opened.bom, opened.encoding, opened.note) == (False, "utf-8", "")
    save_document(opened, "x = 2\n")
    assert path.read_bytes() == b"x = 2\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read_and_written_back_as_utf16(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notes.txt"
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    path.write_bytes(bom + "naïve\r\nline\r\n".encode(encoding))
    opened = read_document(path)
    assert (opened.text, opened.encoding, opened.bom, opened.newline) == ("naïve\nline\n", encoding, True, "\r\n")
    save_document(opened, "naïve\nline\nmore ☃\n")
    assert path.read_bytes() == bom + "naïve\r\nline\r\nmore ☃\r\n".encode(encoding)
    assert read_document(path).text == "naïve\nline\nmore ☃\n"


def test_bad_utf16_is_refused_with_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8" + b"c\x00")  # lone surrogate
    with pytest.raises(FileError, match=r"^bad.txt: not UTF-16 text \(byte 6\)$"):
        read_document(path)


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 au lait\n")
    with pytest.raises(FileError, match=r"^latin.txt: not UTF-8 text \(byte 3\)$"):
        read_document(path)
    bommed = tmp_path / "bommed.txt"
    bommed.write_bytes(codecs.BOM_UTF8 + b"caf\xe9\n")
    with pytest.raises(FileError, match=r"\(byte 6\)"):  # the offset is into the file, BOM included
        read_document(bommed)


@pytest.mark.parametrize(
    ("data", "newline", "saved"),
    [
        (b"a\r\nb\r\nc\n", "\r\n", b"a\r\nb\r\nc\r\nz\r\n"),
        (b"a\nb\nc\r\n", "\n", b"a\nb\nc\nz\n"),
        (b"a\r\nb\nc\r\nd\n", "\r\n", b"a\r\nb\r\nc\r\nd\r\nz\r\n"),  # a tie: the first line's ending
    ],
)
def test_mixed_line_endings_keep_the_majority_and_say_so(
    tmp_path: Path, data: bytes, newline: str, saved: bytes
) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    opened = read_document(path)
    assert opened.newline == newline
    assert opened.note.startswith("mixed line endings (")
    assert "\r" not in opened.text
    after = save_document(opened, opened.text + "z\n")
    assert path.read_bytes() == saved
    assert after.note == ""  # one kind of line ending on disk now


def test_an_applied_edit_keeps_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(codecs.BOM_UTF8 + b"x = 1\r\n")
    opened = read_document(path)
    edit = FileEdit("a.py", opened.text, "x = 2\n", opened.snapshot, opened.newline)
    apply_proposal(tmp_path, EditProposal("change x", (edit,)))
    assert path.read_bytes() == codecs.BOM_UTF8 + b"x = 2\r\n"


# -- files that cannot be edited are refused with one line --


def test_a_real_50_mb_file_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    with path.open("wb") as out:
        for _ in range(50):
            out.write(b"y" * 1024 * 1024)
    with pytest.raises(FileError) as raised:
        read_document(path)
    assert str(raised.value) == "huge.log: 52.4 MB is over the 5 MB editing limit"


def test_a_binary_file_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tool.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FileError) as raised:
        read_document(path)
    assert str(raised.value) == "tool.bin: binary file"


# -- the file changes under the editor between read and save: one line, nothing clobbered --


def test_deleted_between_read_and_save(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("one\n")
    opened = read_document(path)
    path.unlink()
    with pytest.raises(FileConflict) as raised:
        save_document(opened, "mine\n")
    assert str(raised.value) == "a.py: deleted or renamed on disk since it was opened; not saved"
    assert list(tmp_path.iterdir()) == []


def test_renamed_between_read_and_save(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("one\n")
    opened = read_document(path)
    path.rename(tmp_path / "b.py")
    with pytest.raises(FileConflict, match="deleted or renamed on disk"):
        save_document(opened, "mine\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.py"]
    assert (tmp_path / "b.py").read_text() == "one\n"


def test_made_read_only_between_read_and_save(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("one\n")
    opened = read_document(path)
    path.chmod(0o444)
    with pytest.raises(FileError) as raised:
        save_document(opened, "mine\n")
    assert str(raised.value) == "a.py: read-only on disk; not saved"
    assert path.read_text() == "one\n"
    assert path.stat().st_mode & 0o777 == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


# -- the disk is full (or the write fails) at save: the original is byte-identical, no temporary file --


def test_disk_full_at_save_leaves_the_original(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    original = codecs.BOM_UTF8 + b"x = 1\r\n" * 100
    path.write_bytes(original)
    opened = read_document(path)

    def fills_the_disk(tmp: Path) -> None:
        with tmp.open("wb") as out:
            out.write(b"x = 2\r\n" * 10)  # half of the new file reached the disk, then no space was left
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError, match="No space left on device"):
        write_atomic_with(opened.path, fills_the_disk)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]
    assert not changed_on_disk(path, opened.snapshot)  # so the next save still goes through
    save_document(opened, "x = 2\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + b"x = 2\r\n"


_SAVE_OVER_THE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from engine.files import FileError, read_document, save_document
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as a full disk would
opened = read_document(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    save_document(opened, "y = 2\\n" * 10_000)
except FileError as exc:
    print(exc)
"""


def test_a_write_that_fails_midway_through_save_document_leaves_the_original(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\n" * 100)
    done = subprocess.run(
        [sys.executable, "-c", _SAVE_OVER_THE_LIMIT, str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True,
    )
    assert done.stdout == "a.py: cannot save: File too large\n"
    assert path.read_bytes() == b"x = 1\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_a_deleted_bom_file_written_anew_keeps_its_format(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "one\r\n".encode("utf-16-le"))
    opened = read_document(path)
    path.unlink()
    gone = dataclasses.replace(opened, snapshot=None)  # what the editor keeps once the file is gone from disk
    save_document(gone, "one\ntwo\n")
    assert path.read_bytes() == codecs.BOM_UTF16_LE + "one\r\ntwo\r\n".encode("utf-16-le")


def test_a_lost_final_newline_is_restored_and_a_file_without_one_is_left_alone() -> None:
    assert missing_final_newline("a\n", "a\nb") == "\n"
    assert missing_final_newline("a\n", "a\nb\n") == ""
    assert missing_final_newline("a", "a b") == ""  # the file never had one: not ours to add
    assert missing_final_newline("a\n", "") == ""  # an emptied file stays empty
