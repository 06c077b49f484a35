"""Ghost text for editors: `textDocument/inlineCompletion`, and for clients without it the same suggestion as one
`textDocument/completion` item.

A newer request supersedes an older one (the engine cancels its decoding), and `$/cancelRequest` cancels the
handler's task, which stops decoding within one token. Automatic requests wait out the debounce and are not made
in the middle of a word; invoked ones (the user asked) are made at once, anywhere.
"""

from __future__ import annotations

import asyncio
import re

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from engine.errors import ModelError
from engine.ghost import GhostText
from engine.session import Session
from lsp.server.actions import ACCEPTED
from lsp.server.documents import DocumentPaths, doc_language, ghost_request, line_at, with_replacement, word_before
from lsp.server.events import EventReporter

_IDENTIFIER = re.compile(r"[A-Za-z0-9_]")
LABEL_CHARS = 60


def automatic_allowed(after_cursor: str) -> bool:
    """An automatic suggestion in the middle of a word would fight the user's typing: only before closing
    brackets, quotes, punctuation or nothing."""
    return not _IDENTIFIER.match(after_cursor.lstrip(" \t")[:1] or " ")


def fallback_enabled(mode: str, capabilities: lsp.ClientCapabilities) -> bool:
    """Whether `textDocument/completion` carries the AI suggestion: "on", "off", or "auto" (only for clients
    that cannot show inline completions)."""
    if mode in ("on", "off"):
        return mode == "on"
    text_document = capabilities.text_document
    return text_document is None or text_document.inline_completion is None


def inline_item(insert_text: str, here: lsp.Range, language: str | None, suggestion: str) -> lsp.InlineCompletionItem:
    """One inline item whose command the client executes after inserting it, so acceptance is counted."""
    accepted = lsp.Command(title="caret: accepted", command=ACCEPTED,
                           arguments=[{"language": language, "suggestion": suggestion}])
    return lsp.InlineCompletionItem(insert_text=insert_text, range=here, command=accepted)


def completion_item(word: str, suggestion: str, position: lsp.Position) -> lsp.CompletionItem:
    """The suggestion as one item that replaces the word before the cursor, so the client's filter (by that word)
    keeps it; its label is the first line as it will read."""
    first_line = (word + suggestion).split("\n", 1)[0]
    label = first_line.strip() or suggestion.strip().split("\n", 1)[0]
    if len(label) > LABEL_CHARS or "\n" in suggestion.rstrip("\n"):
        label = label[: LABEL_CHARS - 1].rstrip() + "…"
    start = lsp.Position(line=position.line, character=position.character - len(word.encode("utf-16-le")) // 2)
    return lsp.CompletionItem(
        label=label,
        kind=lsp.CompletionItemKind.Text,
        detail="caret",
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=f"```\n{word}{suggestion}\n```"),
        filter_text=word + suggestion,
        sort_text="0",
        preselect=True,
        insert_text_format=lsp.InsertTextFormat.PlainText,
        text_edit=lsp.TextEdit(range=lsp.Range(start=start, end=position), new_text=word + suggestion),
    )


class Completer:
    """Answers inline completion and completion requests from the engine's ghost text."""

    def __init__(self, session: Session, reporter: EventReporter, paths: DocumentPaths) -> None:
        self._session = session
        self._reporter = reporter
        self._paths = paths
        self._latest = 0  # the newest request's number: an older one still debouncing gives up

    async def _suggest(self, doc: TextDocument, position: lsp.Position, automatic: bool,
                       text: str | None = None) -> GhostText | None:
        """The engine's suggestion, or None when superseded or not wanted here; ModelError when the model failed."""
        self._latest += 1
        mine = self._latest
        if automatic:
            _, after = line_at(doc, position)
            if not automatic_allowed(after):
                return None
            await asyncio.sleep(self._session.config["completion.debounce_ms"] / 1000)
            if mine != self._latest:
                return None
        request = ghost_request(self._paths(doc), doc, position, text, invoked=not automatic)
        result = await self._session.complete(request)
        return result if result.text and mine == self._latest else None

    async def inline(self, ls: LanguageServer, params: lsp.InlineCompletionParams) -> lsp.InlineCompletionList | None:
        """`textDocument/inlineCompletion`: one item at the cursor, or after the completion the client selected."""
        doc = ls.workspace.get_text_document(params.text_document.uri)
        automatic = params.context.trigger_kind == lsp.InlineCompletionTriggerKind.Automatic
        selected = params.context.selected_completion_info
        try:
            if selected is None:
                result = await self._suggest(doc, params.position, automatic)
                prefix, here = "", lsp.Range(start=params.position, end=params.position)
            else:
                # Continue after the selected item, as if accepted: the item's text starts the suggestion.
                text, after = with_replacement(doc, selected.range, selected.text)
                result = await self._suggest(doc, after, automatic, text)
                prefix, here = selected.text, selected.range
        except ModelError as exc:
            self._reporter.problem(str(exc))
            return None
        if result is None:
            return lsp.InlineCompletionList(items=[])
        item = inline_item(prefix + result.text, here, doc_language(doc), result.text)
        return lsp.InlineCompletionList(items=[item])

    async def completion(self, ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        """`textDocument/completion`: the suggestion as one item, incomplete so it is asked again as the user
        types; nothing when the fallback is off for this client."""
        mode = self._session.config["lsp.completion_fallback"]
        if not fallback_enabled(mode, ls.client_capabilities):
            return None
        doc = ls.workspace.get_text_document(params.text_document.uri)
        invoked = params.context is not None and params.context.trigger_kind == lsp.CompletionTriggerKind.Invoked
        try:
            result = await self._suggest(doc, params.position, automatic=not invoked)
        except ModelError as exc:
            self._reporter.problem(str(exc))
            return None
        if result is None:
            return lsp.CompletionList(is_incomplete=True, items=[])
        word = word_before(doc, params.position)
        return lsp.CompletionList(is_incomplete=True, items=[completion_item(word, result.text, params.position)])
