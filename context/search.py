"""Chunk search: BM25 (context/bm25.py: kept per file, no stemmer) over code-aware tokens, boosted by the
reference graph and recency.

Code-aware tokens: every identifier is kept whole (lower-cased) and also split at snake_case and camelCase
boundaries, so "parseConfigFile" matches a question about "config file parsing". A chunk's symbol name and
file name are added to its text (twice for the symbol) since a question names them more often than a body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from context.bm25 import IncrementalBM25
from context.chunks import Chunk
from context.graph import graph_of
from context.index import WorkspaceIndex
from context.repomap import rank_files
from context.store import FileRecord

GRAPH_WEIGHT = 0.5  # how much the focus-personalized file rank can raise a chunk's BM25 score
GLOBAL_GRAPH_WEIGHT = 0.1  # the same without any focus: plain centrality, a weak prior
RECENT_WEIGHT = 0.5  # a chunk in the most recently edited file gets up to this much more

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "has", "have",
    "if", "in", "into", "is", "it", "its", "no", "not", "of", "on", "or", "that", "the", "then", "this", "to",
    "was", "were", "will", "with",
})
_SPLIT_CACHE: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class SearchHit:
    path: str
    start_line: int
    end_line: int  # exclusive
    text: str
    score: float
    symbol: str | None


def _split_identifier(word: str) -> tuple[str, ...]:
    hit = _SPLIT_CACHE.get(word)
    if hit is not None:
        return hit
    whole = word.strip("_").lower()
    parts = [p.lower() for piece in word.split("_") if piece for p in _CAMEL.findall(piece)]
    tokens = [p for p in parts if len(p) > 1 and p not in _STOPWORDS]
    if whole and (len(parts) > 1 or not tokens) and whole not in _STOPWORDS:
        tokens.append(whole)
    result = tuple(tokens)
    if len(_SPLIT_CACHE) < 500_000:
        _SPLIT_CACHE[word] = result
    return result


def code_tokens(text: str) -> list[str]:
    """Identifiers whole and split (snake_case, camelCase), lower-cased, English stop words dropped."""
    out: list[str] = []
    for word in _IDENT.findall(text):
        out.extend(_split_identifier(word))
    return out


def _path_tokens(path: str) -> list[str]:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return code_tokens(stem)


class ChunkSearchIndex:
    """BM25 over every chunk of the index, kept in step with it file by file: after an edit only that file's
    chunks are re-tokenized and re-counted (token lists are also reused per file content hash)."""

    def __init__(self) -> None:
        self.records: dict[str, FileRecord] = {}  # the records last synced, by identity
        self.bm25 = IncrementalBM25()
        self.tokens: dict[str, tuple[str, list[list[str]]]] = {}  # path -> (content hash, token list per chunk)
        self.chunks: list[Chunk | None] = []  # per BM25 slot (None: a slot no chunk holds now)
        self.chunk_number: list[int] = []  # per slot: the chunk's position within its file
        self.path_ids: dict[str, int] = {"": 0}  # stable ids (0: no file), for per-slot file arrays
        self.slot_file = np.zeros(0, dtype=np.int64)  # per slot: its file's path id

    def sync(self, index: WorkspaceIndex) -> None:
        """Bring the search index to the index's current records."""
        records = index.records
        changed = [p for p, r in records.items() if self.records.get(p) is not r]
        removed = [p for p in self.records if p not in records]
        if not changed and not removed:
            return
        if not self.records or len(changed) + len(removed) > len(records) // 2:
            self._rebuild(index)
            return
        for path in removed:
            self._clear(path)
            self.bm25.remove(path)
            self.tokens.pop(path, None)
        for path in changed:
            self._clear(path)
            rec = records[path]
            self._place(path, index.chunks_of(path), self.bm25.replace(path, self._token_lists(index, path, rec)))
        self.records = dict(records)
        if self.bm25.needs_compaction:
            self._rebuild(index)

    def _rebuild(self, index: WorkspaceIndex) -> None:
        records = index.records
        self.tokens = {p: self.tokens[p] for p in records if p in self.tokens}
        groups = [(p, self._token_lists(index, p, rec)) for p, rec in list(records.items())]
        self.bm25 = IncrementalBM25.build(groups)
        self.chunks, self.chunk_number, self.slot_file = [], [], np.zeros(0, dtype=np.int64)
        for path in records:
            self._place(path, index.chunks_of(path), self.bm25.groups[path])
        self.records = dict(records)

    def _token_lists(self, index: WorkspaceIndex, path: str, rec: FileRecord) -> list[list[str]]:
        hit = self.tokens.get(path)
        if hit is None or hit[0] != rec.content_hash:
            path_words = _path_tokens(path)
            lists = []
            for chunk in index.chunks_of(path):  # a damaged cached record is parsed again here
                symbol_words = code_tokens(chunk.symbol.replace(".", " ")) if chunk.symbol else []
                lists.append(code_tokens(index.chunk_text(chunk)) + symbol_words * 2 + path_words)
            hit = self.tokens[path] = (rec.content_hash, lists)
        return hit[1]

    def _place(self, path: str, chunks: list[Chunk], slots: list[int]) -> None:
        size = self.bm25.slots
        if len(self.chunks) < size:
            grow = size - len(self.chunks)
            self.chunks.extend([None] * grow)
            self.chunk_number.extend([0] * grow)
            self.slot_file = np.concatenate([self.slot_file, np.zeros(grow, dtype=np.int64)])
        file_id = self.path_ids.setdefault(path, len(self.path_ids))
        for i, (chunk, slot) in enumerate(zip(chunks, slots, strict=True)):
            self.chunks[slot] = chunk
            self.chunk_number[slot] = i
            self.slot_file[slot] = file_id

    def _clear(self, path: str) -> None:
        for slot in self.bm25.groups.get(path, ()):
            self.chunks[slot] = None
            self.slot_file[slot] = 0

    def scores(self, query: str) -> np.ndarray:
        """BM25 score per slot (`self.chunks[slot]`); 0 for slots holding no chunk."""
        tokens = code_tokens(query)
        if not tokens:
            return np.zeros(self.bm25.slots)
        return self.bm25.scores(tokens)


