"""Chunks of other files that look like the code before the cursor (RepoCoder-style), for ghost text's stable part.

Ghost text never waits on the index: without a built index there are no chunks; the search itself runs on the
index's worker thread, a request waits at most `wait_s` for it, and a late answer is kept for the next keystroke.
The chunks found are kept while the window's start stays and the cursor stays within REFRESH_LINES lines, so the
prompt's stable part (and the model's KV cache of it) survives typing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.privacy import withheld
from engine.project import ProjectContext
from prompts.items import ContextItem, ContextKind

if TYPE_CHECKING:  # numpy and bm25s (~0.6 s) are imported on the first retrieval, not at launch
    from context.index import WorkspaceIndex

log = logging.getLogger("caret.ghost")

QUERY_LINES = 8  # the last lines before the cursor (the cursor line included) make the query
MAX_CHUNKS = 2
CHUNK_LINES = 14  # a retrieved chunk is cut to its window of this many lines most like the query
REFRESH_LINES = 16  # the cursor moved this far from where the chunks were found: search again
# A chunk's window must hold this share of the query's distinct tokens: BM25 ranks by rare tokens, and in a big
# workspace its best hits often share one rare name and nothing else (bench/ghost_quality.py).
MIN_COVERAGE = 0.4
_COMMENT = ("#", "//", "/*", "*", "--", ";")
WAIT_S = 0.1


def retrieval_query(prefix: str) -> str:
    """The query: the last QUERY_LINES lines of the text before the cursor."""
    return "\n".join(prefix.split("\n")[-QUERY_LINES:])


def best_window(lines: list[str], query: set[str], size: int, tokens: Callable[[str], list[str]]) -> int:
    """The first line of the `size`-line window of `lines` sharing the most tokens with `query` (the first best)."""
    if len(lines) <= size:
        return 0
    per_line = [set(tokens(line)) & query for line in lines]
    best, best_score = 0, -1
    for start in range(len(lines) - size + 1):
        score = len(set().union(*per_line[start : start + size]))
        if score > best_score:
            best, best_score = start, score
    return best


def comments_only(text: str) -> bool:
    """True when every non-blank line of `text` is a comment: nothing for a completion to copy."""
    return all(line.lstrip().startswith(_COMMENT) for line in text.split("\n") if line.strip())


def coverage(text: str, query: set[str], tokens: Callable[[str], list[str]]) -> float:
    """The share of the query's distinct tokens that `text` holds."""
    return len(set(tokens(text)) & query) / len(query) if query else 0.0


def retrieve(index: WorkspaceIndex, path: str, query: str, may_send: Callable[[str], bool],
             k: int = MAX_CHUNKS) -> list[ContextItem]:
    """The `k` chunks of other files most like `query`, each cut to CHUNK_LINES lines; on the index's thread."""
    from context.search import code_tokens, search

    wanted = set(code_tokens(query))
    out: list[ContextItem] = []
    for hit in search(index, query, k=4 * k, focus_files=[path], use_graph=False):
        if hit.path == path or not may_send(hit.path):  # the file itself is in the window, as the user sees it
            continue
        lines = hit.text.split("\n")
        at = best_window(lines, wanted, CHUNK_LINES, code_tokens)
        text = "\n".join(lines[at : at + CHUNK_LINES]).rstrip()
        if comments_only(text) or coverage(text, wanted, code_tokens) < MIN_COVERAGE:
            continue  # (a blank window is both)
        if any(item.text == text for item in out):
            continue
        start = hit.start_line + at
        out.append(ContextItem(path=hit.path, text=text, kind=ContextKind.RETRIEVED,
                               range=(start, start + text.count("\n") + 1), priority=hit.score, source="bm25",
                               label=f"{hit.path}:{start + 1}" + (f" {hit.symbol}" if hit.symbol else "")))
        if len(out) >= k:
            break
    return out


@dataclass(frozen=True)
class _Kept:
    anchor: int | None
    line: int
    items: list[ContextItem]


class GhostRetriever:
    """Retrieved chunks per file, kept while the window's start stays and the cursor stays near."""

    def __init__(self, project: ProjectContext, wait_s: float | None = None) -> None:
        self._project = project
        self._wait_s = WAIT_S if wait_s is None else wait_s  # read at creation: a benchmark may raise WAIT_S
        self._kept: dict[str, _Kept] = {}
        self._pending: dict[str, asyncio.Future[list[ContextItem]]] = {}

    def _may_send(self, path: str) -> bool:
        return not withheld(self._project.workspace, path)

    async def items(self, path: str, prefix: str, anchor: int | None) -> list[ContextItem]:
        """Chunks for a cursor at the end of `prefix` in `path`; [] until the index is built."""
        index = self._project.index
        if index is None:
            return []
        line = prefix.count("\n")
        kept = self._kept.get(path)
        if kept is not None and kept.anchor == anchor and abs(kept.line - line) < REFRESH_LINES:
            return kept.items
        pending = self._pending.get(path)
        if pending is None or pending.done():
            pending = asyncio.ensure_future(self._project.run(retrieve, index, path, retrieval_query(prefix),
                                                              self._may_send))
            self._pending[path] = pending
            pending.add_done_callback(lambda f: self._keep(path, anchor, line, f))
        try:
            return list(await asyncio.wait_for(asyncio.shield(pending), self._wait_s))
        except TimeoutError:  # never wait on a busy index: what the file had, until the search is done
            return kept.items if kept is not None else []
        except Exception as exc:  # a broken index must never cost the suggestion
            log.warning("ghost-text retrieval failed: %s", exc)
            return []

    def _keep(self, path: str, anchor: int | None, line: int, done: asyncio.Future[list[ContextItem]]) -> None:
        if not done.cancelled() and done.exception() is None:  # (a failure is logged by the request that waited)
            self._kept[path] = _Kept(anchor, line, done.result())
