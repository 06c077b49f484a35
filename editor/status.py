"""Engine events in the TUI: each arrives as a Textual message, and the status line says what a user should know."""

from __future__ import annotations

from textual.message import Message

from engine.events import (
    DocsCrawled,
    Event,
    FileChangedOnDisk,
    IndexProgress,
    IndexReady,
    LanguageServerStarted,
    describe,
)

# Index progress is news only when a build is slow enough to notice (a small project indexes in a blink).
SLOW_INDEX_FILES = 1000


class EngineEvent(Message):
    """An engine event, delivered on the app's message queue (so, always on its event loop)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


def status_text(event: Event) -> str:
    """What the status line shows for `event`; "" for events it leaves alone (the routine ones)."""
    if isinstance(event, IndexProgress):
        return describe(event) if event.total >= SLOW_INDEX_FILES else ""
    if isinstance(event, IndexReady):
        return describe(event) if event.files >= SLOW_INDEX_FILES else ""
    if isinstance(event, FileChangedOnDisk | DocsCrawled | LanguageServerStarted):
        return ""
    return describe(event)


def status_line(
    file: str, language: str | None, cursor: tuple[int, int], problems: int, news: str = "",
    ghost_ms: float | None = None,
) -> str:
    """The status line from what is known: the news (an engine event, a problem) first, then the file, its
    language, the cursor (1-based line:col), the problem count and the last ghost-text latency, when known."""
    parts = [news] if news else []
    parts.append(file or "untitled")
    if language:
        parts.append(language)
    parts.append(f"{cursor[0] + 1}:{cursor[1] + 1}")
    if problems:
        parts.append(f"{problems} problem{'s' if problems != 1 else ''}")
    if ghost_ms is not None:
        parts.append(f"ghost {ghost_ms:.0f} ms")
    return " · ".join(parts)
