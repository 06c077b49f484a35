"""Engine events as an LSP client sees them: `$/progress` for model loading, indexing and docs crawls, problems
once as `window/showMessage`."""

from __future__ import annotations

import asyncio
import itertools
import logging

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from engine.events import (
    DocsCrawled,
    DocsCrawling,
    DocsFailed,
    Event,
    IndexProgress,
    IndexReady,
    ModelFailed,
    ModelLoaded,
    ModelLoading,
    describe,
    is_problem,
)
from engine.session import Session

log = logging.getLogger("caret.lsp")


class EventReporter:
    """Engine events as an LSP client sees them: `$/progress` for model loading, indexing and docs crawls (when the
    client supports work-done progress), and each distinct problem once as `window/showMessage`, never per request."""

    def __init__(self, ls: LanguageServer) -> None:
        self._ls = ls
        self._shown: set[str] = set()
        self._open: dict[str, str] = {}  # what is in progress ("model:completion", "index") -> its token
        self._numbers = itertools.count(1)
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self, session: Session) -> None:
        """Subscribe to `session` and start sending; on the server's event loop."""
        session.subscribe(self._queue.put_nowait)
        self._task = asyncio.get_running_loop().create_task(self._send_all())

    def close(self) -> None:
        """Stop sending."""
        if self._task is not None:
            self._task.cancel()

    def problem(self, message: str) -> None:
        """Show `message` as a warning, unless it was shown before."""
        if message and message not in self._shown:
            self._shown.add(message)
            self._ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message))

    async def _send_all(self) -> None:
        # One consumer: a progress token must be created (a round trip) before its first report.
        while True:
            event = await self._queue.get()
            try:
                await self._send(event)
            except Exception as exc:  # a client that refuses progress must not stop the problems
                log.warning("could not report %r: %s", event, exc)

    async def _send(self, event: Event) -> None:
        match event:
            case ModelLoading(role=role):
                await self._begin(f"model:{role}", f"Loading the {role} model", describe(event))
            case ModelLoaded(role=role):
                self._end(f"model:{role}", describe(event))
            case ModelFailed(role=role):
                self._end(f"model:{role}", event.message)
            case IndexProgress(done=done, total=total):
                percentage = done * 100 // total if total else 100
                message = f"{done}/{total} files"
                if "index" not in self._open:
                    await self._begin("index", "Indexing the workspace", message, percentage)
                else:
                    self._report("index", message, percentage)
            case IndexReady():
                self._end("index", describe(event))
            case DocsCrawling(name=name):
                await self._begin(f"docs:{name}", f"Crawling docs {name}", f"[docs.{name}]")
            case DocsCrawled(name=name) | DocsFailed(name=name):
                self._end(f"docs:{name}", describe(event))
        if is_problem(event):
            self.problem(describe(event))

    def _supports_progress(self) -> bool:
        window = self._ls.client_capabilities.window
        return bool(window is not None and window.work_done_progress)

    async def _begin(self, work: str, title: str, message: str, percentage: int | None = None) -> None:
        if not self._supports_progress() or work in self._open:
            return
        token = f"caret/{work}/{next(self._numbers)}"
        await self._ls.work_done_progress.create_async(token)
        self._open[work] = token
        self._ls.work_done_progress.begin(
            token, lsp.WorkDoneProgressBegin(title=title, message=message, percentage=percentage)
        )

    def _report(self, work: str, message: str, percentage: int) -> None:
        token = self._open.get(work)
        if token is not None:
            value = lsp.WorkDoneProgressReport(message=message, percentage=percentage)
            self._ls.work_done_progress.report(token, value)

    def _end(self, work: str, message: str) -> None:
        token = self._open.pop(work, None)
        if token is not None:
            self._ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=message))

    def tell(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        """Show `message` now (a command's outcome, a configuration error): asked for, so never deduplicated."""
        self._ls.window_show_message(lsp.ShowMessageParams(type=kind, message=message))
