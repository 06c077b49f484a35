"""The reference graph between files and personalized PageRank over it (numpy).

An edge A -> B for identifier X means file A uses X and file B defines it. Its weight grows with how often A
uses X (square root, so one hot name does not dominate) and with how rare X is among users (log inverse
frequency), and shrinks with how many files define X (an edge to one of ten `run` methods says little)
and for private names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from context.index import WorkspaceIndex
from context.store import FileRecord

MEMBER_WEIGHT = 0.3  # `x.end()` is a weaker link than a bare `scan_once()`: we do not know x's type
MAX_DEFINERS = 25  # identifiers defined in more files than this are too generic to link files
_LINK_KINDS = frozenset({
    "function", "method", "class", "interface", "struct", "enum", "trait", "type", "module", "macro",
    "constant",
})


def _module_name(path: str) -> str | None:
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem in ("__init__", "index", "mod", "lib", "main") and len(parts) > 1:
        stem = parts[-2]
    return stem if stem.isidentifier() else None


def _names_module(refs: Mapping[str, int], stem: str | None) -> bool:
    return stem is not None and (stem in refs or "." + stem in refs)


@dataclass(frozen=True, slots=True)
class _Link:
    """Where a reference name may point: methods (any `x.name`), other definitions, and the weight per
    sqrt(use count)."""

    methods: frozenset[int]
    others: frozenset[int]
    ident: int
    factor: float


def _link(
    ref: str, definers: dict[str, set[int]], methods: dict[str, set[int]], users: dict[str, int],
    ident_position: dict[str, int], n_files: int,
) -> _Link | None:
    member = ref.startswith(".")
    name = ref[1:] if member else ref
    everything = definers.get(name)
    if not everything or len(everything) > MAX_DEFINERS:
        return None
    method_files = methods.get(name, set())
    others = everything - method_files
    if not member:  # a bare name is not a method
        method_files = set()
        if not others:
            return None
    factor = math.log((n_files + 1) / users[name]) / len(everything)
    if member:
        factor *= MEMBER_WEIGHT
    if name.startswith("_"):
        factor *= 0.1
    return _Link(frozenset(method_files), frozenset(others), ident_position[name], factor)


@dataclass(slots=True)
class ReferenceGraph:
    files: list[str]
    position: dict[str, int]
    idents: list[str]
    ident_position: dict[str, int]
    src: np.ndarray  # per edge: referencing file
    dst: np.ndarray  # per edge: defining file
    ident: np.ndarray  # per edge: identifier id
    weight: np.ndarray

    @classmethod
    def build(cls, records: Mapping[str, FileRecord]) -> ReferenceGraph:
        files = sorted(records)
        position = {p: i for i, p in enumerate(files)}
        definers: dict[str, set[int]] = {}  # name -> files defining it (anything)
        methods: dict[str, set[int]] = {}  # name -> files defining it only as a method
        for path in files:
            i = position[path]
            for d in records[path].definitions:
                if d.kind in _LINK_KINDS:
                    definers.setdefault(d.name, set()).add(i)
                    if d.kind == "method":
                        methods.setdefault(d.name, set()).add(i)
        # A file also "defines" its module name (pkg/scanner.py: scanner; pkg/__init__.py: pkg), so imports
        # and `module.attr` uses link to it.
        stems = [_module_name(path) for path in files]
        for i, stem in enumerate(stems):
            if stem:
                definers.setdefault(stem, set()).add(i)
        for name, files_with_method in methods.items():
            files_with_method -= {i for i in definers[name] if stems[i] == name}
        idents = sorted(definers)
        ident_position = {name: i for i, name in enumerate(idents)}
        # How many files use each name: a name everyone uses (`data`, `end`) says little about a file.
        users: dict[str, int] = {}
        for path in files:
            for ref in records[path].references:
                name = ref.removeprefix(".")
                if name in definers:
                    users[name] = users.get(name, 0) + 1
        n_files = len(files)
        src: list[int] = []
        dst: list[int] = []
        ident: list[int] = []
        weight: list[float] = []
        links: dict[str, _Link | None] = {}  # per reference name, resolved once for all files
        for path in files:
            a = position[path]
            refs = records[path].references
            for ref, count in refs.items():
                if ref in links:
                    link = links[ref]
                else:
                    link = links[ref] = _link(ref, definers, methods, users, ident_position, n_files)
                if link is None:
                    continue
                # A file that defines the name itself most likely means its own definition.
                if a in link.methods or a in link.others:
                    continue
                targets: Iterable[int] = link.others
                if ref.startswith("."):
                    # `x.name` reaches another file's function or constant only as `module.name`: keep
                    # those whose module this file names; any method of that name stays a candidate.
                    named = [b for b in link.others if _names_module(refs, stems[b])]
                    targets = [*link.methods, *named]
                w = math.sqrt(count) * link.factor
                for b in targets:
                    src.append(a)
                    dst.append(b)
                    ident.append(link.ident)
                    weight.append(w)
        return cls(
            files, position, idents, ident_position,
            np.asarray(src, dtype=np.int32), np.asarray(dst, dtype=np.int32),
            np.asarray(ident, dtype=np.int32), np.asarray(weight, dtype=np.float64),
        )

    def personalization(self, weights: Mapping[str, float]) -> np.ndarray | None:
        vec = np.zeros(len(self.files))
        for path, w in weights.items():
            i = self.position.get(path)
            if i is not None:
                vec[i] += w
        return vec if vec.sum() > 0 else None

    def pagerank(
        self, personal: np.ndarray | None = None, damping: float = 0.85, iterations: int = 60, tol: float = 1e-9,
        edge_scale: np.ndarray | None = None,
    ) -> np.ndarray:
        """Stationary rank of each file; restarts jump to `personal` (uniform when None)."""
        n = len(self.files)
        if n == 0:
            return np.zeros(0)
        p = np.full(n, 1.0 / n) if personal is None else personal / personal.sum()
        w = self.weight if edge_scale is None else self.weight * edge_scale
        out = np.bincount(self.src, weights=w, minlength=n)
        share = np.divide(w, out[self.src], out=np.zeros_like(w), where=out[self.src] > 0)
        dangling = out == 0
        rank = p.copy()
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

    @property
    def key_width(self) -> int:
        return max(1, len(self.idents))

    def ident_scale(self, boosted: Iterable[str], factor: float = 10.0) -> np.ndarray | None:
        """Per-edge multipliers that strengthen edges carrying the given identifiers."""
        ids = [self.ident_position[n] for n in boosted if n in self.ident_position]
        if not ids or len(self.ident) == 0:
            return None
        return np.where(np.isin(self.ident, ids), factor, 1.0)


def graph_of(index: WorkspaceIndex) -> ReferenceGraph:
    """The index's reference graph, built once per index version."""
    graph: ReferenceGraph = index.cached("graph", lambda: ReferenceGraph.build(index.records))
    return graph
