"""Documents at the boundary: client URIs and positions (UTF-16 by default) to workspace paths and Python string
indices, and an engine's new text back to LSP edits."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls.workspace import TextDocument, Workspace

from engine.errors import WorkspaceError
from engine.ghost import GhostTextRequest
from engine.languages import language_for
from engine.session import Session

_WORD_TAIL = re.compile(r"[A-Za-z0-9_]*$")


def document_path(session: Session, uri_path: str | None, uri: str) -> str:
    """Workspace-relative path when the document lies in the workspace, else the absolute path or the URI."""
    if not uri_path:
        return uri
    try:
        return session.relative_path(Path(uri_path))
    except WorkspaceError:
        return uri_path


def doc_language(doc: TextDocument) -> str | None:
    """The client's language id, else caret's guess from the path and first line."""
    first_line = doc.source.split("\n", 1)[0]
    return doc.language_id or language_for(doc.path or doc.uri, first_line)


def ghost_request(
    session: Session, doc: TextDocument, position: lsp.Position, text: str | None = None, invoked: bool = False
) -> GhostTextRequest:
    """The engine's request for the client's cursor; `text` replaces the buffer (a selected completion applied)."""
    server = doc.position_from_client_units(position)
    return GhostTextRequest(
        path=document_path(session, doc.path, doc.uri),
        text=doc.source if text is None else text,
        line=server.line,
        column=server.character,
        language=doc_language(doc),
        version=doc.version or 0,
        invoked=invoked,
    )


def line_at(doc: TextDocument, position: lsp.Position) -> tuple[str, str]:
    """(text before, text after) the cursor on its line, in Python characters."""
    server = doc.position_from_client_units(position)
    lines = doc.lines
    line = lines[server.line].rstrip("\r\n") if server.line < len(lines) else ""
    return line[: server.character], line[server.character :]


def word_before(doc: TextDocument, position: lsp.Position) -> str:
    """The identifier characters just before the cursor: what a completion client filters its items by."""
    before, _ = line_at(doc, position)
    match = _WORD_TAIL.search(before)
    return match.group(0) if match else ""


def with_replacement(doc: TextDocument, rng: lsp.Range, new_text: str) -> tuple[str, lsp.Position]:
    """The buffer with `rng` replaced by `new_text`, and the client position just after the inserted text."""
    start = doc.offset_at_position(rng.start)
    end = doc.offset_at_position(rng.end)
    text = doc.source[:start] + new_text + doc.source[end:]
    after = TextDocument(doc.uri, text, position_codec=doc.position_codec)
    return text, after.client_position_at_offset(start + len(new_text))


def text_edit(old_text: str, new_text: str, codec_doc: TextDocument) -> lsp.TextEdit | None:
    """One edit turning `old_text` into `new_text`: the changed lines only (None when nothing changed).
    `codec_doc` holds `old_text` and converts the one column that may be needed to client units."""
    if old_text == new_text:
        return None
    old = old_text.splitlines(keepends=True)
    new = new_text.splitlines(keepends=True)
    top = 0
    while top < min(len(old), len(new)) and old[top] == new[top]:
        top += 1
    bottom = 0
    while bottom < min(len(old), len(new)) - top and old[-1 - bottom] == new[-1 - bottom]:
        bottom += 1
    end_line = len(old) - bottom
    start = lsp.Position(line=top, character=0)
    if end_line == len(old) and old and not old[-1].endswith(("\n", "\r")):
        end = codec_doc.client_position_at_offset(len(old_text))  # the last line has no newline: end at its end
    else:
        end = lsp.Position(line=end_line, character=0)
    return lsp.TextEdit(range=lsp.Range(start=start, end=end), new_text="".join(new[top : len(new) - bottom]))


def document_edit(workspace: Workspace, uri: str, old_text: str, new_text: str) -> lsp.TextDocumentEdit | None:
    """The versioned edit of one file (the version the client has open, or null for a closed file)."""
    doc = workspace.get_text_document(uri)
    opened = uri in workspace.text_documents
    codec_doc = doc if opened and doc.source == old_text else TextDocument(uri, old_text,
                                                                           position_codec=workspace.position_codec)
    edit = text_edit(old_text, new_text, codec_doc)
    if edit is None:
        return None
    version = doc.version if opened else None
    return lsp.TextDocumentEdit(
        text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=[edit]
    )
