"""Workspace files, tree-sitter symbols, the persisted index, repo map and chunk search.

context/ does file-system work only: no model, no language server, and none of our other packages.
Names below load on first use, so `import context.rules` does not pay for numpy, bm25s or tree-sitter.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "Chunk": "context.chunks",
    "DefinitionSite": "context.index",
    "WorkspaceIndex": "context.index",
    "detect_language": "context.languages",
    "RepoMap": "context.repomap",
    "RepoMapEntry": "context.repomap",
    "rank_files": "context.repomap",
    "repo_map": "context.repomap",
    "SearchHit": "context.search",
    "code_tokens": "context.search",
    "search": "context.search",
    "BufferParser": "context.symbols",
    "Definition": "context.symbols",
    "FileSymbols": "context.symbols",
    "ParsedBuffer": "context.symbols",
    "enclosing_definition": "context.symbols",
    "extract_symbols": "context.symbols",
    "outline": "context.symbols",
    "Workspace": "context.workspace",
    "WorkspaceError": "context.workspace",
    "is_secret": "context.ignore",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'context' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