def search_index_of(index: WorkspaceIndex) -> ChunkSearchIndex:
    """The index's chunk search, synced once per index version (only the files changed since are redone)."""
    engine: ChunkSearchIndex = index.derived.setdefault("chunk-search", (-1, ChunkSearchIndex()))[1]
    index.cached("chunk-search-synced", lambda: engine.sync(index))
    return engine


def _file_boost(index: WorkspaceIndex, engine: ChunkSearchIndex, focus: list[str], recent: list[str]) -> np.ndarray:
    """Per-slot multiplier from its file's graph rank (relative to the best file) and edit recency."""
    graph = graph_of(index)
    # Without a focus this is plain centrality, a weak prior; either way PageRank warm-starts after an edit.
    ranks = rank_files(index, focus + recent)
    rank = np.asarray([ranks.get(p, 0.0) for p in graph.files])
    weight = GRAPH_WEIGHT if focus or recent else GLOBAL_GRAPH_WEIGHT
    per_file = np.ones(len(graph.files) + 1)  # the last entry: slots of no file
    top = rank.max() if len(rank) else 0.0
    if top > 0:
        per_file[:-1] = 1 + weight * rank / top
    for i, path in enumerate(recent):
        at = graph.position.get(path)
        if at is not None:
            per_file[at] *= 1 + RECENT_WEIGHT / (1 + i)
    position = index.cached("path-id-positions", lambda: np.asarray(
        [graph.position.get(p, len(graph.files)) if p else len(graph.files) for p in engine.path_ids],
        dtype=np.int64))
    return per_file[position[engine.slot_file]]


def _best(scores: np.ndarray, k: int, engine: ChunkSearchIndex, index: WorkspaceIndex) -> list[int]:
    """The `k` best slots, best first; ties in the order of a fresh build (file order, then chunk order)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[scores[candidates] >= kth]
    order: dict[str, int] = index.cached("file-order", lambda: {p: i for i, p in enumerate(index.records)})
    chunks, number = engine.chunks, engine.chunk_number

    def key(slot: int) -> tuple[float, int, int]:
        chunk = chunks[slot]
        return (-float(scores[slot]), order.get(chunk.path, len(order)) if chunk else len(order), number[slot])

    return sorted(candidates.tolist(), key=key)[:k]


def search(
    index: WorkspaceIndex,
    query: str,
    k: int = 10,
    focus_files: Iterable[str] = (),
    recent_files: Iterable[str] = (),
    use_graph: bool = True,
) -> list[SearchHit]:
    """The `k` chunks best matching `query`, best first."""
    engine = search_index_of(index)
    scores = engine.scores(query)
    if not scores.any():
        return []
    if use_graph:
        scores = scores * _file_boost(index, engine, list(focus_files), list(recent_files))
    hits = []
    for slot in _best(scores, k, engine, index):
        chunk = engine.chunks[slot]
        if chunk is None:
            continue
        hits.append(SearchHit(chunk.path, chunk.start_line, chunk.end_line, index.chunk_text(chunk),
                              float(scores[slot]), chunk.symbol))
    return hits
