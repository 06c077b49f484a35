"""Watch the workspace with watchdog and hand debounced, coalesced batches of changes to asyncio.

watchdog calls back on its own thread; the only crossing into the event loop is one
`loop.call_soon_threadsafe(queue.put_nowait, event)` per raw event. A task on the loop coalesces events per
path (created+modified -> created, modified twice -> modified, created+deleted -> nothing, ...) and
flushes a batch once no event has arrived for `debounce_s` (or `max_delay_s` after the first, so a
constant stream of writes still gets reported).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

_KINDS = ("created", "modified", "deleted", "moved")


class WatcherError(Exception):
    """The watcher could not start (inotify limit reached, root missing...)."""


@dataclass(frozen=True)
class FileChange:
    rel_path: str  # workspace-relative, forward slashes; for "moved", the new path
    kind: str  # "created" | "modified" | "deleted" | "moved"
    old_rel_path: str | None = None  # "moved" only
    is_dir: bool = False


@dataclass(frozen=True)
class RawEvent:
    kind: str
    rel_path: str
    dest_rel_path: str | None
    is_dir: bool


def coalesce(pending: dict[str, FileChange], ev: RawEvent) -> None:
    """Fold one raw event into `pending` (keyed by current path, insertion-ordered). Pure."""
    prev = pending.get(ev.rel_path)
    if ev.kind == "created":
        # deleted then created again (an editor's save-by-replace) is a modification to whoever reads it
        kind = "modified" if prev is not None and prev.kind == "deleted" else "created"
        pending[ev.rel_path] = FileChange(ev.rel_path, kind, None, ev.is_dir)
    elif ev.kind == "modified":
        if prev is None or prev.kind == "deleted":
            pending[ev.rel_path] = FileChange(ev.rel_path, "modified", None, ev.is_dir)
    elif ev.kind == "deleted":
        if prev is not None and prev.kind == "created":
            del pending[ev.rel_path]  # came and went within one batch: nobody needs to know
        elif prev is not None and prev.kind == "moved" and prev.old_rel_path is not None:
            del pending[ev.rel_path]
            pending[prev.old_rel_path] = FileChange(prev.old_rel_path, "deleted", None, ev.is_dir)
        else:
            pending[ev.rel_path] = FileChange(ev.rel_path, "deleted", None, ev.is_dir)
    elif ev.kind == "moved" and ev.dest_rel_path is not None:
        dest = ev.dest_rel_path
        pending.pop(ev.rel_path, None)
        if prev is not None and prev.kind == "created":
            pending[dest] = FileChange(dest, "created", None, ev.is_dir)
        elif prev is not None and prev.kind == "moved" and prev.old_rel_path is not None:
            origin = prev.old_rel_path
            pending[dest] = (FileChange(dest, "modified", None, ev.is_dir) if origin == dest
                             else FileChange(dest, "moved", origin, ev.is_dir))
        else:
            pending[dest] = FileChange(dest, "moved", ev.rel_path, ev.is_dir)


class _Bridge(FileSystemEventHandler):
    """Runs on watchdog's thread: translate, filter, and hop onto the loop. Nothing else."""

    def __init__(self, root: str, should_ignore: Callable[[str], bool], loop: asyncio.AbstractEventLoop,
                 queue: asyncio.Queue[RawEvent]) -> None:
        self._root = root
        self._ignore = should_ignore
        self._loop = loop
        self._queue = queue

    def _rel(self, path: str | bytes) -> str | None:
        p = os.fsdecode(path)
        rel = os.path.relpath(p, self._root)
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return None
        rel = rel.replace(os.sep, "/")
        try:
            return None if self._ignore(rel) else rel
        except Exception:  # a broken ignore callable must not kill watchdog's thread
            return rel

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind not in _KINDS or (kind == "modified" and event.is_directory):
            return  # opened/closed events and directory mtime changes are noise here
        src = self._rel(event.src_path)
        dest = self._rel(event.dest_path) if kind == "moved" else None
        if kind == "moved":
            if src is None and dest is None:
                return
            if src is None:  # moved in from an ignored place: it appeared
                raw = RawEvent("created", dest or "", None, event.is_directory)
            elif dest is None:  # moved out to an ignored place: it vanished
                raw = RawEvent("deleted", src, None, event.is_directory)
            else:
                raw = RawEvent("moved", src, dest, event.is_directory)
        elif src is None:
            return
        else:
            raw = RawEvent(kind, src, None, event.is_directory)
        with contextlib.suppress(RuntimeError):  # the loop closed while watchdog was still reporting
            self._loop.call_soon_threadsafe(self._queue.put_nowait, raw)


class WorkspaceWatcher:
    """`start(loop)`, then `async for batch in watcher.changes()`, then `stop()`."""

    def __init__(self, root: Path, should_ignore: Callable[[str], bool] = lambda _p: False,
                 debounce_s: float = 0.05, max_delay_s: float | None = None) -> None:
        self.root = Path(root).resolve()
        self.should_ignore = should_ignore
        self.debounce_s = debounce_s
        self.max_delay_s = max_delay_s if max_delay_s is not None else max(1.0, debounce_s * 10)
        self._observer: BaseObserver | None = None  # Observer is the platform's subclass of BaseObserver
        self._raw: asyncio.Queue[RawEvent] | None = None
        self._batches: asyncio.Queue[list[FileChange] | None] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._observer is not None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if self._observer is not None:
            return
        if not self.root.is_dir():
            raise WatcherError(f"cannot watch {self.root}: not a folder")
        loop = loop or asyncio.get_running_loop()
        self._raw = asyncio.Queue()
        self._batches = asyncio.Queue()
        observer = Observer()
        observer.daemon = True
        observer.schedule(_Bridge(str(self.root), self.should_ignore, loop, self._raw), str(self.root),
                          recursive=True)
        try:
            observer.start()
        except OSError as exc:  # e.g. inotify watch limit reached on a huge tree
            with contextlib.suppress(Exception):
                observer.stop()
            raise WatcherError(f"cannot watch {self.root}: {exc.strerror or exc}") from exc
        self._observer = observer
        self._task = loop.create_task(self._pump(), name="workspace-watcher")

    async def _pump(self) -> None:
        assert self._raw is not None and self._batches is not None
        raw, batches = self._raw, self._batches
        loop = asyncio.get_running_loop()
        while True:
            pending: dict[str, FileChange] = {}
            coalesce(pending, await raw.get())
            first = loop.time()
            while True:
                wait = min(self.debounce_s, self.max_delay_s - (loop.time() - first))
                if wait <= 0:
                    break
                try:
                    coalesce(pending, await asyncio.wait_for(raw.get(), wait))
                except TimeoutError:
                    break
            if pending:
                batches.put_nowait(list(pending.values()))

    async def changes(self) -> AsyncIterator[list[FileChange]]:
        """Batches of changes until `stop()`."""
        if self._batches is None:
            raise WatcherError("call start() before changes()")
        batches = self._batches
        while True:
            batch = await batches.get()
            if batch is None:
                return
            yield batch

    def stop(self) -> None:
        """Stop watchdog's threads (joined here) and end `changes()`. Safe to call twice."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._batches is not None:
            self._batches.put_nowait(None)
