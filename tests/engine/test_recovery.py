from __future__ import annotations

from pathlib import Path

from engine.recovery import RECOVERY_DIR, RecoveryStore


def test_a_kept_buffer_is_offered_by_a_new_store(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    RecoveryStore(tmp_path).keep("a.py", "x = 2\n")
    pending = RecoveryStore(tmp_path).pending()  # a new process: nothing in memory
    assert [(b.rel_path, b.text) for b in pending] == [("a.py", "x = 2\n")]


def test_discard_forgets_the_buffer(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.keep("a.py", "typed")
    store.discard("a.py")
    assert store.pending() == []
    assert list((tmp_path / RECOVERY_DIR).glob("*.json")) == []


def test_a_buffer_equal_to_the_file_on_disk_is_not_offered(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 2\r\n")  # saved after all, with CRLF on disk
    RecoveryStore(tmp_path).keep("a.py", "x = 2\n")
    assert RecoveryStore(tmp_path).pending() == []


def test_a_new_file_never_saved_is_offered(tmp_path: Path) -> None:
    RecoveryStore(tmp_path).keep("new.py", "draft")
    assert [b.rel_path for b in RecoveryStore(tmp_path).pending()] == ["new.py"]


def test_identical_text_is_written_once(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    assert store.keep("a.py", "same")
    assert not store.keep("a.py", "same")
    assert store.keep("a.py", "changed")


def test_a_damaged_entry_is_skipped(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.keep("a.py", "good")
    (tmp_path / RECOVERY_DIR / "broken.json").write_text("{half a json")
    assert [b.text for b in RecoveryStore(tmp_path).pending()] == ["good"]


def test_newest_first(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.keep("old.py", "1")
    store.keep("new.py", "2")
    assert [b.rel_path for b in RecoveryStore(tmp_path).pending()] == ["new.py", "old.py"]
