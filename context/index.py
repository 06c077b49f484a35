"""WorkspaceIndex: per-file symbols, references and chunks for a whole workspace, cached on disk.

A cold build parses in worker processes (chunked batches); a warm build reuses every cached row whose file
has the same size and mtime (or, failing that, the same content hash).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from common.priority import lower_priority
from context.chunks import Chunk, chunk_text, cut_chunks
from context.gcpause import gc_paused
from context.languages import detect_language, has_grammar
from context.store import FileRecord, IndexStore
from context.symbols import Definition, extract_symbols
from context.workspace import Workspace, WorkspaceError, decode_text

Progress = Callable[[int, int], None]

BATCH_FILES = 64  # at most this many files per worker task (amortises the round trip)
BATCHES_PER_WORKER = 12  # tasks per worker by bytes: small enough to balance the tail
PARALLEL_MIN_FILES = 64  # below this a pool costs more than it saves
UNCHANGED = "__unchanged__"  # a worker's answer when the content hash matches the cached row


@dataclass(frozen=True, slots=True)
class DefinitionSite:
    path: str
    definition: Definition


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def analyze_source(path: str, data: bytes, size: int, mtime_ns: int, digest: str | None = None) -> FileRecord:
    """Parse one file's bytes into a FileRecord; failures become a record with `error` set."""
    record = FileRecord(path, size, mtime_ns, digest or content_hash(data))
    try:
        text = decode_text(data, path)
    except WorkspaceError as exc:
        record.error = str(exc)
        return record
    lines = text.split("\n")
    record.line_count = len(lines)
    language = record.language = detect_language(path, lines[0] if lines else None)
    try:
        if language is not None and has_grammar(language):
            src = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # the bytes of `text` (UTF-8)
            symbols = extract_symbols(src, language)
            record.definitions = symbols.definitions
            record.references = symbols.references
            record.chunks = cut_chunks(path, lines, record.definitions)
        else:
            record.chunks = cut_chunks(path, lines, None)
    except Exception as exc:  # a grammar bug must not end the build; the file is skipped with the reason
        record.definitions, record.references, record.chunks = [], {}, []
        record.error = f"parse failed: {type(exc).__name__}: {exc}".split("\n", 1)[0]
    return record


def _analyze_batch(root: str, max_bytes: int, jobs: list[tuple[str, str | None]]) -> list[FileRecord | None]:
    """Worker: read and parse each (path, cached hash); None when the content matches the cached hash."""
    results: list[FileRecord | None] = []
    for rel, cached_hash in jobs:
        full = os.path.join(root, rel)
        try:
            st = os.stat(full)
            if st.st_size > max_bytes:
                results.append(FileRecord(rel, st.st_size, st.st_mtime_ns, "", error=f"file too large: {rel}"))
                continue
            with open(full, "rb") as f:
                data = f.read()
        except OSError as exc:
            results.append(FileRecord(rel, 0, 0, "", error=f"cannot read {rel}: {exc.strerror or exc}"))
            continue
        digest = content_hash(data)
        if digest == cached_hash:
            results.append(FileRecord(rel, st.st_size, st.st_mtime_ns, digest, error=UNCHANGED))
            continue
        results.append(analyze_source(rel, data, st.st_size, st.st_mtime_ns, digest))
    return results


def _balanced_batches(
    jobs: list[tuple[str, str | None]], sizes: dict[str, int], workers: int,
) -> list[list[tuple[str, str | None]]]:
    """Largest files first, in batches of about equal bytes, so no worker is left with a long tail."""
    ordered = sorted(jobs, key=lambda job: -sizes.get(job[0], 0))
    target = max(sum(sizes.values()) // (workers * BATCHES_PER_WORKER), 1)
    batches: list[list[tuple[str, str | None]]] = []
    current: list[tuple[str, str | None]] = []
    weight = 0
    for job in ordered:
        current.append(job)
        weight += sizes.get(job[0], 0)
        if weight >= target or len(current) >= BATCH_FILES:
            batches.append(current)
            current, weight = [], 0
    if current:
        batches.append(current)
    return batches


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork when this process runs one thread (cheap, and no main-module re-import); otherwise forkserver,
    since forking a process that runs threads (Textual, pygls, an executor) can deadlock the child."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _analyze_batch_rows(
    root: str, max_bytes: int, jobs: list[tuple[str, str | None]],
) -> list[tuple[str, int, int, str, str]]:
    """Worker side of a parallel build: rows as the store keeps them (the JSON payload pickles faster than
    the objects, and the main process saves it as it is)."""
    rows = []
    for rec in _analyze_batch(root, max_bytes, jobs):
        if rec is not None:
            payload = "" if rec.error == UNCHANGED else rec.payload()
            rows.append((rec.path, rec.size, rec.mtime_ns, rec.content_hash, payload))
    return rows


