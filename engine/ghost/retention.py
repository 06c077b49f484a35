"""Retention: how much accepted ghost text is still there 30 s and 2 min after it was accepted (what Copilot
measures), local only, recorded in `.caret/stats` for `caret stats`.

Pure core: `moved` carries the accepted text's span through one buffer edit, `retained_fraction` compares the
accepted text with the text at its place now (1 - edit distance / length, the best match within a few characters
of the span, so a slightly misplaced span still finds it). `RetentionTracker` is the engine's state: the last
suggestion shown per file (an accept names only the text, so the place comes from the request that showed it), the
spans being watched, and timers on the running event loop; the comparison itself runs on a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from common.textdiff import changed_span
from engine.ghost.request import GhostTextRequest, cursor_offset

DELAYS_S = (30.0, 120.0)  # Copilot's 30 s and 2 min checks
SLACK_CHARS = 16  # how far around the tracked span the accepted text is looked for
MAX_CHARS = 1000  # a longer accepted text is compared by its first MAX_CHARS (the distance is quadratic)
RECENT_FILES = 8  # files whose last shown suggestion is remembered for a later accept

Record = Callable[[str, int, float, float], None]  # (language, accepted chars, after_s, retained fraction)


@dataclass(frozen=True)
class Span:
    """Characters `start`..`end` of a buffer: where the accepted text went (and what became of it)."""

    start: int
    end: int


def moved(span: Span, start: int, old_end: int, new_end: int) -> Span:
    """`span` after `old[start:old_end]` was replaced by `new[start:new_end]`: shifted by an edit before it, grown or
    shrunk by one inside it, swallowed by one across it; typing right at either edge stays outside."""
    delta = new_end - old_end
    if start == old_end:  # a pure insertion
        if start <= span.start:
            return Span(span.start + delta, span.end + delta)
        return span if start >= span.end else Span(span.start, span.end + delta)
    if old_end <= span.start:
        return Span(span.start + delta, span.end + delta)
    if start >= span.end:
        return span
    first = min(start, span.start)
    last = span.end + delta if old_end <= span.end else new_end
    return Span(first, max(first, last))


def substring_distance(needle: str, haystack: str) -> int:
    """The fewest single-character edits that turn `needle` into some substring of `haystack` (Sellers)."""
    column = list(range(len(needle) + 1))
    best = len(needle)
    for char in haystack:
        diagonal, column[0] = column[0], 0
        for i, want in enumerate(needle, 1):
            here = min(diagonal + (want != char), column[i] + 1, column[i - 1] + 1)
            diagonal, column[i] = column[i], here
        best = min(best, column[-1])
    return best


def retained_fraction(accepted: str, text: str, span: Span, slack: int = SLACK_CHARS) -> float:
    """How much of `accepted` is still at `span` of `text`, 0..1: 1 - edit distance / length, matched within
    `slack` characters of the span (at most a quarter of the accepted text's length, so a short accept is not
    found in its neighbours)."""
    accepted = accepted[:MAX_CHARS]
    if not accepted.strip():
        return 1.0
    slack = min(slack, len(accepted) // 4)
    low, high = max(0, span.start - slack), min(len(text), max(span.end, span.start) + slack)
    window = text[low:high][: 2 * MAX_CHARS]
    return max(0.0, 1.0 - substring_distance(accepted, window) / len(accepted))


@dataclass
class _Watched:
    path: str
    language: str
    accepted: str
    span: Span
    checks_left: int
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


class RetentionTracker:
    """Watches accepted ghost text and records, `delays_s` after each accept, how much of it is still there.

    Fed by the Session: `shown` (a suggestion was answered), `accepted` (the user took all or part of one),
    `text_changed` (every buffer snapshot a front-end reports). Checks are timers on the loop that heard the accept;
    without a running loop (a headless call) nothing is watched."""

    def __init__(self, record: Record, delays_s: tuple[float, ...] = DELAYS_S) -> None:
        self.delays_s = delays_s
        self._record = record
        self._shown: dict[str, tuple[GhostTextRequest, str]] = {}  # path -> (request, suggestion), newest last
        self._texts: dict[str, str] = {}  # path -> latest text, kept while a span in it is watched
        self._watched: list[_Watched] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def shown(self, request: GhostTextRequest, suggestion: str) -> None:
        """`suggestion` was answered for `request` (it may be shown, typed through, accepted)."""
        self._shown.pop(request.path, None)
        self._shown[request.path] = (request, suggestion)
        while len(self._shown) > RECENT_FILES:
            del self._shown[next(iter(self._shown))]

    def accepted(self, language: str, suggestion: str, inserted: str) -> bool:
        """The user inserted `inserted`, the start of the ghost text `suggestion` still shown (the rest of a shown
        answer after typing through); True when it is now watched."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        found = self._place(suggestion, inserted)
        if found is None:
            return False
        path, text, span = found
        self.text_changed(path, text)  # older spans in the file follow the insert
        watched = _Watched(path, language or "text", inserted, span, len(self.delays_s))
        self._watched.append(watched)
        self._texts[path] = text
        watched.timers = [loop.call_later(delay, self._due, watched, delay) for delay in self.delays_s]
        return True

    def _place(self, suggestion: str, inserted: str) -> tuple[str, str, Span] | None:
        """(path, the buffer right after the accept, the inserted text's span) from the newest shown answer that
        ends with `suggestion`."""
        if not inserted or not suggestion.startswith(inserted):
            return None
        for request, shown in reversed(self._shown.values()):
            if not shown.endswith(suggestion):
                continue
            typed = len(shown) - len(suggestion)  # typed through before the accept
            at = cursor_offset(request.text, request.line, request.column)
            text = request.text[:at] + shown[: typed + len(inserted)] + request.text[at:]
            return request.path, text, Span(at + typed, at + typed + len(inserted))
        return None

    def text_changed(self, path: str, text: str) -> None:
        """A buffer snapshot: the watched spans in `path` follow the edit (cheap: bisection over slices)."""
        old = self._texts.get(path)
        if old is None or old is text:
            return
        start, old_end, new_end = changed_span(old, text)
        for watched in self._watched:
            if watched.path == path:
                watched.span = moved(watched.span, start, old_end, new_end)
        self._texts[path] = text

    def _due(self, watched: _Watched, delay: float) -> None:
        text = self._texts.get(watched.path, "")
        task = asyncio.ensure_future(self._check(watched, text, watched.span, delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check(self, watched: _Watched, text: str, span: Span, delay: float) -> None:
        try:
            fraction = await asyncio.to_thread(retained_fraction, watched.accepted, text, span)
            self._record(watched.language, len(watched.accepted), delay, fraction)
        finally:
            watched.checks_left -= 1
            if watched.checks_left <= 0:
                self._forget(watched)

    def _forget(self, watched: _Watched) -> None:
        if watched in self._watched:
            self._watched.remove(watched)
        if not any(w.path == watched.path for w in self._watched):
            self._texts.pop(watched.path, None)

    def close(self) -> None:
        """Stop watching: checks not yet due are dropped (an editor closed before 2 min records no 2-min figure)."""
        for watched in self._watched:
            for handle in watched.timers:
                handle.cancel()
        for task in self._tasks:
            task.cancel()
        self._watched.clear()
        self._texts.clear()
