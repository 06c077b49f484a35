"""lsp/server/protocol.py relies on four pygls internals (nothing public serves): this fails loudly, naming what to
update, when a pygls upgrade renames or removes one of them."""

from __future__ import annotations

import inspect

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from lsp.server.protocol import CaretProtocol


def test_the_pygls_internals_caret_protocol_uses_are_still_there() -> None:
    params = list(inspect.signature(LanguageServerProtocol._execute_handler).parameters)
    assert params[:5] == ["self", "msg_id", "handler", "callback", "args"], (
        f"pygls changed _execute_handler{params}: update CaretProtocol._execute_handler in lsp/server/protocol.py")
    server = LanguageServer("probe", "0", protocol_cls=CaretProtocol,
                            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
    protocol = server.protocol
    assert isinstance(getattr(protocol, "_request_futures", None), dict), (
        "pygls no longer keeps _request_futures: CaretProtocol's leak fix must find where handler Futures live")
    assert hasattr(protocol, "_workspace"), "pygls no longer keeps _workspace: update CaretProtocol.lsp_initialize"
    assert hasattr(server, "_text_document_sync_kind"), (
        "pygls renamed _text_document_sync_kind: update CaretProtocol.lsp_initialize")
