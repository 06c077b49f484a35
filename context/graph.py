"""The reference graph between files and personalized PageRank over it (numpy).

An edge A -> B for identifier X means file A uses X and file B defines it. Its weight grows with how often A
uses X (square root, so one hot name does not dominate) and with how rare X is among users (log inverse
frequency), and shrinks with how many files define X (an edge to one of ten `run` methods says little)
and for private names.

The graph is kept incrementally (GraphState): after an edit only the edges of the changed files, and of the
files using a name whose definers changed, are recomputed; the rarity factor is applied per identifier when
the arrays are assembled, so a change in how many files use a name touches no edge.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from context.gcpause import gc_paused
from context.index import WorkspaceIndex
from context.store import FileRecord

MEMBER_WEIGHT = 0.3  # `x.end()` is a weaker link than a bare `scan_once()`: we do not know x's type
MAX_DEFINERS = 25  # identifiers defined in more files than this are too generic to link files
FEW_CHANGES = 32  # up to this many changed files, user counts are patched rather than recounted
_LINK_KINDS = frozenset({
    "function", "method", "class", "interface", "struct", "enum", "trait", "type", "module", "macro",
    "constant",
})
_Edges = tuple[np.ndarray, np.ndarray, np.ndarray]  # per source file: target node ids, identifier ids, base weights
_NO_EDGES: _Edges = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
_NONE: frozenset[int] = frozenset()


def _module_name(path: str) -> str | None:
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem in ("__init__", "index", "mod", "lib", "main") and len(parts) > 1:
        stem = parts[-2]
    return stem if stem.isidentifier() else None


def _names_module(refs: Mapping[str, int], stem: str | None) -> bool:
    return stem is not None and (stem in refs or "." + stem in refs)


@dataclass(frozen=True, slots=True)
class _FileFacts:
    """What one file's definitions contribute to the shared tables: the names it defines (its module name
    included) and those it defines as methods."""

    defines: frozenset[str]
    methods: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.defines | self.methods


def _facts(path: str, record: FileRecord) -> _FileFacts:
    stem = _module_name(path)
    defines = {d.name for d in record.definitions if d.kind in _LINK_KINDS}
    # A file also "defines" its module name (pkg/scanner.py: scanner), so imports and `module.attr` link to it;
    # a method named like its own module is that module, not a method.
    methods = {d.name for d in record.definitions if d.kind == "method"} - {stem}
    if stem:
        defines.add(stem)
    return _FileFacts(frozenset(defines), frozenset(methods))


def _uses(record: FileRecord, name: str) -> bool:
    refs = record.references
    return name in refs or "." + name in refs


@dataclass(frozen=True, slots=True)
class _Link:
    """Where a reference name may point: methods (any `x.name`), other definitions, and the weight per
    sqrt(use count) before the name's rarity factor."""

    methods: frozenset[int]
    others: frozenset[int]
    ident: int
    factor: float


_UNKNOWN = _Link(_NONE, _NONE, -1, 0.0)  # a reference not looked up yet in this sync

