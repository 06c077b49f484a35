"""caret as a language server (pygls): the engine's ghost text offered to any editor over stdio.

Handlers only translate LSP requests into engine calls. Positions arrive in the client's encoding (UTF-16 by
default) and are converted to Python string indices here, at the boundary.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from engine.complete import GhostTextRequest
from engine.errors import ModelError, WorkspaceError
from engine.files import language_for
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


def build_server(session: Session) -> LanguageServer:
    server = LanguageServer("caret", VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LanguageServer, params: lsp.InitializedParams) -> None:
        # Load the completion model now, in the background, so the first keystroke does not pay for it.
        session.warm_up("completion")

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
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=str(exc)))
            return None
        if not result.text:
            return lsp.InlineCompletionList(items=[])
        here = lsp.Range(start=params.position, end=params.position)
        return lsp.InlineCompletionList(items=[lsp.InlineCompletionItem(insert_text=result.text, range=here)])

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: LanguageServer, params: None) -> None:
        await session.aclose()

    return server


def serve(session: Session) -> int:
    """Run on stdio until the client says exit."""
    build_server(session).start_io()
    return 0
