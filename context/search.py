"""Chunk search: BM25 (bm25s, no stemmer) over code-aware tokens, boosted by the reference graph and recency.

Code-aware tokens: every identifier is kept whole (lower-cased) and also split at snake_case and camelCase
boundaries, so "parseConfigFile" matches a question about "config file parsing". A chunk's symbol name and
file name are added to its text (twice for the symbol) since a question names them more often than a body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import bm25s
import numpy as np

from context.chunks import Chunk
from context.graph import graph_of
from context.index import WorkspaceIndex
from context.repomap import rank_files

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
    """BM25 over every chunk of an index version; token lists are reused per file content hash."""

    def __init__(self, index: WorkspaceIndex, token_cache: dict[str, tuple[str, list[list[str]]]]) -> None:
        self.chunks: list[Chunk] = []
        corpus: list[list[str]] = []
        for path, rec in index.records.items():
            hit = token_cache.get(path)
            if hit is None or hit[0] != rec.content_hash:
                path_words = _path_tokens(path)
                lists = []
                for chunk in rec.chunks:
                    symbol_words = code_tokens(chunk.symbol.replace(".", " ")) if chunk.symbol else []
                    lists.append(code_tokens(index.chunk_text(chunk)) + symbol_words * 2 + path_words)
                hit = token_cache[path] = (rec.content_hash, lists)
            self.chunks.extend(rec.chunks)
            corpus.extend(hit[1])
        self.file_of_chunk = [c.path for c in self.chunks]
        self.retriever = bm25s.BM25()
        if corpus:
            self.retriever.index(corpus, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        tokens = code_tokens(query)
        if not self.chunks or not tokens:
            return np.zeros(len(self.chunks))
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float64)


def search_index_of(index: WorkspaceIndex) -> ChunkSearchIndex:
    token_cache = index.derived.setdefault("chunk-tokens", (-1, {}))[1]
    built: ChunkSearchIndex = index.cached("bm25", lambda: ChunkSearchIndex(index, token_cache))
    return built


def _file_boost(index: WorkspaceIndex, engine: ChunkSearchIndex, focus: list[str], recent: list[str]) -> np.ndarray:
    """Per-chunk multiplier from its file's graph rank (relative to the best file) and edit recency."""
    graph = graph_of(index)
    if focus or recent:
        ranks = rank_files(index, focus + recent)
        rank = np.asarray([ranks.get(p, 0.0) for p in graph.files])
        weight = GRAPH_WEIGHT
    else:  # no focus: plain centrality, computed once per index version
        rank = index.cached("global-rank", lambda: graph.pagerank())
        weight = GLOBAL_GRAPH_WEIGHT
    per_file = np.ones(len(graph.files))
    top = rank.max() if len(rank) else 0.0
    if top > 0:
        per_file = 1 + weight * rank / top
    for i, path in enumerate(recent):
        at = graph.position.get(path)
        if at is not None:
            per_file[at] *= 1 + RECENT_WEIGHT / (1 + i)
    chunk_files = index.cached(
        "chunk-files", lambda: np.asarray([graph.position[p] for p in engine.file_of_chunk], dtype=np.int64)
    )
    return per_file[chunk_files] if len(chunk_files) else np.ones(0)


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
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    hits = []
    for i in order:
        chunk = engine.chunks[int(i)]
        hits.append(SearchHit(chunk.path, chunk.start_line, chunk.end_line, index.chunk_text(chunk),
                              float(scores[i]), chunk.symbol))
    return hits
