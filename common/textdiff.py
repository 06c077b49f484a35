"""The one text differ: the span between the common prefix and suffix of two sequences. Pure.

Every user that needs "what changed between two versions of a buffer" calls this: the incremental re-parse
(bytes, context/symbols.py) and the editor's one-step replacement of an accepted edit (lines,
engine/edit_apply.py). It works on any sliceable sequence: str, bytes, or a list of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

_S = TypeVar("_S", str, bytes, Sequence[str])


def _common_prefix_length(a: _S, b: _S, limit: int) -> int:
    """Length of the common prefix (at most `limit`), by bisection over slice compares.

    Slice equality of str and bytes is one memcmp, so this stays fast on megabyte buffers where a loop over
    single characters would cost a Python step per character.
    """
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_length(a: _S, b: _S, limit: int) -> int:
    """Length of the common suffix (at most `limit`), by bisection like the prefix."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def changed_span(old: _S, new: _S) -> tuple[int, int, int]:
    """(start, old_end, new_end) with `new == old[:start] + new[start:new_end] + old[old_end:]`.

    The span is minimal: the common prefix is taken whole first, then the longest common suffix that does
    not overlap it. Equal inputs give an empty span at their end.
    """
    shorter = min(len(old), len(new))
    start = _common_prefix_length(old, new, shorter)
    suffix = _common_suffix_length(old, new, shorter - start)
    return start, len(old) - suffix, len(new) - suffix
