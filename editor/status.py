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
