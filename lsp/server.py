"""caret as a language server (pygls): the engine's ghost text offered to any editor over stdio.

Handlers only translate LSP requests into engine calls. Positions arrive in the client's encoding (UTF-16 by
default) and are converted to Python string indices here, at the boundary. Engine events reach the client as
work-done progress (model loading, indexing) and each distinct problem once as `window/showMessage`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from engine.errors import ModelError, WorkspaceError
from engine.events import Event, IndexProgress, IndexReady, ModelFailed, ModelLoaded, ModelLoading, describe, is_problem
from engine.ghost import GhostTextRequest
from engine.languages import language_for
from engine.session import Session

VERSION = "0.1.0"
log = logging.getLogger("caret.lsp")


def document_path(session: Session, uri_path: str | None, uri: str) -> str:
    """Workspace-relative path when the document lies in the workspace, else the absolute path or the URI."""
    if not uri_path:
        return uri
    try:
        return session.relative_path(Path(uri_path))
    except WorkspaceError:
        return uri_path


class EventReporter:
    """Engine events as an LSP client sees them: `$/progress` for model loading and indexing (when the client
    supports work-done progress), and each distinct problem once as `window/showMessage`, never per request."""

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


def build_server(session: Session) -> LanguageServer:
    """caret's language server over `session`: inline completion, with engine events reported to the client."""
    server = LanguageServer("caret", VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
    reporter = EventReporter(server)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LanguageServer, params: lsp.InitializedParams) -> None:
        reporter.start(session)
        # Load the completion model now, in the background, so the first keystroke does not pay for it.
        session.warm_up("completion")
        session.start_background()  # the index (chat and edits read it), @docs crawls, the watcher

    prefills: set[asyncio.Task[None]] = set()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        # Warm the model's KV cache with the file, so the first suggestion in it evaluates only the edit.
        doc = params.text_document
        path = document_path(session, ls.workspace.get_text_document(doc.uri).path, doc.uri)
        language = doc.language_id or language_for(path, doc.text.split("\n", 1)[0])
        task = asyncio.get_running_loop().create_task(session.prefill(path, doc.text, language))
        prefills.add(task)
        task.add_done_callback(prefills.discard)

    @server.feature(lsp.TEXT_DOCUMENT_INLINE_COMPLETION, lsp.InlineCompletionOptions())
    async def inline_completion(
        ls: LanguageServer, params: lsp.InlineCompletionParams
    ) -> lsp.InlineCompletionList | None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        position = doc.position_from_client_units(params.position)
        lines = doc.source.split("\n")
        first_line = lines[0] if lines else ""
        request = GhostTextRequest(
            path=document_path(session, doc.path, doc.uri),
            text=doc.source,
            line=position.line,
            column=position.character,
            language=doc.language_id or language_for(doc.path or doc.uri, first_line),
            version=doc.version or 0,
        )
        try:
            result = await session.complete(request)
        except ModelError as exc:
            reporter.problem(str(exc))
            return None
        if not result.text:
            return lsp.InlineCompletionList(items=[])
        here = lsp.Range(start=params.position, end=params.position)
        return lsp.InlineCompletionList(items=[lsp.InlineCompletionItem(insert_text=result.text, range=here)])

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: LanguageServer, params: None) -> None:
        reporter.close()
        await session.aclose()

    return server


def serve(session: Session) -> int:
    """Run on stdio until the client says exit."""
    build_server(session).start_io()
    return 0
