"""The workspace watcher: real watchdog on a real temp dir, and the pure coalescing rules."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from context.watcher import FileChange, RawEvent, WatcherError, WorkspaceWatcher, coalesce

TIMEOUT_S = 15.0  # generous: the machine is shared; nothing here asserts on speed


async def collect_until(
    it: AsyncIterator[list[FileChange]], done: Callable[[list[FileChange]], bool]
) -> list[list[FileChange]]:
    batches: list[list[FileChange]] = []
    seen: list[FileChange] = []

    async def run() -> None:
        async for batch in it:
            batches.append(batch)
            seen.extend(batch)
            if done(seen):
                return

    await asyncio.wait_for(run(), TIMEOUT_S)
    return batches


def has(path: str, kind: str) -> Callable[[list[FileChange]], bool]:
    return lambda seen: any(c.rel_path == path and c.kind == kind for c in seen)


@pytest.fixture
async def watcher(tmp_path: Path) -> AsyncIterator[WorkspaceWatcher]:
    (tmp_path / "existing.txt").write_text("v0\n")
    (tmp_path / "ignored").mkdir()
    w = WorkspaceWatcher(tmp_path, should_ignore=lambda p: p == "ignored" or p.startswith("ignored/"),
                         debounce_s=0.3)
    w.start(asyncio.get_running_loop())
    yield w
    w.stop()


async def test_created_modified_deleted_moved(watcher: WorkspaceWatcher, tmp_path: Path) -> None:
    it = watcher.changes()
    (tmp_path / "new.py").write_text("x = 1\n")
    await collect_until(it, has("new.py", "created"))

    target = tmp_path / "existing.txt"
    target.write_text("v1\n")
    target.write_text("v2\n")
    batches = await collect_until(it, has("existing.txt", "modified"))
    hits = [c for c in batches[-1] if c.rel_path == "existing.txt"]
    assert hits == [FileChange("existing.txt", "modified")]  # two writes, one coalesced change

    os.rename(target, tmp_path / "renamed.txt")
    batches = await collect_until(it, has("renamed.txt", "moved"))
    moved = next(c for b in batches for c in b if c.rel_path == "renamed.txt")
    assert moved.old_rel_path == "existing.txt"

    (tmp_path / "new.py").unlink()
    await collect_until(it, has("new.py", "deleted"))


async def test_ignored_paths_are_not_reported(watcher: WorkspaceWatcher, tmp_path: Path) -> None:
    it = watcher.changes()
    (tmp_path / "ignored" / "cache.bin").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "marker.txt").write_text("m\n")
    batches = await collect_until(it, has("sub/marker.txt", "created"))
    paths = [c.rel_path for b in batches for c in b]
    assert not any(p.startswith("ignored") for p in paths)
    assert "sub" in paths  # a new folder is reported (as a directory) too
    assert next(c for b in batches for c in b if c.rel_path == "sub").is_dir


async def test_stop_ends_iteration_and_leaves_no_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    w = WorkspaceWatcher(tmp_path, debounce_s=0.05)
    w.start(asyncio.get_running_loop())
    assert len(set(threading.enumerate()) - before) >= 1
    it = w.changes()
    (tmp_path / "a.txt").write_text("a")
    await collect_until(it, has("a.txt", "created"))
    w.stop()
    w.stop()  # twice is harmless
    leftover = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert leftover == []
    rest = await asyncio.wait_for(collect_until(it, lambda _s: False), TIMEOUT_S)
    assert rest == []  # the iterator ended instead of waiting forever


async def test_start_on_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WatcherError, match="not a folder"):
        WorkspaceWatcher(tmp_path / "nope").start(asyncio.get_running_loop())


# --- pure coalescing ----------------------------------------------------------------------------------------

def fold(*events: tuple[str, str] | tuple[str, str, str]) -> list[FileChange]:
    pending: dict[str, FileChange] = {}
    for e in events:
        coalesce(pending, RawEvent(e[0], e[1], e[2] if len(e) == 3 else None, False))
    return list(pending.values())


def test_coalesce_rules() -> None:
    assert fold(("created", "a"), ("modified", "a"), ("modified", "a")) == [FileChange("a", "created")]
    assert fold(("modified", "a"), ("modified", "a")) == [FileChange("a", "modified")]
    assert fold(("created", "a"), ("deleted", "a")) == []
    assert fold(("deleted", "a"), ("created", "a")) == [FileChange("a", "modified")]
    assert fold(("modified", "a"), ("deleted", "a")) == [FileChange("a", "deleted")]
    # an editor's atomic save: write a temp file, then rename it over the target
    assert fold(("created", "a.tmp"), ("modified", "a.tmp"), ("moved", "a.tmp", "a")) == [
        FileChange("a", "created")
    ]
    assert fold(("moved", "a", "b"), ("moved", "b", "c")) == [FileChange("c", "moved", "a")]
    assert fold(("moved", "a", "b"), ("moved", "b", "a")) == [FileChange("a", "modified")]
    assert fold(("moved", "a", "b"), ("deleted", "b")) == [FileChange("a", "deleted")]
    assert fold(("moved", "a", "b"), ("modified", "b")) == [FileChange("b", "moved", "a")]
