"""Python's full garbage collections moved to the moments the user is not typing.

With a 10,000-line file open the editor holds ~150,000 tracked objects (drawn lines, their caches, the index's
chunks); CPython then ran a full collection every few seconds of typing, each a 75-90 ms pause inside a keystroke.
Here the automatic full collection is off: a full one runs once typing has paused, and the objects that survive
it are frozen, so that the young collections, and a full one that is overdue during non-stop typing, skip them.
Before each idle collection the frozen objects are thawed, so cycles among them (a closed tab's widgets) are freed.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

PAUSE_S = 1.0  # no keystroke for this long: a full collection does not interrupt anyone
DUE = 10  # young (generation 1) collections since the last full one: a full one is due (Python's own threshold)
OVERDUE = 100  # this many: collect even while typing (only what is not frozen)
# Python's own: a full collection after 10 generation-1 ones (and enough new long-lived objects). Never, here.
NEVER = 1 << 30


def collection_due(now: float, last_key: float, pending: int, pause_s: float = PAUSE_S) -> str | None:
    """What to collect: "idle" (everything, thawed first), "overdue" (what is not frozen) or None.

    `pending`: generation-1 collections since the last full one (gc.get_count()[2] once automatic full ones are off).
    """
    if pending < DUE:
        return None  # as Python would: a full collection (~90 ms) for every young one would cost ~1 % CPU idle
    if now - last_key >= pause_s:
        return "idle"
    if pending >= OVERDUE:
        return "overdue"
    return None


class IdleCollector:
    """Turns off the automatic full collection and runs it from a timer when `collection_due` says so."""

    def __init__(self) -> None:
        self.last_key = time.monotonic()
        self.collected = 0  # full collections run (for tests)
        self._threshold: tuple[int, int, int] | None = None

    def start(self, app: App[Any], every_s: float = PAUSE_S / 2) -> None:
        """Take over full collections for `app`'s lifetime (restored by `stop`)."""
        young, middle, _ = self._threshold = gc.get_threshold()
        gc.set_threshold(young, middle, NEVER)
        app.set_interval(every_s, self.tick)

    def stop(self) -> None:
        """Give full collections back to Python."""
        if self._threshold is not None:
            gc.unfreeze()
            gc.set_threshold(*self._threshold)
            self._threshold = None

    def key(self) -> None:
        """A keystroke: the user is busy."""
        self.last_key = time.monotonic()

    def tick(self) -> None:
        """Collect if due (called from a timer on the UI loop)."""
        due = collection_due(time.monotonic(), self.last_key, gc.get_count()[2])
        if due == "idle":
            gc.unfreeze()
        if due is not None:
            gc.collect()
            gc.freeze()
            self.collected += 1
