"""`@docs:NAME` sources: a local folder, a crawled web site, or an installed Python package's API.

Each source becomes heading-sized chunks indexed with BM25 (bm25s, no stemmer). Crawled sites are cached
under `$XDG_CACHE_HOME/caret/docs/<name>/pages.json` (default ~/.cache/caret) with the crawl time, and are
re-crawled in the background only when older than the source's `max_age_s`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.atomic_write import write_atomic
from context.docs_chunking import TextChunk, chunk_document
from context.docs_crawl import CrawlReport, crawl_site, html_to_text
from context.docs_pydoc import PydocError, module_pages, workspace_site_packages

if TYPE_CHECKING:  # bm25s and numpy (~0.6 s) are imported when a docs index is built, not at launch
    import bm25s

CACHE_VERSION = 1
MAX_FOLDER_FILES = 5_000
MAX_DOC_FILE_BYTES = 2 * 1024 * 1024
FOLDER_FORMATS = {
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".rst": "rst", ".txt": "text",
    ".text": "text", ".html": "html", ".htm": "html",
}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KINDS = ("folder", "url", "python")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "how", "i", "if",
    "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "these",
    "this", "to", "was", "were", "what", "when", "where", "which", "who", "why", "will", "with", "you",
    "your", "do", "does", "can",
})


class DocsError(Exception):
    """A one-line reason a docs source cannot answer (unknown name, not crawled yet, bad folder...)."""


@dataclass(frozen=True)
class DocsSource:
    name: str
    kind: str  # "folder" | "url" | "python"
    location: str  # folder path (relative to the workspace), start URL, or module names ("requests, urllib3")
    max_pages: int = 200
    max_age_s: float = 7 * 24 * 3600.0
    timeout_s: float = 10.0
    search_paths: tuple[str, ...] = ()  # python: where to look; default the workspace venv, then sys.path

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise DocsError(f"docs source name {self.name!r}: use letters, digits, '.', '_' or '-'")
        if self.kind not in _KINDS:
            raise DocsError(f"docs source {self.name}: kind {self.kind!r} is not one of {', '.join(_KINDS)}")
        if self.kind == "url" and not self.location.startswith(("http://", "https://")):
            raise DocsError(f"docs source {self.name}: {self.location!r} is not an http(s) URL")


@dataclass(frozen=True)
class DocChunk:
    source: str  # the docs source name
    title: str  # heading path
    location: str  # file path or URL
    text: str
    line: int = 1
    score: float = 0.0


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "caret"


_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def tokenize(text: str) -> list[str]:
    """Lower-cased words; identifiers also yield their parts (`backoff_factor` -> backoff, factor)."""
    out: list[str] = []
    for word in _WORD_RE.findall(text):
        low = word.lower()
        if low not in _STOPWORDS and len(low) > 1:
            out.append(low)
        parts = [p.lower() for piece in word.split("_") for p in _CAMEL_RE.findall(piece)]
        if len(parts) > 1:
            out += [p for p in parts if len(p) > 1 and p not in _STOPWORDS]
    return out


class _Index:
    def __init__(self, chunks: list[DocChunk]) -> None:
        self.chunks = chunks
        self.retriever: bm25s.BM25 | None = None
        corpus = [tokenize(f"{c.title}\n{c.text}") for c in chunks]
        if chunks and any(corpus):
            import bm25s

            self.retriever = bm25s.BM25()
            self.retriever.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[DocChunk]:
        tokens = tokenize(query)
        if self.retriever is None or not tokens or k <= 0:
            return []
        import numpy as np  # loaded already: the retriever imported bm25s

        k = min(k, len(self.chunks))
        docs, scores = self.retriever.retrieve([tokens], k=k, show_progress=False)
        out = []
        for i, score in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True):
            if score > 0:  # bm25s pads with zero-score documents when fewer match
                c = self.chunks[int(i)]
                out.append(DocChunk(c.source, c.title, c.location, c.text, c.line, float(score)))
        return out


def _chunks_from(name: str, location: str, text: str, fmt: str, title: str) -> list[DocChunk]:
    if fmt == "html":
        page_title, text, _links, _base = html_to_text(text)
        title, fmt = page_title or title, "markdown"
    pieces: list[TextChunk] = chunk_document(text, fmt, title)
    return [DocChunk(name, p.title, location, p.text, p.line) for p in pieces]


class DocsLibrary:
    """All configured docs sources of a session. Thread-safe for search; crawls run on the event loop."""

    def __init__(self, sources: Sequence[DocsSource], cache_dir: Path | None = None,
                 root: Path | None = None) -> None:
        self._sources: dict[str, DocsSource] = {}
        for s in sources:
            if s.name in self._sources:
                raise DocsError(f"docs source {s.name} is configured twice")
            self._sources[s.name] = s
        self._cache_root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._root = Path(root) if root is not None else None
        self._indexes: dict[str, _Index] = {}
        self._problems: dict[str, list[str]] = {}
        self._crawls: dict[str, asyncio.Task[CrawlReport | None]] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        return sorted(self._sources)

    def source(self, name: str) -> DocsSource:
        try:
            return self._sources[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise DocsError(f"unknown docs source {name!r}; configured: {known}") from None

    def problems(self, name: str) -> list[str]:
        """One-line problems met while loading or crawling `name` (unreadable files, 404s...)."""
        return list(self._problems.get(name, []))

    def cache_file(self, name: str) -> Path:
        return self._cache_root / "docs" / self.source(name).name / "pages.json"

    # --- loading ---------------------------------------------------------------------------------------

    def _load_folder(self, src: DocsSource) -> list[DocChunk]:
        folder = Path(src.location).expanduser()
        if not folder.is_absolute() and self._root is not None:
            folder = self._root / folder
        if not folder.is_dir():
            raise DocsError(f"docs folder {folder} does not exist")
        chunks: list[DocChunk] = []
        problems: list[str] = []
        count = 0
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
            for fname in sorted(filenames):
                path = Path(dirpath, fname)
                fmt = FOLDER_FORMATS.get(path.suffix.lower())
                if fmt is None:
                    continue
                count += 1
                if count > MAX_FOLDER_FILES:
                    problems.append(f"{folder}: more than {MAX_FOLDER_FILES} files; the rest were skipped")
                    self._problems[src.name] = problems
                    return chunks
                rel = path.relative_to(folder).as_posix()
                try:
                    if path.stat().st_size > MAX_DOC_FILE_BYTES:
                        problems.append(f"{rel}: larger than {MAX_DOC_FILE_BYTES} bytes; skipped")
                        continue
                    data = path.read_bytes()
                except OSError as exc:
                    problems.append(f"{rel}: cannot read ({exc.strerror or exc}); skipped")
                    continue
                if b"\0" in data:
                    problems.append(f"{rel}: binary file; skipped")
                    continue
                text = data.decode("utf-8", errors="replace")
                chunks += _chunks_from(src.name, str(path), text, fmt, rel)
        self._problems[src.name] = problems
        return chunks

    def _load_python(self, src: DocsSource) -> list[DocChunk]:
        paths: list[str] | None = list(src.search_paths) or (
            workspace_site_packages(self._root) if self._root is not None else []
        ) or None
        chunks: list[DocChunk] = []
        problems: list[str] = []
        for module in (m.strip() for m in src.location.split(",")):
            if not module:
                continue
            try:
                pages, probs = module_pages(module, paths)
            except PydocError as exc:
                if len([m for m in src.location.split(",") if m.strip()]) == 1:
                    raise DocsError(str(exc)) from None
                problems.append(str(exc))
                continue
            problems += probs
            for page in pages:
                chunks += _chunks_from(src.name, page.path, page.text, "markdown", page.module)
        self._problems[src.name] = problems
        return chunks

    def _load_cached_site(self, src: DocsSource) -> list[DocChunk]:
        data = self._read_cache(src.name)
        if data is None:
            task = self._crawls.get(src.name)
            if task is not None and not task.done():
                raise DocsError(f"{src.location} is still being crawled; try again in a moment")
            raise DocsError(f"{src.location} has not been crawled yet")
        chunks: list[DocChunk] = []
        for page in data.get("pages", []):
            chunks += _chunks_from(src.name, page["url"], page["text"], "markdown", page.get("title") or "")
        self._problems[src.name] = list(data.get("errors", []))
        return chunks

    def load_chunks(self, name: str) -> list[DocChunk]:
        """Every chunk of a source (blocking: run it in a thread for big folders)."""
        return list(self._index(name).chunks)

    def _index(self, name: str) -> _Index:
        src = self.source(name)
        with self._lock:
            index = self._indexes.get(name)
            if index is None:
                loader = {"folder": self._load_folder, "url": self._load_cached_site, "python": self._load_python}
                index = _Index(loader[src.kind](src))
                self._indexes[name] = index
            return index

    def search(self, name: str, query: str, k: int = 5) -> list[DocChunk]:
        """The `k` best chunks of source `name` for `query` (BM25), best first. Raises DocsError."""
        return self._index(name).search(query, k)

    async def prepare(self, name: str) -> int:
        """Load and index a source off the event loop; returns the number of chunks."""
        return len(await asyncio.to_thread(self.load_chunks, name))

    # --- crawling ---------------------------------------------------------------------------------------

    def _read_cache(self, name: str) -> dict | None:
        try:
            data = json.loads(self.cache_file(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return None
        if data.get("url") != self.source(name).location:
            return None  # the configured URL changed: the old pages answer a different question
        return data

    def crawled_at(self, name: str) -> float | None:
        data = self._read_cache(name)
        return float(data["crawled_at"]) if data and "crawled_at" in data else None

    def is_stale(self, name: str, now: float | None = None) -> bool:
        src = self.source(name)
        if src.kind != "url":
            return False
        when = self.crawled_at(name)
        return when is None or (now if now is not None else time.time()) - when > src.max_age_s

    async def refresh(self, name: str, *, force: bool = False) -> CrawlReport | None:
        """Crawl a URL source if its cache is missing or too old (or `force`); None when nothing was done."""
        src = self.source(name)
        if src.kind != "url" or not (force or self.is_stale(name)):
            return None
        report = await crawl_site(src.location, max_pages=src.max_pages, timeout_s=src.timeout_s)
        if not report.pages:
            # Keep an older cache rather than replacing it with nothing (the site may be down).
            self._problems[name] = report.errors or [f"{src.location}: no pages could be fetched"]
            return report
        payload = {
            "version": CACHE_VERSION, "name": name, "url": src.location, "crawled_at": report.crawled_at,
            "pages": [{"url": p.url, "title": p.title, "text": p.text} for p in report.pages],
            "errors": report.errors,
        }
        await asyncio.to_thread(self._write_cache, name, payload)
        with self._lock:
            self._indexes.pop(name, None)
        return report

    def _write_cache(self, name: str, payload: dict[str, Any]) -> None:
        # Atomic: a reader (another caret) never sees a half-written cache.
        write_atomic(self.cache_file(name), json.dumps(payload).encode("utf-8"))

    def start_background(self) -> list[asyncio.Task[CrawlReport | None]]:
        """Start crawls for stale URL sources on the running loop (at most one per source)."""
        started = []
        for name, src in self._sources.items():
            running = self._crawls.get(name)
            if src.kind == "url" and (running is None or running.done()) and self.is_stale(name):
                task = asyncio.get_running_loop().create_task(self.refresh(name), name=f"docs-crawl-{name}")
                self._crawls[name] = task
                started.append(task)
        return started

    def status(self, name: str) -> str:
        """One line for the UI: what this source holds and when it was last fetched."""
        src = self.source(name)
        if src.kind != "url":
            return f"{name}: {src.kind} {src.location}"
        task = self._crawls.get(name)
        if task is not None and not task.done():
            return f"{name}: crawling {src.location}"
        when = self.crawled_at(name)
        if when is None:
            return f"{name}: {src.location} not crawled yet"
        age_h = (time.time() - when) / 3600
        return f"{name}: {src.location} crawled {age_h:.1f} h ago" + (" (stale)" if self.is_stale(name) else "")
