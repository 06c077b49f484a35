"""Finding where one change goes in a file, most certain way first: exact, then ignoring trailing whitespace, then
a block shifted as a whole, then across elisions, then fuzzy with a margin over the next best place. Several
equally good places are refused (a diff's line number may pick one when it names exactly that place)."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable

from engine.apply.elide import elisions
from engine.apply.merge import Refused, indent, merge, shift

FUZZY_MIN = 0.75  # share of the reply's lines that must be the file's
FUZZY_MARGIN = 0.15  # how much better than the next best place
_STAGES: tuple[tuple[str, Callable[[str], str]], ...] = (("rstrip", str.rstrip), ("strip", str.strip))


def _quote(lines: list[str]) -> str:
    first = next((line.strip() for line in lines if line.strip()), "")
    return repr(first[:60])


def _occurrences(hay: list[str], needle: list[str], floor: int) -> list[int]:
    n = len(needle)
    first = needle[0]
    return [i for i in range(floor, len(hay) - n + 1) if hay[i] == first and hay[i : i + n] == needle]


def _choose(found: list[int], hint: int | None, what: str) -> int:
    if len(found) == 1:
        return found[0]
    if hint is not None and hint in found:
        return hint  # a diff's line number that names exactly one of the places
    places = ", ".join(str(i + 1) for i in found[:5])
    raise Refused(f"{what} matches {len(found)} places (lines {places})")


def _fuzzy(lines: list[str], before: list[str], floor: int, what: str) -> tuple[int, int]:
    """The window [start, end) most like `before`, when it is like enough and clearly the best."""
    nb = [line.strip() for line in before]
    nl = [line.strip() for line in lines]
    wanted = {line for line in nb if line}
    starts = {max(floor, i - j) for i, line in enumerate(nl) if i >= floor and line in wanted
              for j, b in enumerate(nb) if b == line}
    scored: list[tuple[float, int, int]] = []
    n = len(nb)
    for start in sorted(starts):
        for size in range(max(1, n - 2), n + 3):
            window = nl[start : start + size]
            if len(window) < size:
                continue
            sm = difflib.SequenceMatcher(None, nb, window, autojunk=False)
            if sm.real_quick_ratio() < FUZZY_MIN or sm.quick_ratio() < FUZZY_MIN:
                continue
            matched = sum(size for a, _, size in sm.get_matching_blocks() if any(nb[a : a + size]))
            if matched < 2:
                continue
            scored.append((sm.ratio(), start, start + size))
    if not scored:
        raise Refused(f"{what} is not in the file")
    scored.sort(key=lambda s: (-s[0], s[2] - s[1]))
    best, start, end = scored[0]
    rivals = [score for score, s, e in scored if e <= start or s >= end]
    if best < FUZZY_MIN:
        raise Refused(f"{what} is not in the file (the closest place, line {start + 1}, differs too much)")
    if rivals and rivals[0] > best - FUZZY_MARGIN:
        raise Refused(f"{what} is not in the file, and is about as close to lines {start + 1} and "
                      f"{next(s for score, s, e in scored if e <= start or s >= end) + 1}")
    return start, end


def _with_elisions(lines: list[str], before: list[str], after: list[str], floor: int, what: str) -> tuple[int, int,
                                                                                                          list[str]]:
    """A change whose SEARCH text leaves code out (`...`): each piece between elisions is found in order, and the
    replacement must leave out the same code at the same places."""
    cuts_b = elisions(before, lines)
    cuts_a = elisions(after, lines)
    if len(cuts_b) != len(cuts_a):
        raise Refused(f"{what} leaves code out ('...') in a different number of places than its replacement")
    pieces_b = _split(before, cuts_b)
    pieces_a = _split(after, cuts_a)
    out = list(lines)
    end = floor
    first = None
    for pb, pa in zip(pieces_b, pieces_a, strict=True):
        if not any(line.strip() for line in pb):
            if any(line.strip() for line in pa):
                raise Refused(f"{what} adds code next to an elision ('...'), where its place is unknown")
            continue
        s, e, new = locate(out, pb, pa, None, end, what)
        out[s:e] = new
        first = s if first is None else first
        end = s + len(new)
    if first is None:
        raise Refused(f"{what} is only elisions ('...')")
    return first, end - (len(out) - len(lines)), out[first:end]


def _first_line_dedented(lines: list[str], before: list[str], after: list[str], floor: int
                         ) -> tuple[list[str], list[str]] | None:
    """Both parts with their first line's indentation restored, when the reply lost only that (models often copy
    the first line without it) and the rest names exactly one place."""
    if len(before) < 2 or not after or indent(before[0]) or indent(after[0]) or not before[0].strip():
        return None
    nl = [line.strip() for line in lines]
    found = [i for i in _occurrences(nl, [line.strip() for line in before], floor)
             if indent(lines[i]) and shift(list(zip(before[1:], lines[i + 1 : i + len(before)], strict=True)))]
    if len(found) != 1:
        return None
    at = found[0]
    moved = shift(list(zip(before[1:], lines[at + 1 : at + len(before)], strict=True)))
    assert moved is not None
    wrote, have = moved
    own, delta = indent(lines[at]), len(have) - len(wrote)  # the reply's rest is shifted by `delta` columns
    if delta > len(own):
        return None
    first = own[delta:] if delta >= 0 else own[0] * -delta + own
    return [first + before[0], *before[1:]], [first + after[0], *after[1:]]


def _split(lines: list[str], cuts: list[int]) -> list[list[str]]:
    return [lines[a + 1 : b] for a, b in itertools.pairwise([-1, *cuts, len(lines)])]


def locate(lines: list[str], before: list[str], after: list[str], hint: int | None, floor: int = 0,
           what: str = "the change") -> tuple[int, int, list[str]]:
    """(start, end, new): lines[start:end] become `new`. `hint` is a 0-based line the reply names for the change's
    first line; `floor` the first line it may touch. Refused (one line) when it is nowhere or ambiguous."""
    found = _occurrences(lines, before, floor)
    if found:
        at = _choose(found, hint, what)
        return at, at + len(before), list(after)
    for _, norm in _STAGES:
        nl = [norm(line) for line in lines]
        found = _occurrences(nl, [norm(line) for line in before], floor)
        if norm is str.strip:
            found = [i for i in found if shift(list(zip(before, lines[i : i + len(before)], strict=True)))]
        if found:
            at = _choose(found, hint, what)
            s, e, new = merge(before, lines[at : at + len(before)], after, norm)
            return at + s, at + e, new
    if fixed := _first_line_dedented(lines, before, after, floor):
        return locate(lines, *fixed, hint, floor, what)
    if elisions(before, lines):
        return _with_elisions(lines, before, after, floor, what)
    start, end = _fuzzy(lines, before, floor, what)
    s, e, new = merge(before, lines[start:end], after, str.strip)
    return start + s, start + e, new
