"""What the engine tells its front-ends, as events: each front-end subscribes and shows them its own way (a
Textual message, LSP `$/progress` and `window/showMessage`, a stderr line). No front-end polls engine state.

Events may be published from worker threads (the index builds on one); a subscriber made on a running event loop
is always called on that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

log = logging.getLogger("caret.events")


@dataclass(frozen=True)
class ModelLoading:
    """A model started loading (local weights) or checking its server (remote)."""

    role: str
    message: str = ""
    model: str = ""  # the configured name ("gemma-3-270m", a model id), for a status bar


@dataclass(frozen=True)
class ModelLoaded:
    """A model is ready to answer."""

    role: str
    message: str = ""
    model: str = ""


@dataclass(frozen=True)
class ModelFailed:
    """A model could not be loaded or reached; `message` is one line."""

    role: str
    message: str
    model: str = ""


@dataclass(frozen=True)
class IndexProgress:
    """The workspace index has `done` of `total` files."""

    done: int
    total: int


@dataclass(frozen=True)
class IndexReady:
    """The workspace index is built."""

    files: int
    symbols: int


@dataclass(frozen=True)
class LanguageServerStarted:
    """A language server is running for `language`."""

    language: str
    message: str = ""


@dataclass(frozen=True)
class LanguageServerMissing:
    """No language server is installed for `language`; caret works on from tree-sitter context."""

    language: str
    message: str


@dataclass(frozen=True)
class LanguageServerFailed:
    """A language server did not start (it is retried later, with backoff)."""

    language: str
    message: str


@dataclass(frozen=True)
class LanguageServerCrashed:
    """A running language server exited; it is restarted on the next request."""

    language: str
    message: str


@dataclass(frozen=True)
class DocsCrawling:
    """A `[docs.NAME]` site started crawling; it ends in DocsCrawled or DocsFailed."""

    name: str


@dataclass(frozen=True)
class DocsCrawled:
    """A `[docs.NAME]` site was crawled into the cache."""

    name: str
    pages: int


@dataclass(frozen=True)
class DocsFailed:
    """A `[docs.NAME]` site could not be crawled; an older cache, if any, is kept."""

    name: str
    message: str


@dataclass(frozen=True)
class FileChangedOnDisk:
    """A workspace file changed on disk (and the index already knows): `kind` is created, modified, deleted
    or moved (then `old_path` is where it was)."""

    path: str
    kind: str
    old_path: str | None = None


@dataclass(frozen=True)
class WatchFailed:
    """The workspace cannot be watched (no inotify watches left, say): caret works on without live updates."""

    message: str


Event: TypeAlias = (
    ModelLoading | ModelLoaded | ModelFailed | IndexProgress | IndexReady | LanguageServerStarted
    | LanguageServerMissing | LanguageServerFailed | LanguageServerCrashed | DocsCrawling | DocsCrawled
    | DocsFailed | FileChangedOnDisk | WatchFailed
)
Subscriber: TypeAlias = Callable[[Event], object]  # what it returns is ignored
_PROBLEMS = (ModelFailed, LanguageServerMissing, LanguageServerFailed, LanguageServerCrashed, DocsFailed, WatchFailed)


def is_problem(event: Event) -> bool:
    """True for events a user should hear about even in a headless run."""
    return isinstance(event, _PROBLEMS)


def describe(event: Event) -> str:
    """One line for a status line or stderr; "" for events with nothing to say."""
    match event:
        case ModelLoading(role=role, message=message):
            return message or f"loading {role} model…"
        case ModelLoaded(role=role, message=message):
            return message or f"{role} model ready"
        case IndexProgress(done=done, total=total):
            return f"indexing {done}/{total} files"
        case IndexReady(files=files, symbols=symbols):
            return f"indexed {files} files, {symbols} symbols"
        case DocsCrawled(name=name, pages=pages):
            return f"docs {name}: crawled {pages} pages"
        case DocsFailed(name=name, message=message):
            return f"docs {name}: {message}"
        case FileChangedOnDisk(path=path, kind=kind):
            return f"{path} {kind} on disk"
        case LanguageServerStarted(language=language, message=message):
            return message or f"{language} language server running"
        case ModelFailed() | LanguageServerMissing() | LanguageServerFailed() | LanguageServerCrashed():
            return event.message
        case WatchFailed(message=message):
            return f"not watching the workspace: {message}"
    return ""


@dataclass(frozen=True)
class _Subscription:
    callback: Subscriber
    loop: asyncio.AbstractEventLoop | None  # where the callback runs; None: in the publishing thread


class EventBus:
    """Delivers each published event to every subscriber, in publishing order per thread.

    A subscriber made while an event loop runs is called on that loop (through `call_soon_threadsafe` when the
    event comes from another thread); one made outside any loop (a headless command) is called directly.
    A failing subscriber is logged and never stops the others or the publisher.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: list[_Subscription] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` with every event from now on; returns the function that stops it."""
        subscription = _Subscription(callback, _running_loop())
        with self._lock:
            self._subscriptions.append(subscription)

        def unsubscribe() -> None:
            with self._lock:
                if subscription in self._subscriptions:
                    self._subscriptions.remove(subscription)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Hand `event` to every subscriber; safe from any thread."""
        with self._lock:
            subscriptions = list(self._subscriptions)
        here = _running_loop()
        for subscription in subscriptions:
            loop = subscription.loop
            if loop is None or loop is here:
                _call(subscription.callback, event)
                continue
            with contextlib.suppress(RuntimeError):  # that loop is closed: its front-end is gone
                loop.call_soon_threadsafe(_call, subscription.callback, event)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _call(callback: Subscriber, event: Event) -> None:
    try:
        callback(event)
    except Exception:  # one broken front-end handler must not silence the rest
        log.exception("event subscriber failed on %r", event)
