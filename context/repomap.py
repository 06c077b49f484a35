"""Repo map: the files and signatures most related to what the user is working on, fitted to a token budget.

Rank = personalized PageRank over the reference graph, restarting at the focus files and at the files that
define identifiers the user mentioned; each definition is then scored by the rank flowing into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from context.gcpause import gc_paused
from context.graph import ReferenceGraph, graph_of
from context.index import WorkspaceIndex
from context.store import FileRecord
from context.symbols import Definition

_MAP_KINDS = frozenset({
    "function", "method", "class", "interface", "struct", "enum", "trait", "type", "module", "macro",
    "constant",
})
MENTION_BOOST = 10.0
FOCUSED_DAMPING = 0.5
MAX_MISSES = 200  # stop the greedy fill after this many entries in a row that did not fit
MAX_CACHED_RANKS = 8  # personalized ranks kept (per focus) to warm-start PageRank after an edit


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
    key = (tuple(sorted(weights.items())), tuple(sorted(mentioned)))
    ranks: dict[tuple[object, ...], tuple[ReferenceGraph, np.ndarray]] = index.derived.setdefault(
        "repomap-ranks", (-1, {}))[1]
    previous = ranks.pop(key, None)
    if previous is not None and previous[0] is graph:
        rank = previous[1]
    else:  # after an edit the previous rank is a few iterations from the new one
        start = _carried_over(previous, graph) if previous is not None else None
        rank = graph.pagerank(personal, damping=damping, edge_scale=scale, start=start)
    ranks[key] = (graph, rank)
    while len(ranks) > MAX_CACHED_RANKS:
        ranks.pop(next(iter(ranks)))
    return graph, rank, scale


def _carried_over(previous: tuple[ReferenceGraph, np.ndarray], graph: ReferenceGraph) -> np.ndarray:
    """A rank of an older graph laid out on this graph's files (files new since then start at zero)."""
    old_graph, old_rank = previous
    if old_graph.files == graph.files:
        return old_rank
    start = np.zeros(len(graph.files))
    for path, value in zip(old_graph.files, old_rank.tolist(), strict=True):
        at = graph.position.get(path)
        if at is not None:
            start[at] = value
    return start


def rank_files(
    index: WorkspaceIndex, focus_files: Iterable[str] = (), mentioned_identifiers: Iterable[str] = (),
) -> dict[str, float]:
    """PageRank of every file, personalized to the focus files and the definers of mentioned identifiers."""
    graph, rank, _ = _personalized(index, focus_files, set(mentioned_identifiers))
    return {path: float(rank[i]) for i, path in enumerate(graph.files)}


@dataclass(slots=True)
class _DefinitionTable:
    """Every mappable definition in path/line order, with its file, identifier and (file, identifier) key."""

    sites: list[tuple[str, Definition]]
    file_index: np.ndarray
    ident: np.ndarray  # identifier id, -1 when the name links nothing
    keys: np.ndarray  # file * key_width + ident, -1 when the name links nothing

    def rows_named(self, ident: int | None) -> np.ndarray:
        return np.flatnonzero(self.ident == ident) if ident is not None else np.zeros(0, dtype=np.int64)


_FileDefinitions = tuple[FileRecord, dict[str, int], list[tuple[str, Definition]], np.ndarray]


def _file_definitions(path: str, record: FileRecord, ident_position: dict[str, int]) -> _FileDefinitions:
    sites = [(path, d) for d in record.definitions if d.kind in _MAP_KINDS]
    ident = np.fromiter((ident_position.get(d.name, -1) for _, d in sites), dtype=np.int64, count=len(sites))
    return record, ident_position, sites, ident


def _definition_table(index: WorkspaceIndex, graph: ReferenceGraph) -> _DefinitionTable:
    # Per file, kept across index versions (keyed by the record object): after an edit only that file's rows
    # are rebuilt; identifier ids are stable for as long as the graph state lives.
    per_file: dict[str, _FileDefinitions] = index.derived.setdefault("repomap-file-definitions", (-1, {}))[1]

    def build() -> _DefinitionTable:
        sites: list[tuple[str, Definition]] = []
        idents: list[np.ndarray] = []
        counts: list[int] = []
        for path in graph.files:
            record = index.records[path]
            hit = per_file.get(path)
            if hit is None or hit[0] is not record or hit[1] is not graph.ident_position:
                hit = per_file[path] = _file_definitions(path, record, graph.ident_position)
            sites.extend(hit[2])
            idents.append(hit[3])
            counts.append(len(hit[2]))
        for path in per_file.keys() - graph.position.keys():
            del per_file[path]
        file_index = np.repeat(np.arange(len(graph.files), dtype=np.int64), counts)
        ident = np.concatenate(idents) if idents else np.zeros(0, dtype=np.int64)
        keys = np.where(ident >= 0, file_index * graph.key_width + ident, -1)
        return _DefinitionTable(sites, file_index, ident, keys)

    def paused() -> _DefinitionTable:
        with gc_paused():
            return build()

    table: _DefinitionTable = index.cached("repomap-definitions", paused)
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
        rows = table.rows_named(graph.ident_position.get(name))
        if len(rows):
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
