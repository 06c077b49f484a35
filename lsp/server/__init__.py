"""caret as a language server (pygls): the engine's ghost text, edits and chat offered to any editor over stdio.

Handlers only translate LSP into engine calls (completion.py, actions.py); positions are converted at the
boundary (documents.py). Every request is answered at once: nothing blocks the event loop, and the protocol
has its own copy of stdout (stdio.py). Engine events reach the client as work-done progress and each distinct
problem once as `window/showMessage` (events.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from engine.errors import ConfigError
from engine.session import Session
from lsp.server.actions import COMMANDS, Commands, code_actions
from lsp.server.completion import Completer
from lsp.server.documents import doc_language, document_path
from lsp.server.events import EventReporter
from lsp.server.protocol import CaretProtocol
from lsp.server.settings import flatten
from lsp.server.stdio import protocol_streams

__all__ = ["VERSION", "EventReporter", "build_server", "document_path", "serve", "tcp_address"]

VERSION = "0.1.0"
log = logging.getLogger("caret.lsp")


def configure(session: Session, reporter: EventReporter, options: Any, origin: str) -> None:
    """Apply the editor's settings; a bad one is shown as one error message and nothing changes."""
    changes = flatten(options)
    if not changes:
        return
    try:
        session.reconfigure(changes, origin)
    except ConfigError as exc:
        reporter.tell(f"caret: {exc}", lsp.MessageType.Error)


def build_server(session: Session) -> LanguageServer:
    """caret's language server over `session`."""
    server = LanguageServer(
        "caret", VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental, protocol_cls=CaretProtocol
    )
    reporter = EventReporter(server)
    completer = Completer(session, reporter)
    commands = Commands(session, reporter)
    background: set[asyncio.Task[Any]] = set()

    def spawn(coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        background.add(task)
        task.add_done_callback(background.discard)

    initialization: dict[str, Any] = {}

    @functools.lru_cache(maxsize=256)
    def edited_path(uri_path: str | None, uri: str) -> str:
        # didChange comes per keystroke: resolving the path (symlinks, the workspace root) each time cost ~100 us.
        return document_path(session, uri_path, uri)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LanguageServer, params: lsp.InitializeParams) -> None:
        initialization["options"] = params.initialization_options  # applied once messages can be shown

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LanguageServer, params: lsp.InitializedParams) -> None:
        reporter.start(session)
        configure(session, reporter, initialization.get("options"), "initializationOptions")
        # Load the completion model now, in the background, so the first keystroke does not pay for it.
        session.warm_up("completion")
        session.start_background()  # the index (chat and edits read it), @docs crawls, the watcher

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: LanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
        configure(session, reporter, params.settings, "workspace/didChangeConfiguration")

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        # Warm the model's KV cache with the file, so the first suggestion in it evaluates only the edit.
        doc = ls.workspace.get_text_document(params.text_document.uri)
        path = document_path(session, doc.path, doc.uri)
        spawn(session.prefill(path, doc.source, doc_language(doc)))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        session.buffer_changed(edited_path(doc.path, doc.uri), doc.source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=True))
    def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        spawn(session.buffer_saved(document_path(session, doc.path, doc.uri), params.text or doc.source))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        session.cancel_ghost_text()  # a suggestion for a closed buffer would never be shown

    @server.feature(lsp.TEXT_DOCUMENT_INLINE_COMPLETION, lsp.InlineCompletionOptions())
    async def inline_completion(
        ls: LanguageServer, params: lsp.InlineCompletionParams
    ) -> lsp.InlineCompletionList | None:
        return await completer.inline(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", "(", " "]))
    async def completion(ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        return await completer.completion(ls, params)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite]),
    )
    def code_action(ls: LanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return code_actions(session, ls, params)

    for name in COMMANDS:
        server.command(name)(command_handler(commands, name))

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: LanguageServer, params: None) -> None:
        reporter.close()
        await session.aclose()

    return server


def command_handler(commands: Commands, name: str) -> Any:
    """The pygls handler of one `caret.*` command (its JSON arguments passed on as they came)."""

    async def handler(ls: LanguageServer, *args: Any) -> Any:
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
        build_server(session).start_io(rpc_in, rpc_out)
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
