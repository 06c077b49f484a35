"""Measured ghost-text quality: mask spans of real code, ask for them back, score what came back.

Sites: the rest of a line after `(`, after `= `, after `return `, and a short block body (1-4 lines after a line
ending in `:`), picked with a fixed seed. Scores: exact match, first-8-characters match, edit similarity (difflib's
ratio). Two answers per site: caret's pipeline (Session.complete: its prompt, context, token healing and
post-processing) and the same model given only the raw text before the cursor (the model alone), cut by the same
rule. bench/ghost_quality.py runs it on the standard library, `caret bench-completions` on the user's repository.
"""

from __future__ import annotations

import asyncio
import difflib
import io
import random
import re
import time
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.ghost.postprocess import context_at, postprocess_ghost_text
from engine.ghost.prompt import cached_counter
from engine.ghost.request import GhostTextRequest
from models.base import GenerationParams, Model

if TYPE_CHECKING:
    from engine.session import Session

KINDS = ("call", "assign", "return", "block")
MAX_BLOCK_LINES = 4
WARM_UP_PATH = "caret-warm-up.py"  # no file of the workspace: its warm-up answer is cached under no site's path
_ASSIGN = re.compile(r"^\s*[A-Za-z_][\w.\[\]'\"]*\s*=\s*(?=\S)")
_BLOCK = re.compile(r"^\s*(def|if|elif|else|for|while|with|try|except|finally)\b.*:\s*$")


@dataclass(frozen=True)
class Site:
    """A masked span: `text` is the file without it, the cursor at (line, column); `target` is what was there."""

    path: str
    kind: str
    text: str
    line: int
    column: int
    target: str


