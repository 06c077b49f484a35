"""The server's documents (LineDocument) apply incremental changes to the lines they touch: the text and lines
must be exactly what pygls's own TextDocument makes of the same changes, line endings and UTF-16 included."""

from __future__ import annotations

import random

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec, TextDocument

from lsp.server.documents import LineDocument, LineWorkspace

PIECES = ["a", "bc", "\n", "\r\n", "\r", "é", "😋", "x\ny", "", "  ", "\u2028", "def f():\n    pass\n"]


def random_change(rng: random.Random, doc: TextDocument) -> lsp.TextDocumentContentChangePartial:
    """A change anywhere in `doc`, in client (UTF-16) units, sometimes past the end of a line or of the file."""
    lines = doc.lines

    def position() -> lsp.Position:
        line = rng.randrange(len(lines) + 1) if lines else 0
        text = lines[line] if line < len(lines) else ""
        units = len(text.encode("utf-16-le")) // 2
        return lsp.Position(line, rng.randrange(units + 2))

    start, end = sorted((position(), position()), key=lambda p: (p.line, p.character))
    text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))
    return lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end), text=text)


def test_line_document_matches_pygls_on_random_changes() -> None:
    rng = random.Random(7)
    for trial in range(40):
        source = "".join(rng.choice(PIECES) for _ in range(rng.randrange(30)))
        codec = PositionCodec()
        ours = LineDocument("file:///t.py", source, version=1, position_codec=codec)
        theirs = TextDocument("file:///t.py", source, version=1, position_codec=codec)
        for _ in range(60):
            change = random_change(rng, theirs)
            ours.apply_change(change)
            theirs.apply_change(change)
            assert ours.source == theirs.source, (trial, change)
            assert tuple(ours.lines) == tuple(theirs.lines), (trial, change)


def test_whole_document_change_replaces_the_lines() -> None:
    doc = LineDocument("file:///t.py", "a\nb\n", version=1)
    assert doc.lines == ("a\n", "b\n")
    doc.apply_change(lsp.TextDocumentContentChangeWholeDocument(text="c\n"))
    assert doc.source == "c\n" and doc.lines == ("c\n",)


def test_workspace_opens_line_documents() -> None:
    workspace = LineWorkspace("file:///ws")
    workspace.put_text_document(lsp.TextDocumentItem(uri="file:///ws/t.py", language_id="python", version=1,
                                                     text="x = 1\n"))
    doc = workspace.get_text_document("file:///ws/t.py")
    assert isinstance(doc, LineDocument)
    workspace.update_text_document(
        lsp.VersionedTextDocumentIdentifier(uri="file:///ws/t.py", version=2),
        lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(0, 4), end=lsp.Position(0, 5)),
                                             text="2"),
    )
    assert doc.source == "x = 2\n" and doc.version == 2
