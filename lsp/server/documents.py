"""Documents at the boundary: client URIs and positions (UTF-16 by default) to workspace paths and Python string
indices, and an engine's new text back to LSP edits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.workspace import TextDocument, Workspace

from engine.errors import WorkspaceError
from engine.ghost import GhostTextRequest
from engine.languages import language_for
from engine.session import Session

_WORD_TAIL = re.compile(r"[A-Za-z0-9_]*$")


class LineDocument(TextDocument):
    """A TextDocument that keeps its lines: an incremental change re-splits the lines it touches, not the file
    (pygls rebuilds the whole text and splits it again on every change and every position lookup)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lines: tuple[str, ...] | None = None

    @property
    def lines(self) -> Sequence[str]:
        if self._lines is not None:
            return self._lines
        lines = tuple(self.source.splitlines(True))
        if self._source is not None:  # a document read from disk on each access is not cached
            self._lines = lines
        return lines

    @property
    def source(self) -> str:
        if self._source is None and self._lines is not None:
            self._source = "".join(self._lines)
        return super().source

    def apply_change(self, change: lsp.TextDocumentContentChangeEvent) -> None:
        if (isinstance(change, lsp.TextDocumentContentChangePartial) and self._is_sync_kind_incremental
                and self._apply_to_lines(change)):
            return
        self._source = self.source if self._lines is not None else self._source  # the text, before the lines go
        self._lines = None
        super().apply_change(change)
        self._lines = None

    def _apply_to_lines(self, change: lsp.TextDocumentContentChangePartial) -> bool:
        """Replace the changed lines; False (nothing done) for a document read from disk, an empty one, or a range
        that ends past the last line (pygls's own rules apply)."""
        lines = self.lines
        rng = self.position_codec.range_from_client_units(lines, change.range)
        first, last = rng.start.line, rng.end.line
        if self._lines is None or not first <= last < len(lines):  # not kept in memory, or pygls's rule
            return False
        # One untouched line on each side joins the re-split text, so a "\r" + "\n" pair across the edge of the
        # change splits as it would in the whole file.
        low, high = max(first - 1, 0), min(last + 2, len(lines))
        text = "".join(lines[low:first]) + lines[first][: rng.start.character] + change.text
        text += lines[last][rng.end.character :] + "".join(lines[last + 1 : high])
        self._lines = (*lines[:low], *text.splitlines(True), *lines[high:])
        self._source = None  # joined again when asked for
        return True


class LineWorkspace(Workspace):
    """pygls's Workspace whose text documents are LineDocuments."""

    def _create_text_document(
        self, doc_uri: str, source: str | None = None, version: int | None = None, language_id: str | None = None
    ) -> TextDocument:
        return LineDocument(doc_uri, source=source, version=version, language_id=language_id,
                            sync_kind=self._sync_kind, position_codec=self._position_codec)


def document_path(session: Session, uri_path: str | None, uri: str) -> str:
    """Workspace-relative path when the document lies in the workspace, else the absolute path or the URI."""
    if not uri_path:
        return uri
    try:
        return session.relative_path(Path(uri_path))
    except WorkspaceError:
        return uri_path


class DocumentPaths:
    """Each document's workspace path, resolved once while it is open: resolving (symlinks, the workspace root)
    costs ~100 us, and didChange and completion requests ask for it per keystroke."""

    LIMIT = 4096  # documents asked about without being opened (a command's URI) are forgotten in bulk

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, str] = {}

    def __call__(self, doc: TextDocument) -> str:
        found = self._known.get(doc.uri)
        if found is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            found = self._known[doc.uri] = document_path(self._session, doc.path, doc.uri)
        return found

    def forget(self, uri: str) -> None:
        """Resolve `uri` again next time (opened or closed: the file may have moved or become a link)."""
        self._known.pop(uri, None)


def doc_language(doc: TextDocument) -> str | None:
    """The client's language id, else caret's guess from the path and first line."""
    if doc.language_id:
        return doc.language_id
    lines = doc.lines
    return language_for(doc.path or doc.uri, lines[0].rstrip("\r\n") if lines else "")


def ghost_request(
    path: str, doc: TextDocument, position: lsp.Position, text: str | None = None, invoked: bool = False
) -> GhostTextRequest:
    """The engine's request for the client's cursor in `doc` (at workspace `path`); `text` replaces the buffer (a
    selected completion applied)."""
    server = doc.position_from_client_units(position)
    return GhostTextRequest(
        path=path,
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
