"""Repo map: the files and signatures most related to what the user is working on, fitted to a token budget.

Rank = personalized PageRank over the reference graph, restarting at the focus files and at the files that
define identifiers the user mentioned; each definition is then scored by the rank flowing into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from context.graph import ReferenceGraph, graph_of
from context.index import WorkspaceIndex
from context.symbols import Definition

_MAP_KINDS = frozenset({
    "function", "method", "class", "interface", "struct", "enum", "trait", "type", "module", "macro",
    "constant",
})
MENTION_BOOST = 10.0
FOCUSED_DAMPING = 0.5
MAX_MISSES = 200  # stop the greedy fill after this many entries in a row that did not fit


@dataclass(frozen=True, slots=True)
class RepoMapEntry:
    path: str
    name: str
    kind: str
    start_line: int
    signature: str
    score: float


@dataclass(slots=True)
class RepoMap:
    text: str
    entries: list[RepoMapEntry] = field(default_factory=list)
    tokens: int = 0

    @property
    def files(self) -> list[str]:
        """Files in the order the map shows them (most related first)."""
        seen: dict[str, None] = {}
        for e in self.entries:
            seen.setdefault(e.path)
        return list(seen)


def _personalized(
    index: WorkspaceIndex, focus: Iterable[str], mentioned: set[str],
) -> tuple[ReferenceGraph, np.ndarray, np.ndarray | None]:
    graph = graph_of(index)
    weights: dict[str, float] = dict.fromkeys(focus, 1.0)
    for name in mentioned:
        for site in index.definitions(name):
            weights[site.path] = weights.get(site.path, 0.0) + 0.5
    scale = graph.ident_scale(mentioned, MENTION_BOOST)
    personal = graph.personalization(weights)
    # With a focus, restart often so the rank stays near it instead of pooling in hub files (abc, typing).
    damping = FOCUSED_DAMPING if personal is not None else 0.85
    return graph, graph.pagerank(personal, damping=damping, edge_scale=scale), scale


def rank_files(
    index: WorkspaceIndex, focus_files: Iterable[str] = (), mentioned_identifiers: Iterable[str] = (),
) -> dict[str, float]:
    """PageRank of every file, personalized to the focus files and the definers of mentioned identifiers."""
    graph, rank, _ = _personalized(index, focus_files, set(mentioned_identifiers))
    return {path: float(rank[i]) for i, path in enumerate(graph.files)}


@dataclass(slots=True)
class _DefinitionTable:
    """Every mappable definition in path/line order, with its file and (file, identifier) key as arrays."""

    sites: list[tuple[str, Definition]]
    file_index: np.ndarray
    keys: np.ndarray  # file * key_width + ident, -1 when the name links nothing
    by_name: dict[str, list[int]]


def _definition_table(index: WorkspaceIndex, graph: ReferenceGraph) -> _DefinitionTable:
    def build() -> _DefinitionTable:
        sites: list[tuple[str, Definition]] = []
        files: list[int] = []
        keys: list[int] = []
        by_name: dict[str, list[int]] = {}
        width = graph.key_width
        ident_position = graph.ident_position
        for path in graph.files:
            i = graph.position[path]
            for d in index.records[path].definitions:
                if d.kind not in _MAP_KINDS:
                    continue
                x = ident_position.get(d.name)
                by_name.setdefault(d.name, []).append(len(sites))
                sites.append((path, d))
                files.append(i)
                keys.append(i * width + x if x is not None else -1)
        return _DefinitionTable(sites, np.asarray(files, dtype=np.int64), np.asarray(keys, dtype=np.int64), by_name)

    table: _DefinitionTable = index.cached("repomap-definitions", build)
    return table


def _ranked_entries(
    index: WorkspaceIndex, focus: set[str], mentioned: set[str], include_focus: bool,
) -> Iterator[RepoMapEntry]:
    """Definitions, best first (ties in path and line order)."""
    graph, rank, scale = _personalized(index, focus, mentioned)
    table = _definition_table(index, graph)
    if not table.sites:
        return
    flow_keys, flow_totals = graph.definition_flows(rank, scale)
    score = np.zeros(len(table.sites))
    if len(flow_keys):
        pos = np.minimum(np.searchsorted(flow_keys, table.keys), len(flow_keys) - 1)
        hit = (flow_keys[pos] == table.keys) & (table.keys >= 0)
        score = np.where(hit, flow_totals[pos], 0.0)
    # Unreferenced definitions still inherit a little of their file's rank, so small focused repos and
    # fresh files get a map too.
    score = score + rank[table.file_index] * 1e-3
    for name in mentioned:  # the user named it: above everything inferred (ranks sum to 1)
        rows = table.by_name.get(name)
        if rows:
            score[rows] = score[rows] * MENTION_BOOST + 1.0
    if not include_focus:
        focus_rows = [graph.position[p] for p in focus if p in graph.position]
        if focus_rows:
            score[np.isin(table.file_index, focus_rows)] = -1.0
    for row in np.argsort(-score, kind="stable"):
        if score[row] < 0:
            break
        path, d = table.sites[row]
        yield RepoMapEntry(path, d.name, d.kind, d.start_line, d.signature, float(score[row]))


def render_map(entries: list[RepoMapEntry]) -> str:
    """Files in order of their best entry; signatures in line order, indented under the file."""
    by_file: dict[str, list[RepoMapEntry]] = {}
    for e in entries:
        by_file.setdefault(e.path, []).append(e)
    parts: list[str] = []
    for path, items in by_file.items():
        parts.append(f"{path}:")
        parts.extend(f"  {e.signature}" for e in sorted(items, key=lambda e: e.start_line))
    return "\n".join(parts) + ("\n" if parts else "")


def repo_map(
    index: WorkspaceIndex,
    focus_files: Iterable[str],
    mentioned_identifiers: Iterable[str],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    include_focus: bool = False,
) -> RepoMap:
    """The map of the definitions most related to the focus, greedily fitted to `budget_tokens` as counted by
    `count_tokens` (the model's counter: context/ never tokenizes)."""
    focus = {index.workspace.relative(p) if p.startswith("/") else p for p in focus_files}
    ranked = _ranked_entries(index, focus, set(mentioned_identifiers), include_focus)
    chosen: list[RepoMapEntry] = []
    shown_files: set[str] = set()
    used = 0
    misses = 0
    for entry in ranked:
        cost = count_tokens(f"  {entry.signature}\n")
        if entry.path not in shown_files:
            cost += count_tokens(f"{entry.path}:\n")
        if used + cost > budget_tokens:
            misses += 1
            if misses >= MAX_MISSES:
                break
            continue
        misses = 0
        chosen.append(entry)
        shown_files.add(entry.path)
        used += cost
    text = render_map(chosen)
    tokens = count_tokens(text)
    # Counting pieces can undercount the whole (tokens merge across lines): drop the weakest until it fits.
    while chosen and tokens > budget_tokens:
        chosen.pop()
        text = render_map(chosen)
        tokens = count_tokens(text)
    return RepoMap(text, chosen, tokens)
