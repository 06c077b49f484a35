"""pygls's language server protocol with two fixes for a long session: no memory kept per notification, and a
workspace whose documents apply incremental changes to the lines they touch only (documents.LineDocument).

pygls 2.1 runs its built-in notification handlers (didOpen, didChange, didSave, ...) as generators and files each
one's Future in `_request_futures` under a fresh uuid that nothing ever removes: every didChange kept a finished
Future (a Condition and its lock, ~2 KB) for the life of the server.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as lsp
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from lsp.server.documents import LineWorkspace


class CaretProtocol(LanguageServerProtocol):
    """LanguageServerProtocol that forgets each handler's Future once it is done, and keeps documents as lines."""

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda done: self._forget(msg_id, done))

    def _forget(self, msg_id: Any, future: Any) -> None:
        # Only this handler's own entry: a request's answer callback may already have removed it.
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, lsp.InitializeResult]:
        """pygls's initialize, then its workspace swapped for a LineWorkspace (no document is open yet)."""
        result = yield from super().lsp_initialize(params)
        workspace = self.workspace
        self._workspace = LineWorkspace(
            workspace.root_uri,
            self._server._text_document_sync_kind,
            list(workspace.folders.values()),
            workspace.position_encoding,
        )
        return result
