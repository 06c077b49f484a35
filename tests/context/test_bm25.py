"""IncrementalBM25: bm25s's scores, and after any sequence of replaced or removed groups the same scores as a
fresh build; chunk search after edits returns what a freshly built search returns."""

from __future__ import annotations

import random
from pathlib import Path

import bm25s
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import context.bm25
from context.bm25 import IncrementalBM25
from context.index import WorkspaceIndex
from context.search import code_tokens, search
from context.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
WORDS = ["parse", "file", "load", "config", "user", "cache", "evict", "stats", "run", "x", "http", "server"]


def _corpus() -> list[list[str]]:
    """Real code: every 30-line window of caret's own context/ package, tokenized as search tokenizes."""
    docs = []
    for path in sorted((REPO / "context").glob("*.py")):
        lines = path.read_text().split("\n")
        docs.extend(code_tokens("\n".join(lines[i : i + 30])) for i in range(0, len(lines), 30))
    return docs


def test_scores_equal_bm25s() -> None:
    docs = _corpus()
    ours = IncrementalBM25.build([("all", docs)])
    theirs = bm25s.BM25()
    theirs.index(docs, show_progress=False)
    for query in ("parse config file", "incremental graph edges weight", "chunk text lines", "self self index"):
        tokens = code_tokens(query)
        expected = np.asarray(theirs.get_scores(tokens), dtype=np.float64)
        got = ours.scores(tokens)
        assert got.any()
        np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-6)  # bm25s keeps float32


def _scores_by_doc(bm25: IncrementalBM25, tokens: list[str]) -> dict[tuple[str, int], float]:
    scores = bm25.scores(tokens)
    return {(key, i): float(scores[slot]) for key, slots in bm25.groups.items() for i, slot in enumerate(slots)}


documents = st.lists(st.lists(st.sampled_from(WORDS), max_size=12), max_size=4)
groups = st.dictionaries(st.sampled_from("abcdefg"), documents, max_size=7)
# An edit: a group and its new documents (None removes the group).
edits = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.none() | documents), min_size=1, max_size=15)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups, edits, st.booleans())
def test_incremental_equals_a_fresh_build(
    start: dict[str, list[list[str]]], changes: list[tuple[str, list[list[str]] | None]], compact: bool,
) -> None:
    current = dict(start)
    bm25 = IncrementalBM25.build(list(current.items()))
    for key, docs in changes:
        if docs is None:
            current.pop(key, None)
            bm25.remove(key)
        else:
            current[key] = docs
            bm25.replace(key, docs)
        if compact and bm25.needs_compaction:
            bm25.compact(list(current.items()))
    fresh = IncrementalBM25.build(list(current.items()))
    assert (bm25.live_docs, bm25.total_len) == (fresh.live_docs, fresh.total_len)
    for query in (["parse", "file"], ["cache", "cache", "user"], WORDS, ["unknown"]):
        assert _scores_by_doc(bm25, query) == _scores_by_doc(fresh, query)  # bitwise, not approximately


def test_compaction_keeps_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context.bm25, "COMPACT_MIN", 3)
    rng = random.Random(1)
    current = {f"g{i}": [[rng.choice(WORDS) for _ in range(6)] for _ in range(3)] for i in range(10)}
    bm25 = IncrementalBM25.build(list(current.items()))
    compacted = 0
    for _ in range(40):
        key = f"g{rng.randrange(10)}"
        current[key] = [[rng.choice(WORDS) for _ in range(rng.randrange(1, 8))] for _ in range(rng.randrange(4))]
        bm25.replace(key, current[key])
        if bm25.needs_compaction:
            bm25.compact(list(current.items()))
            compacted += 1
    assert compacted
    fresh = IncrementalBM25.build(list(current.items()))
    assert _scores_by_doc(bm25, ["parse", "user", "x"]) == _scores_by_doc(fresh, ["parse", "user", "x"])


def _write(root: Path, rng: random.Random, n: int) -> dict[str, str]:
    files = {}
    for i in range(n):
        funcs = [f"def {rng.choice(WORDS)}_{rng.choice(WORDS)}_{i}_{j}({rng.choice(WORDS)}):\n"
                 f"    return {rng.choice(WORDS)}({rng.choice(WORDS)}, {rng.choice(WORDS)})\n" for j in range(4)]
        files[f"pkg/m{i}.py"] = "\n\n".join(funcs)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return files


def test_search_after_edits_equals_a_fresh_search(tmp_path: Path) -> None:
    rng = random.Random(7)
    files = _write(tmp_path, rng, 30)
    index = WorkspaceIndex.build(Workspace(tmp_path))
    queries = ["parse config file", "load user cache", "http server run", "evict stats x"]
    search(index, queries[0])  # the search index exists before the edits
    for round_ in range(12):
        rel = rng.choice(sorted(files))
        if round_ % 5 == 4:
            (tmp_path / rel).unlink()
            index.update_file(rel)
            files.pop(rel)
        else:
            extra = f"\n\ndef {rng.choice(WORDS)}_{rng.choice(WORDS)}_edit{round_}(user):\n    return cache(user)\n"
            files[rel] = files[rel] + extra
            index.update_file(rel, text=files[rel])
        for query in queries:
            incremental = search(index, query, k=5, use_graph=False)
            boosted = search(index, query, k=5)
            kept, index.derived = index.derived, {}
            try:
                assert search(index, query, k=5, use_graph=False) == incremental
                fresh = search(index, query, k=5)
            finally:
                index.derived = kept
            assert [(h.path, h.symbol) for h in boosted] == [(h.path, h.symbol) for h in fresh]
            assert [h.score for h in boosted] == pytest.approx([h.score for h in fresh], rel=1e-9)


def test_edited_buffer_is_searched_by_its_own_text(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def first():\n    return 1\n")
    index = WorkspaceIndex.build(Workspace(tmp_path))
    assert search(index, "first") and not search(index, "zanzibar")
    index.update_file("a.py", text="def first():\n    return zanzibar_total()\n")
    hits = search(index, "zanzibar")
    assert [h.symbol for h in hits] == ["first"]
    assert "zanzibar_total" in hits[0].text
