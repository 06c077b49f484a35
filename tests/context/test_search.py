"""BM25 chunk search with code-aware tokens, graph and recency boosts, over a real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.index import WorkspaceIndex
from context.search import code_tokens, search
from context.workspace import Workspace

FILES = {
    "config/loader.js": (
        "export function parseConfigFile(path) {\n  const raw = readText(path);\n  return JSON.parse(raw);\n}\n"
    ),
    "users/settings.py": (
        "def load_user_settings(user_id):\n    row = db_fetch(user_id)\n    return dict(row)\n\n"
        "def save_user_settings(user_id, values):\n    db_store(user_id, values)\n"
    ),
    "net/http.go": "package net\n\nfunc OpenConnection(host string) error { return dial(host) }\n",
    "a/cache.py": "def evict_entries(cache):\n    cache.clear()\n",
    "b/cache.py": "def evict_entries(cache):\n    cache.clear()\n\ndef cache_stats(cache):\n    return len(cache)\n",
    "b/user.py": (
        "from cache import evict_entries\n\ndef logout(cache):\n    evict_entries(cache)\n    cache_stats(cache)\n"
    ),
}


@pytest.fixture
def index(tmp_path: Path) -> WorkspaceIndex:
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return WorkspaceIndex.build(Workspace(tmp_path))


def test_code_tokens_split_and_keep_identifiers() -> None:
    tokens = code_tokens("parseConfigFile(load_user_settings, HTTPServer)")
    for token in ("parse", "config", "file", "parseconfigfile", "load", "user", "settings",
                  "load_user_settings", "http", "server", "httpserver"):
        assert token in tokens


def test_camel_case_function_found_by_split_words(index: WorkspaceIndex) -> None:
    hits = search(index, "parse config file", k=3)
    assert hits[0].path == "config/loader.js"
    assert hits[0].symbol == "parseConfigFile"
    assert hits[0].text.startswith("export function parseConfigFile")
    assert (hits[0].start_line, hits[0].end_line) == (0, 4)


def test_snake_case_function_found_by_camel_query(index: WorkspaceIndex) -> None:
    hits = search(index, "loadUserSettings", k=3)
    assert hits[0].symbol == "load_user_settings"
    assert hits[0].score >= hits[-1].score


def test_graph_focus_breaks_a_tie_between_identical_chunks(index: WorkspaceIndex) -> None:
    plain = search(index, "evict entries", k=2, use_graph=False)
    assert {h.path for h in plain} == {"a/cache.py", "b/cache.py"}
    assert plain[0].score == pytest.approx(plain[1].score)
    boosted = [h for h in search(index, "evict entries", k=5, focus_files=["b/user.py"]) if h.symbol == "evict_entries"]
    assert [h.path for h in boosted] == ["b/cache.py", "a/cache.py"]
    assert boosted[0].score > boosted[1].score


def test_recent_file_is_boosted(index: WorkspaceIndex) -> None:
    hits = search(index, "evict entries", k=2, recent_files=["a/cache.py"])
    assert hits[0].path == "a/cache.py"


def test_index_changes_reach_search(index: WorkspaceIndex) -> None:
    assert search(index, "frobnicate widget", k=3) == []
    index.update_file("a/cache.py", text="def frobnicate_widget():\n    pass\n")
    hits = search(index, "frobnicate widget", k=3)
    assert hits and hits[0].path == "a/cache.py"
