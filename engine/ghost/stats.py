"""Local ghost-text metrics, never sent anywhere: suggestions shown, accepted, partly accepted, latency, and
retention (how much accepted text is still there 30 s and 2 min later, engine/ghost/retention.py), per language,
kept in `.caret/stats/ghost.jsonl` (one JSON object per event) by every front-end through the Session.

Events are buffered in memory and appended in batches (and on close), so a keystroke never waits on the disk.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

STATS_DIR = ".caret/stats"
STATS_FILE = "ghost.jsonl"
FLUSH_EVERY = 20
RETAINED_WELL = 0.9  # "still there": at least 90 % of the accepted text
log = logging.getLogger("caret.stats")


@dataclass(frozen=True)
class GhostEvent:
    """One suggestion shown ("shown", with its latency), accepted ("accepted" whole, "partial" in part), or an
    accepted text checked `after_s` later ("retained", the fraction of it still there)."""

    event: str
    language: str
    chars: int
    latency_ms: float = 0.0
    at: float = 0.0
    after_s: float = 0.0
    retained: float = 0.0

    def to_json(self) -> str:
        """The event as one JSON line."""
        data: dict[str, object] = {"event": self.event, "language": self.language, "chars": self.chars,
                                   "latency_ms": round(self.latency_ms, 1), "at": round(self.at, 3)}
        if self.event == "retained":
            data.update(after_s=self.after_s, retained=round(self.retained, 4))
        return json.dumps(data)


def acceptance(suggestion: str, inserted: str) -> str:
    """"accepted" when the whole suggestion went in, "partial" for a part of it (a word, a line), "" for none."""
    if not inserted or not suggestion.startswith(inserted):
        return ""
    return "accepted" if inserted == suggestion else "partial"


class GhostStats:
    """Records ghost-text events for one workspace; `flush` (or `close`) writes them out."""

    def __init__(self, root: Path) -> None:
        self.path = root / STATS_DIR / STATS_FILE
        self._pending: list[GhostEvent] = []

    def shown(self, language: str, chars: int, latency_ms: float) -> None:
        """A suggestion of `chars` characters was shown `latency_ms` after it was asked for."""
        self._add(GhostEvent("shown", language or "text", chars, latency_ms, time.time()))

    def accepted(self, language: str, suggestion: str, inserted: str) -> None:
        """The user accepted `inserted` of `suggestion` (all of it, or a word or line of it)."""
        kind = acceptance(suggestion, inserted)
        if kind:
            self._add(GhostEvent(kind, language or "text", len(inserted), 0.0, time.time()))

    def retained(self, language: str, chars: int, after_s: float, fraction: float) -> None:
        """`after_s` after an accept of `chars` characters, `fraction` (0..1) of it was still there."""
        self._add(GhostEvent("retained", language or "text", chars, 0.0, time.time(), after_s, fraction))

    def _add(self, event: GhostEvent) -> None:
        self._pending.append(event)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Append the buffered events to the stats file; a disk error loses them with one log line, never raises."""
        if not self._pending:
            return
        lines = "".join(e.to_json() + "\n" for e in self._pending)
        self._pending = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(lines)
        except OSError as exc:
            log.warning("ghost-text stats not written: %s", exc)


def read_events(root: Path) -> list[GhostEvent]:
    """The events recorded in the workspace at `root` (a damaged line is skipped)."""
    path = root / STATS_DIR / STATS_FILE
    events: list[GhostEvent] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return events
    for line in lines:
        try:
            data = json.loads(line)
            events.append(GhostEvent(str(data["event"]), str(data["language"]), int(data["chars"]),
                                     float(data.get("latency_ms", 0.0)), float(data.get("at", 0.0)),
                                     float(data.get("after_s", 0.0)), float(data.get("retained", 0.0))))
        except (ValueError, KeyError, TypeError):
            continue
    return events


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def delay_label(after_s: float) -> str:
    """"30s", "120s": the key of one retention check in the summary."""
    return f"{after_s:g}s"


def _retention(events: list[GhostEvent]) -> dict[str, dict[str, float | int | None]]:
    """Per check delay: how many accepts were checked, the mean share retained, and the share retained >= 90 %."""
    delays = sorted({e.after_s for e in events if e.event == "retained"})
    out: dict[str, dict[str, float | int | None]] = {}
    for after_s in delays:
        values = [e.retained for e in events if e.event == "retained" and e.after_s == after_s]
        out[delay_label(after_s)] = {
            "checks": len(values),
            "mean_pct": round(100 * sum(values) / len(values), 1),
            "at_least_90_pct": round(100 * sum(v >= RETAINED_WELL for v in values) / len(values), 1),
        }
    return out


def _summary(events: list[GhostEvent]) -> dict[str, object]:
    shown = [e for e in events if e.event == "shown"]
    accepted = sum(e.event == "accepted" for e in events)
    partial = sum(e.event == "partial" for e in events)
    latencies = [e.latency_ms for e in shown]
    return {
        "shown": len(shown),
        "accepted": accepted,
        "partly_accepted": partial,
        "acceptance_pct": round(100 * (accepted + partial) / len(shown), 1) if shown else None,
        "accepted_chars": sum(e.chars for e in events if e.event in ("accepted", "partial")),
        "latency_ms_p50": _pct(latencies, 0.5),
        "latency_ms_p95": _pct(latencies, 0.95),
        "retention": _retention(events),
    }


def summarize(events: Iterable[GhostEvent]) -> dict[str, object]:
    """Totals and per-language figures: shown, accepted, partly accepted, acceptance rate, latency p50/p95, and
    retention per check delay ("30s", "120s": checks, mean %, share >= 90 %)."""
    events = list(events)
    languages = sorted({e.language for e in events})
    return {**_summary(events), "by_language": {lang: _summary([e for e in events if e.language == lang])
                                                for lang in languages}}
