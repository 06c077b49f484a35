"""The workspace as context: its files, index, rules and docs, kept current as files change.

The index is not thread-safe, and its work is slow (the first build, BM25 and the reference graph after a
change), so all of it runs on one worker thread owned here, never on the event loop: `run()` queues a function
there. Callers that cannot wait (ghost text) never touch the index. Unsaved buffer edits are only recorded per
keystroke and re-indexed when a chat or an edit next needs the index.

What happens in the background (index progress, docs crawls, changes on disk) is published as engine events.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from context.docs import DocsLibrary, DocsSource
from context.docs_crawl import CrawlReport
from context.index import WorkspaceIndex
from context.mentions import SymbolHit
from context.rules import RuleSet, load_rules
from context.watcher import FileChange, WorkspaceWatcher
from context.workspace import Workspace
from engine.events import DocsCrawled, DocsCrawling, DocsFailed, Event, FileChangedOnDisk, IndexProgress, IndexReady

log = logging.getLogger("caret.project")
Progress = Callable[[int, int], None]
T = TypeVar("T")

_RULE_FILES = ("AGENTS.md", ".cursorrules")
_RULE_DIRS = (".caret/rules/", ".cursor/rules/")


def is_rule_file(rel_path: str) -> bool:
    """True for files that hold project rules: a change to one reloads the rules."""
    return rel_path.endswith(_RULE_FILES) or rel_path.startswith(_RULE_DIRS)


@dataclass(frozen=True)
class IndexSummary:
    """What the index holds, for `caret index` and status lines; `errors` are (path, reason) of skipped files."""

    files: int
    parsed: int
    definitions: int
    chunks: int
    errors: tuple[tuple[str, str], ...] = ()

    @property
    def from_cache(self) -> int:
        """Files taken from the cache unparsed."""
        return self.files - self.parsed


def summarize(index: WorkspaceIndex) -> IndexSummary:
    """The summary of `index`; on its worker thread or when nothing else uses it."""
    records = list(index.records.values())
    return IndexSummary(
        files=len(records),
        parsed=index.files_parsed,
        definitions=sum(len(r.definitions) for r in records),
        chunks=index.chunk_count,
        errors=tuple(index.errors.items()),
    )


def _progress_events(publish: Callable[[Event], None]) -> Progress:
    """IndexProgress at most once per percent: a progress callback runs per batch of files."""
    last = -1

    def report(done: int, total: int) -> None:
        nonlocal last
        percent = done * 100 // total if total else 100
        if percent != last:
            last = percent
            publish(IndexProgress(done, total))

    return report


class ProjectContext:
    """One workspace's files, index, rules and docs."""

    def __init__(
        self, root: Path, docs_sources: list[DocsSource] | None = None, publish: Callable[[Event], None] | None = None
    ) -> None:
        self.workspace = Workspace(root)
        self.root = self.workspace.root
        self.index: WorkspaceIndex | None = None
        self.docs = DocsLibrary(docs_sources or [], root=self.root)
        self._rules: RuleSet | None = None
        self._building: asyncio.Task[WorkspaceIndex] | None = None
        self._watcher: WorkspaceWatcher | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self.recent_files: list[str] = []  # most recently changed first, for retrieval boosts
        self._publish: Callable[[Event], None] = publish or (lambda event: None)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caret-index")
        self._pending_buffers: dict[str, str] = {}
        self._crawls: dict[str, asyncio.Task[CrawlReport | None]] = {}  # docs source name -> its latest crawl

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the index's worker thread, after the index work queued before it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(fn, *args))

    # -- rules --
    async def ready_rules(self) -> RuleSet:
        """The project rules; loading walks the tree for AGENTS.md files, so it runs off the event loop (and
        not behind the index build: ghost text asks for rules on the first keystroke)."""
        if self._rules is None:
            self._rules = await asyncio.to_thread(load_rules, self.root)
        return self._rules

    # -- index --
    def build_index(self, progress: Progress | None = None, use_cache: bool = True) -> WorkspaceIndex:
        """Build (or load from .caret/index) synchronously; for the CLI and worker threads. Publishes
        IndexProgress while it builds and IndexReady at the end."""
        events = _progress_events(self._publish)

        def report(done: int, total: int) -> None:
            events(done, total)
            if progress is not None:
                progress(done, total)

        self.index = WorkspaceIndex.build(self.workspace, progress=report, use_cache=use_cache)
        summary = summarize(self.index)
        self._publish(IndexReady(summary.files, summary.definitions))
        return self.index

    def start_index(self) -> asyncio.Task[WorkspaceIndex]:
        """Build the index on the worker thread (it fans out to processes); the loop keeps running."""
        if self._building is None:
            self._building = asyncio.create_task(self.run(self.build_index))
        return self._building

    async def ready_index(self, wait_s: float | None = None) -> WorkspaceIndex | None:
        """The index, waiting at most `wait_s` for a build in progress (None: wait for it)."""
        if self.index is not None:
            return self.index
        task = self.start_index()
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait_s)
        except TimeoutError:
            return None

    def find_symbol(self, name: str) -> list[SymbolHit]:
        """Where `name` is defined, from the index (none before it is built)."""
        if self.index is None:
            return []
        hits = []
        for site in self.index.definitions(name):
            d = site.definition
            hits.append(SymbolHit(d.name, site.path, d.start_line + 1, d.end_line, d.kind))
        return hits

    def files(self) -> list[str]:
        """Workspace-relative paths of the files caret may read (ignore rules and secrets applied)."""
        if self.index is not None:
            return sorted(list(self.index.records))  # list() copies the keys in one step, safe beside the worker
        return list(self.workspace.files(check_content=False))

    # -- changes --
    async def apply_change(self, change: FileChange) -> None:
        """Bring index and rules up to date with one change on disk, then publish it."""
        await self.run(self._apply_to_index, change)
        rel = change.rel_path
        if is_rule_file(rel) or (change.old_rel_path and is_rule_file(change.old_rel_path)):
            self._rules = None
        if rel in self.recent_files:
            self.recent_files.remove(rel)
        self.recent_files.insert(0, rel)
        del self.recent_files[20:]
        if not change.is_dir:
            self._publish(FileChangedOnDisk(rel, change.kind, change.old_rel_path))

    def _apply_to_index(self, change: FileChange) -> None:
        rel = change.rel_path
        if self.index is not None and not change.is_dir:
            if change.kind == "deleted":
                self.index.remove_file(rel)
            elif change.kind == "moved":
                if change.old_rel_path:
                    self.index.remove_file(change.old_rel_path)
                self._update(rel)
            else:
                self._update(rel)

    def _update(self, rel: str) -> None:
        assert self.index is not None
        if self.workspace.should_ignore(rel):
            return
        try:
            self.index.update_file(rel)
        except Exception as exc:  # a half-written file must never take the watcher down
            log.warning("re-index of %s failed: %s", rel, exc)

    def note_buffer_edit(self, rel: str, text: str) -> None:
        """An unsaved edit in the editor: remembered only (this runs per keystroke); `flush_buffers` indexes it
        before the next chat or edit, so their context follows what the user sees."""
        self._pending_buffers[rel] = text

    async def flush_buffers(self) -> None:
        """Index the unsaved buffers recorded since the last flush (on the worker thread)."""
        if self._pending_buffers and self.index is not None:
            pending, self._pending_buffers = self._pending_buffers, {}  # taken on the loop, where edits arrive
            await self.run(self._index_buffers, pending)

    def _index_buffers(self, pending: dict[str, str]) -> None:
        if self.index is None:
            return
        for rel, text in pending.items():
            try:
                self.index.update_file(rel, text)
            except Exception as exc:  # a half-written buffer must never break a chat
                log.warning("re-index of buffer %s failed: %s", rel, exc)

    # -- background work --
    def start_docs_crawls(self) -> None:
        """Crawl stale `[docs.NAME]` sites in the background; each ends in DocsCrawled or DocsFailed."""
        for task in self.docs.start_background():
            self._crawls[task.get_name().removeprefix("docs-crawl-")] = task
            self._publish(DocsCrawling(task.get_name().removeprefix("docs-crawl-")))
            task.add_done_callback(self._crawl_done)

    def never_crawled(self, name: str) -> bool:
        """True for a configured `[docs.NAME] url` source with no crawled pages yet."""
        if name not in self.docs.names() or self.docs.source(name).kind != "url":
            return False
        return self.docs.crawled_at(name) is None

    async def crawl_now(self, name: str) -> CrawlReport | None:
        """Crawl docs source `name` and wait for it (joining a crawl already running); ends in DocsCrawled or
        DocsFailed like a background crawl. For a question that names a source no crawl has fetched yet."""
        task = self._crawls.get(name)
        if task is None or task.done():
            task = asyncio.create_task(self.docs.refresh(name), name=f"docs-crawl-{name}")
            self._crawls[name] = task
            self._publish(DocsCrawling(name))
            task.add_done_callback(self._crawl_done)
        try:
            return await asyncio.shield(task)
        except Exception:  # the done callback publishes it as DocsFailed
            return None

    def _crawl_done(self, task: asyncio.Task[CrawlReport | None]) -> None:
        name = task.get_name().removeprefix("docs-crawl-")  # DocsLibrary names its crawl tasks so
        if task.cancelled():
            return
        error = task.exception()
        report = task.result() if error is None else None
        if error is not None:
            self._publish(DocsFailed(name, str(error).split("\n", 1)[0] or type(error).__name__))
        elif report is not None and report.pages:
            self._publish(DocsCrawled(name, len(report.pages)))
        elif report is not None:
            self._publish(DocsFailed(name, (report.errors or ["no pages could be fetched"])[0]))

    def start_watching(self) -> None:
        """Watch the workspace for changes on disk; raises WatcherError (no inotify watches left...) when it cannot."""
        if self._watcher is not None:
            return
        loop = asyncio.get_running_loop()
        self._watcher = WorkspaceWatcher(self.root, self.workspace.should_ignore)
        self._watcher.start(loop)
        self._watch_task = asyncio.create_task(self._consume())

    async def _consume(self) -> None:
        assert self._watcher is not None
        async for batch in self._watcher.changes():
            for change in batch:
                await self.apply_change(change)

    async def aclose(self) -> None:
        """Stop the watcher and any build, save the index, and end the worker thread."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        building = self._building is not None and not self._building.done()
        for task in (self._watch_task, self._building):
            if task is not None and not task.done():
                task.cancel()
        if self.index is not None and not building:
            try:
                await self.run(self.index.save)
            except OSError as exc:
                log.warning("could not save the index: %s", exc)
        self._worker.shutdown(wait=False, cancel_futures=True)
