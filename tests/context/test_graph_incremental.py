"""The incremental reference graph equals a fresh build after any sequence of edits; the map agrees too."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from context.graph import GraphState, ReferenceGraph, graph_of
from context.index import WorkspaceIndex
from context.repomap import rank_files, repo_map
from context.store import FileRecord
from context.symbols import Definition
from context.workspace import Workspace

PATHS = ["a.py", "b.py", "pkg/__init__.py", "pkg/c.py", "pkg/d.py", "util.py", "_private.py"]
NAMES = ["run", "load", "util", "pkg", "c", "Parser", "_helper", "save", "d", "a"]
KINDS = ["function", "method", "class", "constant", "variable"]

definitions = st.lists(
    st.builds(lambda name, kind: Definition(name, kind, 1, 2, f"def {name}():"), st.sampled_from(NAMES),
              st.sampled_from(KINDS)),
    max_size=5,
)
references = st.dictionaries(
    st.builds(lambda dot, name: dot + name, st.sampled_from(["", "."]), st.sampled_from(NAMES)),
    st.integers(1, 4), max_size=6,
)
records = st.builds(lambda defs, refs: (defs, refs), definitions, references)
# An edit: a path and its new content (None removes the file).
edits = st.lists(st.tuples(st.sampled_from(PATHS), st.none() | records), min_size=1, max_size=12)


def _record(path: str, content: tuple[list[Definition], dict[str, int]]) -> FileRecord:
    defs, refs = content
    return FileRecord(path, 1, 1, "x", "python", 3, list(defs), dict(refs))


def _edges(graph: ReferenceGraph) -> Counter[tuple[str, str, str, float]]:
    """The graph as a multiset of (referencing file, defining file, identifier, weight): ids and order aside."""
    return Counter(
        (graph.files[s], graph.files[d], graph.idents[i], round(w, 9))
        for s, d, i, w in zip(graph.src.tolist(), graph.dst.tolist(), graph.ident.tolist(),
                              graph.weight.tolist(), strict=True)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(PATHS), records, max_size=len(PATHS)), edits)
def test_incremental_graph_equals_a_fresh_build(
    start: dict[str, tuple[list[Definition], dict[str, int]]],
    changes: list[tuple[str, tuple[list[Definition], dict[str, int]] | None]],
) -> None:
    current = {path: _record(path, content) for path, content in start.items()}
    state = GraphState()
    state.sync(current)
    for path, content in changes:
        current = dict(current)
        if content is None:
            current.pop(path, None)
        else:
            current[path] = _record(path, content)
        incremental = state.sync(current)
        fresh = ReferenceGraph.build(current)
        assert incremental.files == fresh.files
        assert _edges(incremental) == _edges(fresh)
        ranks_now, ranks_fresh = incremental.pagerank(), fresh.pagerank()
        assert all(abs(a - b) < 1e-9 for a, b in zip(sorted(ranks_now), sorted(ranks_fresh), strict=True))


def test_an_edit_inside_a_function_relinks_only_that_file() -> None:
    current = {
        f"m{i}.py": _record(f"m{i}.py", ([Definition(f"f{i}", "function", 1, 2, f"def f{i}():")], {f"f{i - 1}": 1}))
        for i in range(20)
    }
    state = GraphState()
    state.sync(current)
    assert state.recomputed == 20
    current["m5.py"] = _record("m5.py", ([Definition("f5", "function", 1, 2, "def f5():")], {"f4": 2, "f9": 1}))
    state.sync(current)
    assert state.recomputed == 1  # the definitions did not change: nobody else's edges can
    current["m5.py"] = _record("m5.py", ([Definition("g5", "function", 1, 2, "def g5():")], {"f4": 1}))
    state.sync(current)
    assert state.recomputed == 2  # f5 is gone: m6 (its only user) is relinked too


FILES = {
    "app.py": "from billing import charge\n\ndef checkout(cart):\n    return charge(cart.total)\n",
    "billing.py": "from ledger import record\n\ndef charge(amount):\n    record(amount)\n    return amount\n",
    "ledger.py": "def record(amount):\n    return amount\n",
    "weather.py": "def forecast(city):\n    return 0.5\n",
    "report.py": "from weather import forecast\n\ndef daily(city):\n    return forecast(city)\n",
}


def test_the_map_after_edits_matches_a_fresh_index(tmp_path: Path) -> None:
    for rel, text in FILES.items():
        (tmp_path / rel).write_text(text)
    index = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False)
    repo_map(index, ["app.py"], [], 400, lambda s: len(s.split()))  # ranks and tables to be updated
    edited = {
        "ledger.py": "def record(amount):\n    return amount\n\ndef audit(entry):\n    return forecast(entry)\n",
        "weather.py": "from ledger import record\n\ndef forecast(city):\n    return record(city)\n",
        "report.py": "from weather import forecast\n\ndef daily(city):\n    return forecast(city)\n",
    }
    for rel, text in edited.items():
        (tmp_path / rel).write_text(text)
        index.update_file(rel, text=text)
    (tmp_path / "extra.py").write_text("from ledger import audit\n\ndef nightly():\n    return audit(1)\n")
    index.update_file("extra.py")
    index.remove_file("report.py")
    (tmp_path / "report.py").unlink()
    fresh = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False)
    assert _edges(graph_of(index)) == _edges(graph_of(fresh))
    for focus in (["app.py"], ["extra.py"], []):
        again = repo_map(index, focus, [], 400, lambda s: len(s.split()))
        new = repo_map(fresh, focus, [], 400, lambda s: len(s.split()))
        assert [(e.path, e.name) for e in again.entries[:5]] == [(e.path, e.name) for e in new.entries[:5]]
        assert again.text == new.text
    ranks, fresh_ranks = rank_files(index, ["app.py"]), rank_files(fresh, ["app.py"])
    assert ranks.keys() == fresh_ranks.keys()
    assert all(abs(ranks[p] - fresh_ranks[p]) < 1e-6 for p in ranks)


def test_definitions_by_name_follow_edits_without_a_rebuild(tmp_path: Path) -> None:
    for rel, text in FILES.items():
        (tmp_path / rel).write_text(text)
    index = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False)
    assert [s.path for s in index.definitions("record")] == ["ledger.py"]
    index.update_file("weather.py", text="def record(x):\n    return x\n\ndef forecast(city):\n    return 1\n")
    index.update_file("ledger.py", text="def entry(amount):\n    return amount\n")
    assert [s.path for s in index.definitions("record")] == ["weather.py"]
    assert [s.path for s in index.definitions("entry")] == ["ledger.py"]
    index.update_file("ledger.py", text="def record(amount):\n    return amount\n")
    fresh = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False)
    for path, text in (("weather.py", "def record(x):\n    return x\n\ndef forecast(city):\n    return 1\n"),
                       ("ledger.py", "def record(amount):\n    return amount\n")):
        (tmp_path / path).write_text(text)
        fresh.update_file(path)
    for name in ("record", "entry", "forecast", "charge", "daily"):
        assert index.definitions(name) == fresh.definitions(name)
    index.remove_file("weather.py")
    assert [s.path for s in index.definitions("record")] == ["ledger.py"]
    assert index.definitions("forecast") == []
