"""caret as a language server (pygls): the engine's ghost text, edits and chat offered to any editor over stdio.

Handlers only translate LSP into engine calls (completion.py, actions.py); positions are converted at the
boundary (documents.py). Every request is answered at once: nothing blocks the event loop, and the protocol
has its own copy of stdout (stdio.py). Engine events reach the client as work-done progress and each distinct
problem once as `window/showMessage` (events.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from engine.errors import ConfigError
from engine.session import Session
from lsp.server.actions import COMMANDS, Commands, code_actions
from lsp.server.completion import Completer
from lsp.server.documents import DocumentPaths, doc_language, document_path
from lsp.server.events import EventReporter
from lsp.server.protocol import CaretProtocol
from lsp.server.settings import flatten
from lsp.server.stdio import protocol_streams, run_io

__all__ = ["VERSION", "EventReporter", "build_server", "document_path", "serve", "tcp_address"]

VERSION = "0.1.0"
log = logging.getLogger("caret.lsp")


def configure(session: Session, reporter: EventReporter, options: Any, origin: str) -> bool:
    """Apply the editor's settings; a bad one is shown as one error message and nothing changes. True when the
    completion model changed (another model, provider, server or local setting: the engine makes a new one)."""
    changes = flatten(options)
    if not changes:
        return False
    before = session.model_spec("completion")
    try:
        session.reconfigure(changes, origin)
    except ConfigError as exc:
        reporter.tell(f"caret: {exc}", lsp.MessageType.Error)
        return False
    return session.model_spec("completion") != before


def build_server(session: Session) -> LanguageServer:
    """caret's language server over `session`."""
    server = LanguageServer(
        "caret", VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental, protocol_cls=CaretProtocol
    )
    reporter = EventReporter(server)
    paths = DocumentPaths(session)
    completer = Completer(session, reporter, paths)
    commands = Commands(session, reporter)
    background: set[asyncio.Task[Any]] = set()

    def spawn(coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        background.add(task)
        task.add_done_callback(background.discard)

    initialization: dict[str, Any] = {}
    recent: list[str] = []  # the URI of the document opened or edited last: the one a new model is prefilled with
    edited: dict[str, None] = {}  # URIs changed since the engine last heard of them, in order

    def hand_over_edits() -> None:
        # The engine hears of edits (recent-edit history, index) before each request that reads them, as from the
        # TUI, not per didChange: a keystroke then costs the lines it touches, not a copy and a diff of the file.
        for uri in edited:
            doc = server.workspace.text_documents.get(uri)
            if doc is not None:
                session.buffer_changed(paths(doc), doc.source)
        edited.clear()

    async def rewarm() -> None:
        # As at start: load the new model (with $/progress), then warm its cache with the document in use.
        await freeze_after(session.warm_up("completion"))
        doc = server.workspace.text_documents.get(recent[0]) if recent else None
        if doc is not None:
            await session.prefill(paths(doc), doc.source, doc_language(doc))

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LanguageServer, params: lsp.InitializeParams) -> None:
        initialization["options"] = params.initialization_options  # applied once messages can be shown

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LanguageServer, params: lsp.InitializedParams) -> None:
        reporter.start(session)
        configure(session, reporter, initialization.get("options"), "initializationOptions")
        # Load the completion model now, in the background, so the first keystroke does not pay for it.
        spawn(freeze_after(session.warm_up("completion")))
        session.start_background()  # the index (chat and edits read it), @docs crawls, the watcher

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: LanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
        if configure(session, reporter, params.settings, "workspace/didChangeConfiguration"):
            spawn(rewarm())

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        # Warm the model's KV cache with the file, so the first suggestion in it evaluates only the edit.
        paths.forget(params.text_document.uri)
        recent[:] = [params.text_document.uri]
        doc = ls.workspace.get_text_document(params.text_document.uri)
        spawn(session.prefill(paths(doc), doc.source, doc_language(doc)))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        recent[:] = [params.text_document.uri]
        edited[params.text_document.uri] = None

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=True))
    def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        hand_over_edits()
        doc = ls.workspace.get_text_document(params.text_document.uri)
        spawn(session.buffer_saved(paths(doc), params.text or doc.source))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        session.cancel_ghost_text()  # a suggestion for a closed buffer would never be shown
        edited.pop(params.text_document.uri, None)  # pygls has dropped the buffer, and its unsaved edits with it
        paths.forget(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_INLINE_COMPLETION, lsp.InlineCompletionOptions())
    async def inline_completion(
        ls: LanguageServer, params: lsp.InlineCompletionParams
    ) -> lsp.InlineCompletionList | None:
        hand_over_edits()
        return await completer.inline(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", "(", " "]))
    async def completion(ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        hand_over_edits()
        return await completer.completion(ls, params)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite]),
    )
    def code_action(ls: LanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return code_actions(session, ls, params)

    for name in COMMANDS:
        server.command(name)(command_handler(commands, name, hand_over_edits))

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: LanguageServer, params: None) -> None:
        reporter.close()
        await session.aclose()

    return server


async def freeze_after(loading: asyncio.Task[None]) -> None:
    """Once `loading` is done, move every object alive (modules, the model and its client) out of the garbage
    collector's reach: they live as long as the server. A full collection of the ~130,000 objects alive after
    start took 100-200 ms in the middle of a request; frozen, it scans only what requests made since."""
    await asyncio.wait([loading])
    gc.collect()
    gc.freeze()


def command_handler(commands: Commands, name: str, before: Callable[[], None]) -> Any:
    """The pygls handler of one `caret.*` command (its JSON arguments passed on as they came), calling `before`
    first."""

    async def handler(ls: LanguageServer, *args: Any) -> Any:
        before()
        return await commands.run(ls, name, args)

    return handler


def tcp_address(value: str) -> tuple[str, int]:
    """(host, port) from "HOST:PORT" (ValueError with one line when malformed)."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--tcp expects HOST:PORT (e.g. 127.0.0.1:2087), got {value!r}")
    return host.strip("[]"), int(port)


def serve(session: Session, tcp: str | None = None) -> int:
    """Run on stdio (or for one client on `tcp`, "HOST:PORT") until the client says exit."""
    if tcp is None:
        rpc_in, rpc_out = protocol_streams()
        run_io(build_server(session), rpc_in, rpc_out)
        return 0
    try:
        host, port = tcp_address(tcp)
    except ValueError as exc:
        print(f"caret: {exc}", file=sys.stderr)
        return 2
    print(f"caret lsp: listening on {host}:{port}", file=sys.stderr, flush=True)
    try:
        build_server(session).start_tcp(host, port)
    except OSError as exc:  # the port is taken, the host is not ours
        print(f"caret: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
