"""Applying one change where the reply's copy of the code differs a little from the file's: a three-way merge.

The reply says "these lines (base) become those (new)"; the file holds a region (target) that the base only
approximately matches. Lines the reply keeps come from the file, so its whitespace and small differences survive;
lines the reply changes are replaced by the new ones, re-indented by the shift between the reply and the file.
Anything that cannot be placed without guessing is refused.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable

Normalize = Callable[[str], str]


class Refused(Exception):
    """A change that cannot be applied without guessing; one line, without the file's name."""


def indent(line: str) -> str:
    """The leading whitespace of `line`."""
    return line[: len(line) - len(line.lstrip())]


def similar(a: str, b: str) -> bool:
    """Whether two lines are one line with a small difference (a typo, changed spacing or quotes)."""
    a, b = a.strip(), b.strip()
    return bool(a) and bool(b) and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.75


def shift(pairs: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(wrote, have): the reply's indentation of its least indented line and the file's, when every line is shifted
    alike (a block moved as a whole); None when the shift differs from line to line."""
    nonblank = [(b, t) for b, t in pairs if b.strip() and t.strip()]
    if not nonblank:
        return "", ""
    b0, t0 = min(nonblank, key=lambda p: len(indent(p[0])))
    wrote, have = indent(b0), indent(t0)
    for b, t in nonblank:
        ib, it = indent(b), indent(t)
        if not ib.startswith(wrote) or it != have + ib[len(wrote):]:
            return None
    return wrote, have


def reindent(line: str, wrote: str, have: str) -> str:
    """A new line moved by the shift from the reply's indentation (`wrote`) to the file's (`have`)."""
    if not line.strip():
        return ""
    if line.startswith(wrote):
        return (have + line[len(wrote):]).rstrip()
    if have.startswith(wrote):
        return (have[len(wrote):] + line).rstrip()
    raise Refused(f"the line {line.strip()!r} is indented less than the code it replaces")


def align(base: list[str], target: list[str], norm: Normalize) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Which target line each base line is (`mapped`), and the target lines the base does not show, by the base
    line they come before (`extra`; key len(base): after the last)."""
    mapped: dict[int, int] = {}
    extra: dict[int, list[int]] = defaultdict(list)
    nb, nt = [norm(line) for line in base], [norm(line) for line in target]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, nb, nt, autojunk=False).get_opcodes():
        paired = tag == "equal" or (
            tag == "replace" and i2 - i1 == j2 - j1
            and all(similar(base[i1 + k], target[j1 + k]) for k in range(i2 - i1))
        )
        if paired:
            mapped.update({i1 + k: j1 + k for k in range(i2 - i1)})
        else:
            extra[i1].extend(range(j1, j2))
    return mapped, extra


def merge(base: list[str], target: list[str], new: list[str], norm: Normalize) -> tuple[int, int, list[str]]:
    """(start, end, lines): the part of `target` the change covers and what replaces it. Refused when a line the
    reply changes is not in the file, when the file has lines inside the change that the reply does not show, or
    when the reply's indentation is not one shift of the file's."""
    mapped, extra = align(base, target, norm)
    if not mapped:
        raise Refused("none of its lines are in the file")
    lo, hi = min(mapped.values()), max(mapped.values()) + 1
    extra = {k: [t for t in ts if lo <= t < hi] for k, ts in extra.items()}
    moved = shift([(base[b], target[t]) for b, t in mapped.items()])
    if moved is None:
        raise Refused("its lines are indented differently from the file's, line by line")
    wrote, have = moved
    out: list[str] = []
    nb, nn = [norm(line) for line in base], [norm(line) for line in new]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, nb, nn, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                out.extend(target[t] for t in extra.get(k, ()))
                if k in mapped:
                    out.append(target[mapped[k]])
            continue
        if tag == "insert" and extra.get(i1):
            raise Refused("the file has lines the reply does not show where it inserts")
        if tag != "insert":
            out.extend(target[t] for t in extra.get(i1, ()))
        if any(extra.get(k) for k in range(i1 + 1, i2)):
            raise Refused("the file has lines the reply does not show inside the change")
        missing = [k for k in range(i1, i2) if k not in mapped]
        if missing:
            raise Refused(f"it changes the line {base[missing[0]].strip()!r}, which is not in the file")
        out.extend(reindent(line, wrote, have) for line in new[j1:j2])
    out.extend(target[t] for t in extra.get(len(base), ()))
    return lo, hi, out
