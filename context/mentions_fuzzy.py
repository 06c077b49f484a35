"""fzf-like fuzzy matching for @-mention autocomplete (pure).

A query matches a candidate when its characters appear in order (case-insensitive). The score rewards
each matched character, consecutive runs, and matches at word boundaries (after '/', '_', '-', '.', a space,
or a camelCase hump), and charges gaps, the way fzf's scheme does. Path candidates are also scored on
their base name alone, so `fb` prefers `x/fb.py` over `foo/bar.py`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass

SCORE_MATCH = 16
SCORE_GAP_START = -3
SCORE_GAP_EXTENSION = -1
BONUS_BOUNDARY = 8
BONUS_CAMEL = 7
BONUS_CONSECUTIVE = 4
BONUS_FIRST_CHAR_MULTIPLIER = 2
BONUS_BASENAME = 10
# How many start positions of the first query character to try; enough for real paths, bounded for speed.
MAX_STARTS = 8
_SEPARATORS = "/\\_-. :"


@dataclass(frozen=True)
class FuzzyMatch:
    score: int
    positions: tuple[int, ...]


@dataclass(frozen=True)
class Candidate:
    """One autocomplete entry: `insert_text` replaces the typed '@prefix'."""

    label: str
    kind: str  # "file" | "folder" | "symbol" | "docs" | "diff"
    insert_text: str
    score: int
    positions: tuple[int, ...] = ()


def _bonus_at(text: str, i: int) -> int:
    if i == 0:
        return BONUS_BOUNDARY
    prev, ch = text[i - 1], text[i]
    if prev in _SEPARATORS:
        return BONUS_BOUNDARY
    if prev.islower() and ch.isupper():
        return BONUS_CAMEL
    if not prev.isdigit() and ch.isdigit():
        return BONUS_CAMEL
    return 0


def _score_positions(text: str, positions: list[int]) -> int:
    score = 0
    prev = -2
    run_bonus = 0
    for n, pos in enumerate(positions):
        bonus = _bonus_at(text, pos)
        if n == 0:
            bonus *= BONUS_FIRST_CHAR_MULTIPLIER
        if pos == prev + 1:
            # A consecutive run keeps the boundary bonus of its first character (fzf does the same).
            run_bonus = max(run_bonus, bonus, BONUS_CONSECUTIVE)
            score += SCORE_MATCH + run_bonus
        else:
            if n > 0:
                gap = pos - prev - 1
                score += SCORE_GAP_START + SCORE_GAP_EXTENSION * (gap - 1)
            run_bonus = bonus
            score += SCORE_MATCH + bonus
        prev = pos
    return score


def fuzzy_match(query: str, text: str) -> FuzzyMatch | None:
    """Best in-order match of `query` in `text`, or None when it is not a subsequence.

    Tries the first occurrence of the query's first character and later occurrences at word boundaries
    (where the best alignments start), each matched greedily and then tightened from the end (fzf v1).
    """
    if not query:
        return FuzzyMatch(0, ())
    q = query.lower()
    t = text.lower()
    best: FuzzyMatch | None = None
    start = t.find(q[0])
    tried = 0
    while start != -1 and tried < MAX_STARTS:
        if tried == 0 or _bonus_at(text, start):
            tried += 1
            positions = [start]
            ti = start + 1
            for ch in q[1:]:
                ti = t.find(ch, ti)
                if ti == -1:
                    return best  # later starts cannot match either
                positions.append(ti)
                ti += 1
            candidates = [positions]
            end = positions[-1]
            if end - start >= len(q):  # not contiguous: a shorter window may exist
                tight = [end]
                ti = end - 1
                for ch in reversed(q[:-1]):
                    ti = t.rfind(ch, start, ti + 1)
                    tight.append(ti)
                    ti -= 1
                tight.reverse()
                candidates.append(tight)
            for cand in candidates:
                score = _score_positions(text, cand)
                if best is None or score > best.score:
                    best = FuzzyMatch(score, tuple(cand))
        start = t.find(q[0], start + 1)
    return best


def match_path(query: str, path: str) -> FuzzyMatch | None:
    """Score a path on its whole text and on its base name alone (with a bonus), keeping the better."""
    whole = fuzzy_match(query, path)
    if whole is None:
        return None
    cut = path.rstrip("/").rfind("/") + 1
    if cut:
        base = fuzzy_match(query, path[cut:])
        if base is not None and base.score + BONUS_BASENAME > whole.score:
            return FuzzyMatch(base.score + BONUS_BASENAME, tuple(p + cut for p in base.positions))
    return whole


def _folders(files: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for f in files:
        parts = f.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            seen["/".join(parts[:i]) + "/"] = None
    return list(seen)


def mention_candidates(
    prefix: str,
    files: Sequence[str],
    symbols: Sequence[str],
    doc_names: Sequence[str],
    limit: int = 20,
) -> list[Candidate]:
    """Autocomplete entries for what the user typed after '@', best first.

    `prefix` is the text after '@' (no '@'). 'docs:' narrows to documentation sources. Ties break on
    shorter label, then alphabetically, so the order is stable.
    """
    if limit <= 0:
        return []
    out: list[Candidate] = []
    if prefix.startswith("docs:"):
        rest = prefix[5:]
        for name in doc_names:
            m = fuzzy_match(rest, name)
            if m is not None:
                out.append(Candidate(f"docs:{name}", "docs", f"@docs:{name}", m.score,
                                     tuple(p + 5 for p in m.positions)))
        return _best(out, limit)

    # A cheap C-level subsequence filter first, so scoring runs only on real matches.
    pattern = re.compile(".*?".join(re.escape(c) for c in prefix), re.IGNORECASE) if prefix else None

    def keep(text: str) -> bool:
        return pattern is None or pattern.search(text) is not None

    for path in files:
        if keep(path):
            m = match_path(prefix, path)
            if m is not None:
                out.append(Candidate(path, "file", f"@{path}", m.score, m.positions))
    for folder in _folders(files):
        if keep(folder):
            m = match_path(prefix, folder)
            if m is not None:
                out.append(Candidate(folder, "folder", f"@{folder}", m.score, m.positions))
    for name in dict.fromkeys(symbols):  # one entry per name: the resolver shows every definition
        if keep(name):
            m = fuzzy_match(prefix, name)
            if m is not None:
                out.append(Candidate(name, "symbol", f"@{name}", m.score, m.positions))
    for label, kind, insert in [("diff", "diff", "@diff")] + [
        (f"docs:{n}", "docs", f"@docs:{n}") for n in doc_names
    ]:
        m = fuzzy_match(prefix, label)
        if m is not None:
            out.append(Candidate(label, kind, insert, m.score, m.positions))
    return _best(out, limit)


def _best(cands: list[Candidate], limit: int) -> list[Candidate]:
    return heapq.nsmallest(limit, cands, key=lambda c: (-c.score, len(c.label), c.label, c.kind))