@dataclass(slots=True)
class ReferenceGraph:
    """Files, identifiers and weighted reference edges as arrays (positions follow `files`, sorted)."""

    files: list[str]
    position: dict[str, int]
    idents: list[str]  # identifier ids are stable across edits (append-only); some may link nothing now
    ident_position: dict[str, int]
    src: np.ndarray  # per edge: referencing file
    dst: np.ndarray  # per edge: defining file
    ident: np.ndarray  # per edge: identifier id
    weight: np.ndarray
    key_width: int = 1  # definition keys are `file * key_width + ident`

    @classmethod
    def build(cls, records: Mapping[str, FileRecord]) -> ReferenceGraph:
        """A fresh graph of these records."""
        return GraphState().sync(records)

    def personalization(self, weights: Mapping[str, float]) -> np.ndarray | None:
        vec = np.zeros(len(self.files))
        for path, w in weights.items():
            i = self.position.get(path)
            if i is not None:
                vec[i] += w
        return vec if vec.sum() > 0 else None

    def pagerank(
        self, personal: np.ndarray | None = None, damping: float = 0.85, iterations: int = 60, tol: float = 1e-9,
        edge_scale: np.ndarray | None = None, start: np.ndarray | None = None,
    ) -> np.ndarray:
        """Stationary rank of each file; restarts jump to `personal` (uniform when None). `start` (a previous
        rank, e.g. before an edit) lets the iteration begin near the answer."""
        n = len(self.files)
        if n == 0:
            return np.zeros(0)
        p = np.full(n, 1.0 / n) if personal is None else personal / personal.sum()
        w = self.weight if edge_scale is None else self.weight * edge_scale
        out = np.bincount(self.src, weights=w, minlength=n)
        share = np.divide(w, out[self.src], out=np.zeros_like(w), where=out[self.src] > 0)
        dangling = out == 0
        rank = p.copy() if start is None or len(start) != n or start.sum() <= 0 else start / start.sum()
        for _ in range(iterations):
            flow = np.bincount(self.dst, weights=share * rank[self.src], minlength=n)
            new = damping * (flow + rank[dangling].sum() * p) + (1 - damping) * p
            if np.abs(new - rank).sum() < tol:
                rank = new
                break
            rank = new
        return rank

    def definition_flows(
        self, rank: np.ndarray, edge_scale: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rank flowing into each (defining file, identifier), as sorted keys `file * key_width + ident`
        and their totals: how much the ranked files lean on that definition."""
        if len(self.src) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        w = self.weight if edge_scale is None else self.weight * edge_scale
        out = np.bincount(self.src, weights=w, minlength=len(self.files))
        flow = rank[self.src] * np.divide(w, out[self.src], out=np.zeros_like(w), where=out[self.src] > 0)
        keys = self.dst.astype(np.int64) * self.key_width + self.ident
        unique, inverse = np.unique(keys, return_inverse=True)
        return unique, np.bincount(inverse, weights=flow)

    def ident_scale(self, boosted: Iterable[str], factor: float = 10.0) -> np.ndarray | None:
        """Per-edge multipliers that strengthen edges carrying the given identifiers."""
        ids = [self.ident_position[n] for n in boosted if n in self.ident_position]
        if not ids or len(self.ident) == 0:
            return None
        return np.where(np.isin(self.ident, ids), factor, 1.0)


@dataclass(slots=True)
class GraphState:
    """The reference graph kept up to date edit by edit: shared name tables plus each file's own edges."""

    records: dict[str, FileRecord] = field(default_factory=dict)  # the records last synced, by identity
    facts: dict[str, _FileFacts] = field(default_factory=dict)
    node: dict[str, int] = field(default_factory=dict)  # path -> stable node id (kept after removal)
    stems: list[str | None] = field(default_factory=list)  # per node id
    definers: dict[str, set[int]] = field(default_factory=dict)  # name -> nodes defining it (anything)
    methods: dict[str, set[int]] = field(default_factory=dict)  # name -> nodes defining it as a method
    # raw reference ("name" or ".name") -> files using it; a name's users are both forms (`_users`)
    ref_files: Counter[str] = field(default_factory=Counter)
    idents: list[str] = field(default_factory=list)
    ident_position: dict[str, int] = field(default_factory=dict)
    edges: dict[str, _Edges] = field(default_factory=dict)
    ident_users: np.ndarray | None = None  # per identifier id: references to it, as of the last sync
    recomputed: int = 0  # files whose edges the last sync recomputed (tests, bench)

    def sync(self, records: Mapping[str, FileRecord]) -> ReferenceGraph:
        """Bring the state to `records` (changed records are new objects) and return the graph."""
        changed = [p for p, r in records.items() if self.records.get(p) is not r]
        removed = [p for p in self.records if p not in records]
        counted: set[str] | None = None  # references whose user counts change (None: recount every name)
        if self.ident_users is not None and len(changed) + len(removed) <= FEW_CHANGES:
            counted = set()
            for path in (*changed, *removed):
                for record in (self.records.get(path), records.get(path)):
                    if record is not None:
                        counted.update(record.references)
        touched: set[str] = set()  # names whose definers changed: every file using them is relinked
        for path in removed:
            touched |= self._forget(path).all
        for path in changed:
            before = self._forget(path) if path in self.records else _FileFacts(frozenset(), frozenset())
            after = self._learn(path, records[path])
            touched |= (before.defines ^ after.defines) | (before.methods ^ after.methods)
        stale = self._users_of(touched, set(changed))
        links: dict[str, _Link | None] = {}
        for path in stale:
            self.edges[path] = self._file_edges(path, links)
        self.recomputed = len(stale)
        self.ident_users = self._count_users(counted)
        return self._assemble(self.ident_users)

    def _count_users(self, refs: set[str] | None) -> np.ndarray:
        """References per identifier id, recounted only for `refs` (and identifiers new since the last count)."""
        users = self._users
        if refs is None or self.ident_users is None:
            return np.fromiter((users(x) for x in self.idents), dtype=np.float64, count=len(self.idents))
        known = len(self.ident_users)
        fresh = np.fromiter((users(x) for x in self.idents[known:]), dtype=np.float64)
        counts = np.concatenate([self.ident_users, fresh])
        for ref in refs:
            name = ref.removeprefix(".")
            at = self.ident_position.get(name)
            if at is not None:
                counts[at] = users(name)
        return counts

    def _users(self, name: str) -> int:
        """References to `name` over all files, bare or as a member."""
        get = self.ref_files.get
        return get(name, 0) + get("." + name, 0)

    def _users_of(self, names: set[str], changed: set[str]) -> set[str]:
        """The changed files plus every file referring to one of `names` (all files when that is most)."""
        if len(changed) * 2 >= len(self.records) or len(names) > 1000:
            return set(self.records)
        stale = changed & self.records.keys()
        for path, record in self.records.items():
            if path not in stale and any(_uses(record, name) for name in names):
                stale.add(path)
        return stale

    def _learn(self, path: str, record: FileRecord) -> _FileFacts:
        if path not in self.node:
            self.node[path] = len(self.stems)
            self.stems.append(_module_name(path))
        a = self.node[path]
        facts = _facts(path, record)
        self.records[path], self.facts[path] = record, facts
        for name in facts.defines:
            self.definers.setdefault(name, set()).add(a)
            if name not in self.ident_position:
                self.ident_position[name] = len(self.idents)
                self.idents.append(name)
        for name in facts.methods:
            self.methods.setdefault(name, set()).add(a)
        self.ref_files.update(record.references.keys())  # counted in C: ~100k references on the stdlib
        return facts

    def _forget(self, path: str) -> _FileFacts:
        a = self.node[path]
        facts = self.facts.pop(path)
        self.edges.pop(path, None)
        for name in facts.defines:
            self.definers[name].discard(a)
        for name in facts.methods:
            self.methods[name].discard(a)
        self.ref_files.subtract(self.records.pop(path).references.keys())
        return facts

    def _link(self, ref: str) -> _Link | None:
        member = ref.startswith(".")
        name = ref[1:] if member else ref
        everything = self.definers.get(name)
        if not everything or len(everything) > MAX_DEFINERS:
            return None
        method_files = self.methods.get(name, _NONE)
        others = everything - method_files if method_files else everything
        if not member:  # a bare name is not a method
            method_files = _NONE
            if not others:
                return None
        factor = 1.0 / len(everything)
        if member:
            factor *= MEMBER_WEIGHT
        if name.startswith("_"):
            factor *= 0.1
        return _Link(frozenset(method_files), frozenset(others), self.ident_position[name], factor)

    def _file_edges(self, path: str, links: dict[str, _Link | None]) -> _Edges:
        a = self.node[path]
        refs = self.records[path].references
        stems = self.stems
        dst: list[int] = []
        idents: list[int] = []  # per reference that links: its identifier, weight and number of targets
        weights: list[float] = []
        fanout: list[int] = []
        for ref, count in refs.items():
            link = links.get(ref, _UNKNOWN)
            if link is _UNKNOWN:
                link = links[ref] = self._link(ref)
            # A file that defines the name itself most likely means its own definition.
            if link is None or a in link.methods or a in link.others:
                continue
            targets: Iterable[int] = link.others
            if ref[0] == ".":
                # `x.name` reaches another file's function or constant only as `module.name`: keep those whose
                # module this file names; any method of that name stays a candidate.
                targets = [*link.methods, *[b for b in link.others if _names_module(refs, stems[b])]]
            before = len(dst)
            dst.extend(targets)
            if len(dst) > before:
                idents.append(link.ident)
                weights.append(math.sqrt(count) * link.factor)
                fanout.append(len(dst) - before)
        if not dst:
            return _NO_EDGES
        repeat = np.asarray(fanout)
        return (np.asarray(dst, dtype=np.int32), np.repeat(np.asarray(idents, dtype=np.int32), repeat),
                np.repeat(np.asarray(weights), repeat))

    def _assemble(self, users: np.ndarray) -> ReferenceGraph:
        files = sorted(self.records)
        n = len(files)
        position = {p: i for i, p in enumerate(files)}
        pos_of_node = np.full(len(self.stems), -1, dtype=np.int32)
        pos_of_node[np.fromiter((self.node[p] for p in files), dtype=np.int64, count=n)] = np.arange(n)
        parts = [self.edges.get(p, _NO_EDGES) for p in files]
        lengths = [len(e[0]) for e in parts]
        src = np.repeat(np.arange(n, dtype=np.int32), lengths)
        if sum(lengths):
            dst = pos_of_node[np.concatenate([e[0] for e in parts])]
            ident = np.concatenate([e[1] for e in parts])
            # How many references name each identifier: a name everyone uses (`data`, `end`) says little.
            rarity = np.log((n + 1) / np.maximum(users, 1.0))
            weight = np.concatenate([e[2] for e in parts]) * rarity[ident]
        else:
            dst, ident, weight = _NO_EDGES
        return ReferenceGraph(
            files, position, self.idents, self.ident_position, src, dst, ident, weight, max(1, len(self.idents)),
        )


def graph_of(index: WorkspaceIndex) -> ReferenceGraph:
    """The index's reference graph, updated once per index version (only what the edits changed)."""
    state: GraphState = index.derived.setdefault("graph-state", (-1, GraphState()))[1]

    def sync() -> ReferenceGraph:
        with gc_paused():
            return state.sync(index.records)

    graph: ReferenceGraph = index.cached("graph", sync)
    return graph
