"""An edit reply while the model still writes it: what can already be shown as a diff. Pure.

A rewrite (one fenced block) shows each complete line as it arrives, the old lines the model has not reached yet
kept as they were; SEARCH/REPLACE replies show the blocks that are finished.
"""

from __future__ import annotations

import asyncio
import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass

from prompts.edit_format import REPLACE_MARK, SEARCH_MARK
from prompts.replies.parse import normalize
from prompts.replies.text import fenced_blocks, join_lines


@dataclass(frozen=True)
class PartialReply:
    """Either `reply`: the reply cut where it parses as finished, or `written`: a rewrite's open block so far."""

    reply: str | None = None
    written: str | None = None  # each line ended by a newline


def partial_reply(reply: str) -> PartialReply | None:
    """What of a reply still being written can be parsed; None before anything usable has arrived."""
    lines = normalize(reply)[:-1]  # complete lines only: the last one may be cut mid-token
    if any(line.strip() == SEARCH_MARK for line in lines):
        ends = [i for i, line in enumerate(lines) if line.strip() == REPLACE_MARK]
        if not ends:
            return None
        cut = lines[: ends[-1] + 1]
        if sum(line.lstrip().startswith("```") for line in cut) % 2:
            cut.append("```")  # the blocks sit in a code fence that is still open
        return PartialReply(reply=join_lines(cut))
    blocks = fenced_blocks(lines)
    if not blocks:
        return None
    if blocks[0].closed:
        return PartialReply(reply=join_lines(lines))
    return PartialReply(written=join_lines(list(blocks[0].body)))


def tentative_region(old_region: str, written: str) -> str:
    """The region while a rewrite is still written: the lines written so far, then the old lines after the last
    one the model copied (it has not reached them yet). Lines each ended by a newline, as the parser gives them."""
    old = old_region.split("\n") if old_region else []
    new = written.split("\n")[:-1]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    reached = max((a + size for a, _, size in matcher.get_matching_blocks() if size), default=0)
    return join_lines(new + old[reached:])


class Throttle:
    """Hands the latest pushed value to `emit` at most once per `interval_s`: at once when the last emit is that
    old, else when the interval ends, so what arrived just before a pause in the stream is shown too."""

    def __init__(self, emit: Callable[[str], None], interval_s: float) -> None:
        self._emit, self._interval_s = emit, interval_s
        self._next_at = 0.0
        self._latest: str | None = None
        self._timer: asyncio.TimerHandle | None = None

    def push(self, value: str) -> None:
        self._latest = value
        wait = self._next_at - time.monotonic()
        if wait <= 0:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(wait, self._flush)

    def _flush(self) -> None:
        self._timer = None
        self._next_at = time.monotonic() + self._interval_s
        value, self._latest = self._latest, None
        if value is not None:
            self._emit(value)

    def close(self) -> None:
        """Nothing more is emitted (the stream ended or was cancelled)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
