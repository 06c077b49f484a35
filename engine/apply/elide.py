"""Code that leaves parts out: a file or replacement with `# ... existing code ...` lines, or a snippet of a file.

Each piece between elisions is anchored in the original by its first and last lines (extended until they name one
place); what lies between pieces is kept from the original. A piece whose edge is not in the original, or names
several places, is refused: the reply does not say where it goes.
"""

from __future__ import annotations

import itertools

from engine.apply.merge import Refused, similar
from prompts.replies import is_elision


def elisions(reply: list[str], original: list[str]) -> list[int]:
    """Indices of the reply's lines that stand for left-out code. A line the original has too (a `...` in a
    docstring) is the original's own only where a neighbour matches the original's neighbour of it."""
    where: dict[str, list[int]] = {}
    for k, line in enumerate(original):
        where.setdefault(line.strip(), []).append(k)

    def own(i: int) -> bool:
        for k in where.get(reply[i].strip(), ()):
            before = i > 0 and k > 0 and reply[i - 1].strip() == original[k - 1].strip() != ""
            after = (i + 1 < len(reply) and k + 1 < len(original)
                     and reply[i + 1].strip() == original[k + 1].strip() != "")
            if before or after:
                return True
        return False

    return [i for i, line in enumerate(reply) if is_elision(line) and not own(i)]


def _find(hay: list[str], needle: list[str], lo: int, hi: int) -> list[int]:
    n = len(needle)
    return [i for i in range(lo, hi - n + 1) if hay[i : i + n] == needle]


def _unique(norm_o: list[str], needles: list[list[str]], lo: int) -> tuple[int, list[int]]:
    """The first needle (they grow) found exactly once in norm_o[lo:]: (its index in `needles`, [where]); else the
    last one found in several places, or (-1, []) when the first is nowhere."""
    last: tuple[int, list[int]] = (-1, [])
    for k, needle in enumerate(needles):
        found = _find(norm_o, needle, lo, len(norm_o))
        if len(found) == 1:
            return k, found
        if not found:
            break
        last = (k, found)
    return last


def _closest(places: list[int], wanted: int, size: int) -> int | None:
    """The place nearest `wanted`, when it is near (a quarter of the piece) and clearly nearer than the next."""
    slack = max(2, size // 4)
    ranked = sorted(places, key=lambda p: abs(p - wanted))
    if ranked and abs(ranked[0] - wanted) <= slack and (
        len(ranked) == 1 or abs(ranked[1] - wanted) > abs(ranked[0] - wanted) + slack
    ):
        return ranked[0]
    return None


def _start(original: list[str], piece: list[str], lo: int) -> int:
    """Where `piece` starts in original[lo:]: its shortest prefix that occurs exactly once; when every prefix that
    occurs occurs several times, the place that fits the piece's length before its own unique end."""
    norm_o = [line.strip() for line in original]
    norm_p = [line.strip() for line in piece]
    _, found = _unique(norm_o, [norm_p[: k + 1] for k in range(len(piece))], lo)
    if len(found) == 1:
        return found[0]
    if found:
        j, ends = _unique(norm_o, [norm_p[len(piece) - j - 1 :] for j in range(len(piece))], lo)
        if len(ends) == 1 and (at := _closest([f for f in found if f <= ends[0]], ends[0] + j + 1 - len(piece),
                                              len(piece))) is not None:
            return at
    what = "is not in the file" if not found else "matches several places"
    raise Refused(f"the code after an elision, starting {piece[0].strip()[:60]!r}, {what}")


def _end(original: list[str], piece: list[str], start: int, marker: str | None) -> int:
    """Where `piece` (starting at `start`) ends: its shortest suffix that occurs once after the start, or the one
    place whose distance from the start fits the piece's length clearly best. When its last line is new: the end
    of the original's block if the piece is one whole block and the elision after it (`marker`; None: implicit)
    is outside that block, else where the piece stops following the original (its new lines are inserted there)."""
    norm_o = [line.strip() for line in original]
    norm_p = [line.strip() for line in piece]
    k, found = _unique(norm_o, [norm_p[len(piece) - k - 1 :] for k in range(len(piece))], start)
    if len(found) == 1:
        return found[0] + k + 1
    inside = marker is not None and _width(marker) > _width(piece[0])
    if not found and not inside and (block := _block_end(original, piece, start)) is not None:
        return block
    if not found and inside:
        return _followed(original, piece, start)
    if found and (at := _closest([f + k + 1 for f in found], start + len(piece), len(piece))) is not None:
        return at
    what = "is not in the file" if not found else "matches several places"
    raise Refused(f"the code before an elision, ending {piece[-1].strip()[:60]!r}, {what}")


def _followed(original: list[str], piece: list[str], start: int) -> int:
    """Where the piece stops following the original from `start`: equal lines, then lines changed a little (a line
    the reply edits); what follows in the piece is new."""
    j, t = 0, start
    while j < len(piece) and t < len(original) and piece[j].strip() == original[t].strip():
        j, t = j + 1, t + 1
    while j < len(piece) and t < len(original) and similar(piece[j], original[t]):
        j, t = j + 1, t + 1
    return t


def _width(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_end(original: list[str], piece: list[str], start: int) -> int | None:
    """Where the original's block starting at `start` ends, when the piece is one whole block (a function, a class:
    its first line and then only deeper lines, or a closing bracket): the piece then stands for that whole block."""
    head = _width(piece[0])
    body = [line for line in piece[1:] if line.strip()]
    if not body or any(_width(line) <= head and line.strip()[0] not in ")]}" for line in body):
        return None
    end = start + 1
    while end < len(original):
        line = original[end]
        if line.strip() and _width(line) <= head:
            if line.strip()[0] in ")]}":
                return end + 1
            break
        end += 1
    while end - 1 > start and not original[end - 1].strip():
        end -= 1  # the blank lines after the block are the elision's
    return end


def _lstrip_blank(lines: list[str]) -> list[str]:
    lo = 0
    while lo < len(lines) and not lines[lo].strip():
        lo += 1
    return lines[lo:]


def expand(original: list[str], reply: list[str], cuts: list[int], lead: bool = False, trail: bool = False
           ) -> list[str]:
    """The reply with each elision (at `cuts`, plus one before it when `lead` and after it when `trail`) replaced by
    the original code it stands for."""
    pieces = [reply[a + 1 : b] for a, b in itertools.pairwise([-1, *cuts, len(reply)])]
    markers = [reply[c] for c in cuts] + [None]
    out: list[str] = []
    pos = 0
    last = len(pieces) - 1
    for n, raw in enumerate(pieces):
        before, after = (lead if n == 0 else True), (trail if n == last else True)
        piece = _lstrip_blank(raw) if before else raw
        piece = _rstrip_blank(piece) if after else piece
        if not piece:
            continue
        start = _start(original, piece, pos) if before else pos
        end = _end(original, piece, start, markers[n]) if after else len(original)
        if start < pos or end < start:
            raise Refused("the code around an elision is out of order with the file")
        out.extend(original[pos:start])
        out.extend(piece)
        pos = end
    out.extend(original[pos:])
    return out


def _rstrip_blank(lines: list[str]) -> list[str]:
    hi = len(lines)
    while hi and not lines[hi - 1].strip():
        hi -= 1
    return lines[:hi]
