"""A pool of real language servers, one per language for one workspace, started on first need.

Callers never get an exception from a query: a missing, failed, hung or crashed server gives empty
results, and its state is a one-line `ServerStatus` for the UI. Each query waits at most `timeout_s`
(ghost text passes ~0.05 s, chat ~2 s); a result that arrives later still lands in the cache, which is
keyed by (document uri, document version, method, position).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from lsprotocol.types import TextDocumentSyncKind

from lsp.client.connection import ServerConnection
from lsp.client.diagnostics import DiagnosticsStore
from lsp.client.documents import (
    MAX_DOCUMENT_CHARS,
    FileLinesCache,
    OpenDocument,
    apply_change,
    content_changes,
    from_server_position,
    language_id_for,
    minimal_change,
    to_server_position,
)
from lsp.client.positions import split_lines
from lsp.client.results import parse_diagnostics, parse_document_symbols, parse_hover, parse_locations
from lsp.client.servers import ServerSupervisor
from lsp.client.types import (
    Diagnostic,
    DocumentSymbol,
    Hover,
    Location,
    LspStale,
    LspTimeout,
    Position,
    ServerSpec,
    ServerStatus,
    TextChange,
)
from lsp.client.uris import canonical_uri, path_to_uri, uri_to_path

T = TypeVar("T")


class LanguageServerPool:
    """Language servers for the workspace at `root`; documents mirror the editor's buffers."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        specs: Sequence[ServerSpec],
        *,
        request_timeout_s: float = 10.0,
        start_timeout_s: float = 30.0,
        cache_entries: int = 4096,
        max_in_flight: int = 4,
        on_status: Callable[[ServerStatus], None] | None = None,
    ) -> None:
        self.root = os.path.abspath(root)
        self.request_timeout_s = request_timeout_s
        chosen = list(specs)
        self._servers = {
            spec.language: ServerSupervisor(
                spec, self.root, start_timeout_s, self._on_notification, self._reopen_documents, on_status
            )
            for spec in chosen
        }
        self._by_extension: dict[str, str] = {}
        for spec in chosen:
            for extension in spec.file_extensions:
                self._by_extension.setdefault(extension.lower(), spec.language)
        self._documents: dict[str, OpenDocument] = {}
        self._diagnostics = DiagnosticsStore()
        self._cache: collections.OrderedDict[tuple[Any, ...], asyncio.Task[Any]] = collections.OrderedDict()
        self._cache_entries = cache_entries
        # Requests beyond this many per server wait here, where a stale one can still be dropped unsent:
        # servers like jedi answer one at a time and cannot cancel what they have read.
        self._in_flight = {language: asyncio.Semaphore(max_in_flight) for language in self._servers}
        self._files = FileLinesCache()
        self._closed = False
        self.last_error = ""

    # -- servers and their status ------------------------------------------------------------------------

    def language_for(self, path: str) -> str | None:
        return self._by_extension.get(os.path.splitext(path)[1].lower())

    def server_name(self, path: str) -> str:
        language = self.language_for(path)
        return self._servers[language].spec.server_name if language else ""

    def statuses(self) -> list[ServerStatus]:
        return [server.status() for server in self._servers.values()]

    def status_for(self, path: str) -> ServerStatus | None:
        language = self.language_for(path)
        return self._servers[language].status() if language else None

    def _reopen_documents(self, connection: ServerConnection) -> None:
        # A (re)started server knows nothing: send it every mirrored document of its language.
        for document in self._documents.values():
            if document.language == connection.spec.language:
                self._send_open(connection, document)

    # -- documents -----------------------------------------------------------------------------------------

    async def sync_document(self, path: str, text: str) -> int | None:
        """Open the document or bring it up to `text`; the version the server now has, None if unserved."""
        document = self._documents.get(path_to_uri(path))
        if document is None:
            return await self.open_document(path, text)
        if document.text != text:
            change = minimal_change(document.text, text)
            return await self.edit_document(path, [change] if change else [])
        return document.version

    async def open_document(self, path: str, text: str) -> int | None:
        language = self.language_for(path)
        if language is None or self._closed:
            return None
        if len(text) > MAX_DOCUMENT_CHARS:
            self.last_error = f"{path}: too large to send to a language server ({len(text)} characters)"
            return None
        uri = path_to_uri(path)
        previous = self._documents.get(uri)
        if previous is not None:
            return await self.sync_document(path, text)
        spec = self._servers[language].spec
        document = OpenDocument(
            os.path.abspath(path), uri, language, language_id_for(path, spec.language_ids, language), text
        )
        self._documents[uri] = document
        server = self._servers[language]
        if server.live is not None:
            self._send_open(server.live, document)
        else:
            server.kick()  # once up, it is sent every mirrored document
        return document.version

    async def edit_document(self, path: str, changes: Sequence[TextChange]) -> int | None:
        """Apply range edits (caret positions, each relative to the text after the previous one)."""
        document = self._documents.get(path_to_uri(path))
        if document is None:
            return None
        text = document.text
        steps: list[tuple[TextChange, list[str]]] = []
        for change in changes:
            steps.append((change, document.lines if not steps else split_lines(text)))
            text = apply_change(text, change)
        if len(text) > MAX_DOCUMENT_CHARS:
            self.last_error = f"{path}: too large to send to a language server ({len(text)} characters)"
            await self.close_document(path)
            return None
        document.set_text(text)
        document.version += 1
        connection = self._live_connection(document.language)
        if connection is not None and connection.sync_kind != TextDocumentSyncKind.None_:
            changes_sent = content_changes(text, steps, connection.sync_kind, connection.position_encoding)
            connection.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": document.uri, "version": document.version}, "contentChanges": changes_sent},
            )
        return document.version

    async def save_document(self, path: str, text: str | None = None) -> None:
        if text is not None:
            await self.sync_document(path, text)
        document = self._documents.get(path_to_uri(path))
        connection = self._live_connection(document.language) if document else None
        if document is not None and connection is not None:
            params: dict[str, Any] = {"textDocument": {"uri": document.uri}}
            if connection.save_includes_text:
                params["text"] = document.text
            connection.notify("textDocument/didSave", params)

    async def close_document(self, path: str) -> None:
        uri = path_to_uri(path)
        document = self._documents.pop(uri, None)
        self._diagnostics.forget(uri)
        connection = self._live_connection(document.language) if document else None
        if connection is not None:
            connection.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def document_version(self, path: str) -> int | None:
        document = self._documents.get(path_to_uri(path))
        return document.version if document else None

    def document_text(self, path: str) -> str | None:
        """The mirrored buffer's text, else the file on disk (None when unreadable, binary or huge)."""
        document = self._documents.get(path_to_uri(path))
        return document.text if document else self._files.text(os.path.abspath(path))

    def _send_open(self, connection: ServerConnection, document: OpenDocument) -> None:
        connection.notify("textDocument/didOpen", document.did_open_params())

    def _live_connection(self, language: str) -> ServerConnection | None:
        return self._servers[language].live

    # -- queries -------------------------------------------------------------------------------------------

    async def definition(self, path: str, line: int, character: int, timeout_s: float | None = None) -> list[Location]:
        return await self._locations("textDocument/definition", path, line, character, timeout_s)

    async def type_definition(
        self, path: str, line: int, character: int, timeout_s: float | None = None
    ) -> list[Location]:
        return await self._locations("textDocument/typeDefinition", path, line, character, timeout_s)

    async def references(
        self, path: str, line: int, character: int, timeout_s: float | None = None, include_declaration: bool = True
    ) -> list[Location]:
        extra = {"context": {"includeDeclaration": include_declaration}}
        return await self._locations("textDocument/references", path, line, character, timeout_s, extra)

    async def hover(self, path: str, line: int, character: int, timeout_s: float | None = None) -> Hover | None:
        uri = path_to_uri(path)
        return await self._query(
            "textDocument/hover",
            path,
            Position(line, character),
            None,
            timeout_s,
            None,
            lambda result, encoding: parse_hover(result, uri, self._to_position(encoding)),
        )

    async def document_symbols(self, path: str, timeout_s: float | None = None) -> list[DocumentSymbol]:
        uri = path_to_uri(path)
        return await self._query(
            "textDocument/documentSymbol",
            path,
            None,
            None,
            timeout_s,
            [],
            lambda result, encoding: parse_document_symbols(uri, result, self._to_position(encoding)),
        )

    def diagnostics(self, path: str) -> list[Diagnostic]:
        """The latest diagnostics the server published for the document (empty if none yet)."""
        return self._diagnostics.latest(path_to_uri(path))

    async def wait_for_diagnostics(
        self, path: str, version: int | None = None, timeout_s: float = 2.0
    ) -> list[Diagnostic] | None:
        """Diagnostics published for `version` (default: the current one) or later; None on timeout."""
        uri = path_to_uri(path)
        document = self._documents.get(uri)
        if document is None:
            return None
        wanted = version if version is not None else document.version
        return await self._diagnostics.wait(uri, wanted, timeout_s)

    async def _locations(
        self,
        method: str,
        path: str,
        line: int,
        character: int,
        timeout_s: float | None,
        extra: dict[str, Any] | None = None,
    ) -> list[Location]:
        return await self._query(
            method,
            path,
            Position(line, character),
            extra,
            timeout_s,
            [],
            lambda result, encoding: parse_locations(result, self._to_position(encoding)),
        )

    async def _query(
        self,
        method: str,
        path: str,
        position: Position | None,
        extra: dict[str, Any] | None,
        timeout_s: float | None,
        default: T,
        parse: Callable[[Any, Any], T],
    ) -> T:
        if self._closed:
            return default
        uri = path_to_uri(path)
        document = self._documents.get(uri)
        if document is None:
            text = self._files.text(os.path.abspath(path))
            if text is None or await self.open_document(path, text) is None:
                return default
            document = self._documents[uri]
        server = self._servers[document.language]
        if server.state == "missing":
            return default
        key = (uri, document.version, method, position, repr(extra))
        task = self._cache.get(key)
        if task is None:
            params: dict[str, Any] = {"textDocument": {"uri": uri}, **(extra or {})}
            task = asyncio.create_task(self._run(server, document, method, params, position, parse))
            task.add_done_callback(lambda done: self._query_done(key, done))
            self._cache[key] = task
            while len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        wait_s = self.request_timeout_s if timeout_s is None else timeout_s
        if not task.done():
            await asyncio.wait({task}, timeout=wait_s)
        if not task.done() or task.cancelled() or task.exception() is not None:
            return default
        result: T = task.result()  # the cache holds tasks of every query's own result type
        return result

    async def _run(
        self,
        server: ServerSupervisor,
        document: OpenDocument,
        method: str,
        params: dict[str, Any],
        position: Position | None,
        parse: Callable[[Any, Any], T],
    ) -> T:
        version, lines = document.version, document.lines
        connection = await server.connection_ready()
        async with self._in_flight[server.spec.language]:
            if self._documents.get(document.uri) is not document or document.version != version:
                raise LspStale(f"{document.path} changed before {method} was sent")
            if position is not None:
                params["position"] = to_server_position(lines, position, connection.position_encoding)
            result = await connection.request(method, params, self.request_timeout_s)
        return parse(result, connection.position_encoding)

    def _query_done(self, key: tuple[Any, ...], task: asyncio.Task[Any]) -> None:
        error = None if task.cancelled() else task.exception()
        # A failure is not cached (the next call at this version and position asks again), except a
        # timeout: the same question about the same text would hang again.
        failed = task.cancelled() or (error is not None and not isinstance(error, LspTimeout))
        if failed and self._cache.get(key) is task:
            del self._cache[key]
        if error is not None and not isinstance(error, LspStale):
            self.last_error = str(error).splitlines()[0] if str(error) else type(error).__name__

    def _to_position(self, encoding: Any) -> Callable[[str, dict[str, Any]], Position]:
        def convert(uri: str, raw: dict[str, Any]) -> Position:
            document = self._documents.get(canonical_uri(uri))
            if document is not None:
                lines = document.lines
            elif encoding == "utf-32":
                lines = None
            else:
                lines = self._files.lines(uri_to_path(uri))
            return from_server_position(lines, raw, encoding)

        return convert

    def _on_notification(self, method: str, params: Any) -> None:
        if method != "textDocument/publishDiagnostics" or not isinstance(params, dict):
            return
        uri = params.get("uri")
        document = self._documents.get(canonical_uri(uri)) if isinstance(uri, str) else None
        if document is None:
            return
        connection = self._live_connection(document.language)
        encoding = connection.position_encoding if connection else "utf-16"
        version = params.get("version")
        self._diagnostics.publish(
            document.uri,
            # Without a version, the publish is taken to describe the text the server has now.
            version if isinstance(version, int) else document.version,
            parse_diagnostics(document.uri, params.get("diagnostics"), self._to_position(encoding)),
        )

    # -- close ---------------------------------------------------------------------------------------------

    async def close(self) -> None:
        """shutdown/exit every server, kill what does not go, reap every process; queries then return empty."""
        if self._closed:
            return
        self._closed = True
        pending = [task for task in self._cache.values() if not task.done()]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.gather(*(server.close() for server in self._servers.values()), return_exceptions=True)
        self._cache.clear()