@dataclass
class Scores:
    """Exact, first-8 and similarity scores of one way of answering, over the sites measured."""

    exact: list[bool] = field(default_factory=list)
    first8: list[bool] = field(default_factory=list)
    similarity: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def add(self, prediction: str, target: str, ms: float) -> None:
        """Score one answer."""
        exact, first8, similarity = score(prediction, target)
        self.exact.append(exact)
        self.first8.append(first8)
        self.similarity.append(similarity)
        self.ms.append(ms)

    def summary(self) -> dict[str, float]:
        """Rates in percent, mean similarity in percent, latency p50 in ms."""
        n = max(1, len(self.exact))
        ordered = sorted(self.ms) or [0.0]
        return {
            "exact_pct": round(100 * sum(self.exact) / n, 1),
            "first8_pct": round(100 * sum(self.first8) / n, 1),
            "similarity_pct": round(100 * sum(self.similarity) / n, 1),
            "ms_p50": round(ordered[len(ordered) // 2], 1),
        }


def _plain(line: str) -> bool:
    """A code line worth masking: not a comment or a string line, no line continuation."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", '"', "'", "@")) and not stripped.endswith(("\\", ","))


def _line_site(path: str, lines: list[str], row: int, kind: str, column: int) -> Site | None:
    rest = lines[row][column:].rstrip()
    if not 2 <= len(rest) <= 80:
        return None
    masked = [*lines[:row], lines[row][:column], *lines[row + 1 :]]
    return Site(path, kind, "\n".join(masked), row, column, rest)


def _block_site(path: str, lines: list[str], row: int) -> Site | None:
    indent = len(lines[row]) - len(lines[row].lstrip())
    end = row + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    body = lines[row + 1 : end]
    if not 1 <= len(body) <= MAX_BLOCK_LINES or not all(_plain(line) for line in body):
        return None
    inner = len(body[0]) - len(body[0].lstrip())
    masked = [*lines[: row + 1], body[0][:inner], *lines[end:]]
    return Site(path, "block", "\n".join(masked), row + 1, inner, "\n".join(body)[inner:])


def string_rows(source: str) -> set[int]:
    """0-based rows that a Python string spanning several lines (a docstring) covers, ends included."""
    rows: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                rows.update(range(token.start[0] - 1, token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass  # not Python, or broken: every row counts as code
    return rows


def find_sites(path: str, source: str) -> list[Site]:
    """Every candidate site of `source`, in file order; lines inside multi-line strings are never sites."""
    lines = source.split("\n")
    strings = string_rows(source)
    sites: list[Site | None] = []
    for row, line in enumerate(lines):
        if not _plain(line) or row in strings or row + 1 in strings:
            continue
        stripped = line.lstrip()
        if stripped.startswith("return "):
            sites.append(_line_site(path, lines, row, "return", line.index("return ") + len("return ")))
        elif (match := _ASSIGN.match(line)) and "==" not in line[: match.end() + 1]:
            sites.append(_line_site(path, lines, row, "assign", match.end()))
        elif "(" in stripped and not stripped.startswith(("def ", "class ")):
            sites.append(_line_site(path, lines, row, "call", line.index("(") + 1))
        if _BLOCK.match(line):
            sites.append(_block_site(path, lines, row))
    return [s for s in sites if s is not None]


def sample_sites(sites: Sequence[Site], n: int, seed: int) -> list[Site]:
    """`n` sites spread evenly over the kinds (a kind short of sites leaves its share to the others), sorted by
    file and line so consecutive requests share the model's KV cache as typing would."""
    rng = random.Random(seed)
    by_kind = {kind: [s for s in sites if s.kind == kind] for kind in KINDS}
    for group in by_kind.values():
        rng.shuffle(group)
    chosen: list[Site] = []
    while len(chosen) < n and any(by_kind.values()):
        for group in by_kind.values():
            if group and len(chosen) < n:
                chosen.append(group.pop())
    return sorted(chosen, key=lambda s: (s.path, s.line))


def cut_to_target(prediction: str, target: str) -> str:
    """The prediction cut to as many lines as the target, each right-stripped: the same cut for every answerer."""
    lines = prediction.split("\n")[: target.count("\n") + 1]
    return "\n".join(line.rstrip() for line in lines).rstrip()


def score(prediction: str, target: str) -> tuple[bool, bool, float]:
    """(exact match, first 8 characters match, edit similarity 0-1) of a prediction already cut to the target."""
    want = "\n".join(line.rstrip() for line in target.split("\n")).rstrip()
    got = cut_to_target(prediction, want)
    head = min(8, len(want))
    return got == want, got[:head] == want[:head] and len(got) >= head, difflib.SequenceMatcher(None, got, want).ratio()


def raw_prefix(text: str, budget: int, count: Callable[[str], int]) -> str:
    """The last whole lines of `text` (and its unfinished last line) that fit `budget` tokens: the model alone's
    prompt."""
    lines = text.split("\n")
    kept = [lines.pop()]
    used = count(kept[0])
    while lines and used + count(lines[-1] + "\n") <= budget:
        used += count(lines[-1] + "\n")
        kept.insert(0, lines.pop())
    return "\n".join(kept)


async def model_alone(model: Model, site: Site, budget: int, max_tokens: int) -> tuple[str, str]:
    """(raw continuation, the same with caret's post-processing) of the model given only the text before the
    cursor, up to `budget` tokens of it."""
    before = "\n".join(site.text.split("\n")[: site.line + 1])[: _offset(site)]
    prompt = raw_prefix(before, budget - max_tokens, cached_counter(model))
    raw = ""
    # The answer is cut to the target's lines anyway: stopping there only saves decoding.
    stop = ("\n\n",) if site.kind == "block" else ("\n",)
    params = GenerationParams(max_tokens=max_tokens, temperature=0.0, stop=stop)
    async for delta in model.stream_completion(prompt, params):
        raw += delta
    return raw, postprocess_ghost_text(raw, context_at(site.text, site.line, site.column))


def _offset(site: Site) -> int:
    lines = site.text.split("\n")
    return sum(len(line) + 1 for line in lines[: site.line]) + site.column


def request_for(site: Site, language: str | None) -> GhostTextRequest:
    """The ghost-text request at the site's cursor."""
    return GhostTextRequest(site.path, site.text, site.line, site.column, language)


async def prepare(session: Session) -> None:
    """Build the workspace index and warm its search, as in a session open for a while: ghost text never waits on
    the index, so without this the first requests would have no retrieved chunks."""
    await asyncio.to_thread(session.build_index)
    await session.complete(GhostTextRequest(WARM_UP_PATH, "", 0, 0, "python"))  # schedules the search's first build
    await session.index_summary()  # queued behind it on the index's thread


def elapsed_ms(start: float) -> float:
    """Milliseconds since `start` (time.perf_counter)."""
    return (time.perf_counter() - start) * 1000


async def measure(
    session: Session, sites: Sequence[Site], progress: Callable[[str, int, int], None] | None = None
) -> dict[str, object]:
    """caret's pipeline and the model alone over `sites` with the session's completion model and budget: scores
    of each, per kind for caret, and the ratio of exact matches."""
    model = session.model("completion")
    budget = session.config["completion.prompt_tokens"]
    caret, alone = Scores(), Scores()
    by_kind: dict[str, Scores] = {}
    await prepare(session)
    for i, site in enumerate(sites):
        if progress is not None:
            progress("caret", i, len(sites))
        start = time.perf_counter()
        result = await session.complete(request_for(site, "python"))
        caret.add(result.text, site.target, elapsed_ms(start))
        by_kind.setdefault(site.kind, Scores()).add(result.text, site.target, elapsed_ms(start))
    for i, site in enumerate(sites):
        if progress is not None:
            progress("model alone", i, len(sites))
        start = time.perf_counter()
        raw, _ = await model_alone(model, site, budget, session.config["completion.max_tokens"])
        alone.add(raw, site.target, elapsed_ms(start))
    ours, theirs = caret.summary(), alone.summary()
    return {
        "model": model.name, "budget_tokens": budget, "sites": len(sites), "caret": ours, "alone": theirs,
        "caret_by_kind": {k: v.summary() for k, v in sorted(by_kind.items())},
        "ratio_exact": round(ours["exact_pct"] / theirs["exact_pct"], 2) if theirs["exact_pct"] else None,
    }