def _record_from_row(row: tuple[str, int, int, str, str]) -> FileRecord:
    path, size, mtime_ns, digest, payload = row
    if not payload:
        return FileRecord(path, size, mtime_ns, digest, error=UNCHANGED)
    return FileRecord.from_row(path, size, mtime_ns, digest, payload)


class WorkspaceIndex:
    """Symbols, references and chunks of every indexable file of a workspace.

    Not thread-safe: the engine calls it from one worker thread at a time (builds and searches are
    blocking work that belongs off the event loop anyway).
    """

    def __init__(self, workspace: Workspace, records: dict[str, FileRecord], store: IndexStore) -> None:
        self.workspace = workspace
        self.records = records
        self.store = store
        self.files_parsed = 0  # how many files this index parsed (not read from the cache)
        self.save_error: str | None = None
        self.version = 0  # bumped on every change; derived structures (graph, BM25) key on it
        self._dirty: set[str] = set()
        self._removed: set[str] = set()
        self._by_name: dict[str, list[DefinitionSite]] | None = None
        self._unordered: set[str] = set()  # names whose sites were patched after an edit: not yet in walk order
        self._lines: dict[str, tuple[str, list[str]]] = {}
        self.derived: dict[str, tuple[int, Any]] = {}  # name -> (version, value): graph, search index

    # -- building -----------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls, workspace: Workspace, progress: Progress | None = None, use_cache: bool = True,
        workers: int | None = None,
    ) -> WorkspaceIndex:
        with gc_paused():
            return cls._build(workspace, progress, use_cache, workers)

    @classmethod
    def _build(
        cls, workspace: Workspace, progress: Progress | None, use_cache: bool, workers: int | None,
    ) -> WorkspaceIndex:
        store = IndexStore(workspace.root)
        cached = store.load() if use_cache else {}
        paths = list(workspace.files())
        records: dict[str, FileRecord] = {}
        jobs: list[tuple[str, str | None]] = []
        sizes: dict[str, int] = {}
        for rel in paths:
            old = cached.get(rel)
            try:
                st = os.stat(os.path.join(workspace.root, rel))
            except OSError:
                continue
            if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
                records[rel] = old
            else:
                jobs.append((rel, old.content_hash if old is not None else None))
                sizes[rel] = st.st_size
        index = cls(workspace, records, store)
        total = len(records) + len(jobs)
        if progress is not None:
            progress(len(records), total)
        for batch in index._parse(jobs, sizes, workers):
            for rec in batch:
                if rec is None:
                    continue
                if rec.error == UNCHANGED:
                    kept = cached[rec.path]
                    kept.size, kept.mtime_ns = rec.size, rec.mtime_ns
                    records[rec.path] = kept
                else:
                    records[rec.path] = rec
                    index.files_parsed += 1
                index._dirty.add(rec.path)
            if progress is not None:
                progress(len(records), total)
        index.records = {p: records[p] for p in paths if p in records}  # walk order, whatever finished first
        index._removed = set(cached) - set(records)
        if index._dirty or index._removed:
            index.save()
        return index

    def _parse(
        self, jobs: list[tuple[str, str | None]], sizes: dict[str, int], workers: int | None,
    ) -> Iterable[list[FileRecord | None]]:
        root, max_bytes = str(self.workspace.root), self.workspace.max_file_bytes
        workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
        if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
            for i in range(0, len(jobs), BATCH_FILES):
                yield _analyze_batch(root, max_bytes, jobs[i : i + BATCH_FILES])
            return
        with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=lower_priority) as pool:
            futures = [pool.submit(_analyze_batch_rows, root, max_bytes, batch)
                       for batch in _balanced_batches(jobs, sizes, workers)]
            for future in as_completed(futures):
                yield [_record_from_row(row) for row in future.result()]

    # -- queries ------------------------------------------------------------------------------------------
    @property
    def errors(self) -> dict[str, str]:
        """Files skipped, with the one-line reason."""
        return {p: r.error for p, r in self.records.items() if r.error}

    def definitions(self, name: str) -> list[DefinitionSite]:
        if self._by_name is None:
            by_name: dict[str, list[DefinitionSite]] = {}
            for path, rec in self.records.items():
                for d in rec.definitions:
                    by_name.setdefault(d.name, []).append(DefinitionSite(path, d))
            self._by_name, self._unordered = by_name, set()
        sites = self._by_name.get(name, [])
        if name in self._unordered:
            self._unordered.discard(name)
            order = self.cached("file-order", lambda: {p: i for i, p in enumerate(self.records)})
            sites.sort(key=lambda site: order.get(site.path, len(order)))  # stable: file order kept within a file
        return list(sites)

    def _patch_names(self, rel: str, old: FileRecord | None, new: FileRecord | None) -> None:
        """Update the name table for one file's change (rebuilding it costs ~0.2 s on the standard library)."""
        by_name = self._by_name
        if by_name is None:
            return
        names = {d.name for d in old.definitions} if old is not None else set()
        for name in names:
            kept = [site for site in by_name.get(name, ()) if site.path != rel]
            if kept:
                by_name[name] = kept
            else:
                by_name.pop(name, None)
        for d in new.definitions if new is not None else ():
            by_name.setdefault(d.name, []).append(DefinitionSite(rel, d))
            self._unordered.add(d.name)

    def symbols_in(self, rel_path: str) -> list[Definition]:
        rec = self.records.get(rel_path)
        return list(rec.definitions) if rec is not None else []

    @property
    def chunks(self) -> list[Chunk]:
        return [c for path in list(self.records) for c in self.chunks_of(path)]

    @property
    def chunk_count(self) -> int:
        """How many chunks the index holds, without decoding them (`chunks` decodes every file's)."""
        return sum(rec.chunk_count for rec in self.records.values())

    def chunks_of(self, rel_path: str) -> list[Chunk]:
        """One file's chunks; a cached record whose chunk rows turn out damaged is parsed again."""
        rec = self.records.get(rel_path)
        if rec is None:
            return []
        try:
            return rec.chunks
        except (TypeError, ValueError):
            fresh = self.update_file(rel_path)
            return fresh.chunks if fresh is not None else []

    def file_lines(self, rel_path: str) -> list[str]:
        """The indexed file's lines (read from disk once per content hash)."""
        rec = self.records.get(rel_path)
        if rec is None:
            return []
        hit = self._lines.get(rel_path)
        if hit is not None and hit[0] == rec.content_hash:
            return hit[1]
        try:
            lines = self.workspace.read_text(rel_path).split("\n")
        except WorkspaceError:
            lines = []
        self._lines[rel_path] = (rec.content_hash, lines)
        return lines

    def chunk_text(self, chunk: Chunk) -> str:
        rec = self.records.get(chunk.path)
        return chunk_text(chunk, self.file_lines(chunk.path), rec.definitions if rec else [])

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """A structure derived from the index, rebuilt only after the index changed."""
        hit = self.derived.get(name)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        value = build()
        self.derived[name] = (self.version, value)
        return value

    # -- changes ------------------------------------------------------------------------------------------
    def update_file(self, rel_path: str, text: str | None = None) -> FileRecord | None:
        """Re-index one file from disk (saved) or from `text` (an edited buffer); None if it is not indexable."""
        rel = self.workspace.relative(rel_path)
        if self.workspace.should_ignore(rel):
            self.remove_file(rel)
            return None
        full = self.workspace.root / rel
        try:
            st = full.stat()
            data = text.encode("utf-8") if text is not None else self.workspace.read_bytes(rel)
        except (OSError, WorkspaceError):
            if text is None:
                self.remove_file(rel)
                return None
            st = None
        size = st.st_size if st is not None else len(data)
        mtime = st.st_mtime_ns if st is not None and text is None else 0  # buffer text: not the disk state
        rec = analyze_source(rel, data, size, mtime)
        self._patch_names(rel, self.records.get(rel), rec)
        self.records[rel] = rec
        self.files_parsed += 1
        self._changed(rel)
        if text is not None and rec.error is None:  # chunk texts (search, prompts) come from the buffer
            self._lines[rel] = (rec.content_hash, text.removeprefix("\ufeff").split("\n"))
        return rec

    def remove_file(self, rel_path: str) -> None:
        rel = rel_path.replace(os.sep, "/").strip("/")
        old = self.records.pop(rel, None)
        if old is not None:
            self._patch_names(rel, old, None)
            self._changed(rel)
            self._removed.add(rel)

    def _changed(self, rel: str) -> None:
        self.version += 1
        self._dirty.add(rel)
        self._lines.pop(rel, None)

    def save(self) -> bool:
        """Write changed rows to `<root>/.caret/index/`. A cache that cannot be written (read-only folder,
        locked by another process) is not an error for the index: False, with `save_error` saying why."""
        dirty = [self.records[p] for p in self._dirty if p in self.records]
        try:
            self.store.save(dirty, [p for p in self._removed if p not in self.records])
        except (sqlite3.Error, OSError) as exc:
            self.save_error = f"cannot write the index cache {self.store.path}: {exc}".split("\n", 1)[0]
            return False
        self.save_error = None
        self._dirty.clear()
        self._removed.clear()
        return True
