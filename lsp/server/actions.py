"""Code actions and `workspace/executeCommand`: edit, fix and explain a selection, chat, apply a reply, index status.

A code action only names a command (answered at once, no model call); the command does the work. Edits reach
the client through `workspace/applyEdit`, one versioned TextDocumentEdit per file; nothing is written to disk.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.edit import EditError, EditProposal, EditRequest, proposal_from_blocks, propose_edit
from engine.errors import FileError, ModelError, PromptTooLarge, WorkspaceError
from engine.privacy import edit_refusal
from engine.session import Session
from lsp.server.documents import document_edit, document_path
from lsp.server.events import EventReporter

EDIT, EXPLAIN, CHAT, APPLY = "caret.edit", "caret.explain", "caret.chat", "caret.apply"
INDEX_STATUS = "caret.indexStatus"
# Executed by the client after it inserts an inline completion item (LSP 3.18 `InlineCompletionItem.command`).
ACCEPTED = "caret.accepted"
COMMANDS = (EDIT, EXPLAIN, CHAT, APPLY, INDEX_STATUS, ACCEPTED)
# Offered by window/showMessageRequest when "Edit with caret…" comes without an instruction (the request has
# buttons, not a text field).
PRESET_INSTRUCTIONS = ("Fix bugs", "Add docstrings", "Add type hints", "Simplify", "Add error handling")
FAILURES = (EditError, ModelError, FileError, WorkspaceError, PromptTooLarge)


class CommandError(Exception):
    """A command cannot run: one line for the user."""


def range_arg(rng: lsp.Range) -> dict[str, Any]:
    """A range as plain JSON for a command's arguments."""
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}


def parse_range(value: Any) -> lsp.Range:
    """A range from a command's JSON argument (CommandError when malformed)."""
    try:
        return lsp.Range(start=lsp.Position(**value["start"]), end=lsp.Position(**value["end"]))
    except (KeyError, TypeError) as exc:
        raise CommandError(f"expected a range {{start, end}}, got {value!r}") from exc


def selected_lines(rng: lsp.Range) -> tuple[int, int]:
    """[start, end) lines a range covers: a selection ending at column 0 stops before that line; an empty range
    is its line."""
    end = rng.end.line + (1 if rng.end.character > 0 or rng.end.line == rng.start.line else 0)
    return rng.start.line, max(end, rng.start.line + 1)


def selection_of(arg: dict[str, Any]) -> tuple[int, int] | None:
    """Lines [start, end) of the command's `range` (or `selection`) argument; None without one."""
    value = arg.get("range", arg.get("selection"))
    return None if value is None else selected_lines(parse_range(value))


def argument(args: tuple[Any, ...]) -> dict[str, Any]:
    """A command's one argument: an object, or a bare string taken as the message/instruction/reply."""
    if not args:
        return {}
    first = args[0]
    if isinstance(first, str):
        return {"text": first}
    if isinstance(first, dict):
        return first
    raise CommandError(f"expected one object argument, got {first!r}")


def code_actions(session: Session, ls: LanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Edit / Fix / Explain for the selection and each diagnostic in it; nothing for a withheld file."""
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    if session.withheld(document_path(session, doc.path, uri)):
        return []
    here = {"uri": uri, "range": range_arg(params.range)}
    actions = [
        lsp.CodeAction(title="Edit with caret…", kind=lsp.CodeActionKind.RefactorRewrite,
                       command=lsp.Command(title="Edit with caret…", command=EDIT, arguments=[here])),
    ]
    for diagnostic in params.context.diagnostics:
        fix = {"uri": uri, "range": range_arg(diagnostic.range), "instruction": f"Fix: {diagnostic.message}"}
        title = f"Fix with caret: {diagnostic.message.splitlines()[0][:60]}" if diagnostic.message else "Fix with caret"
        actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      command=lsp.Command(title=title, command=EDIT, arguments=[fix])))
    actions.append(lsp.CodeAction(title="Explain with caret", kind=lsp.CodeActionKind.Empty,
                                  command=lsp.Command(title="Explain with caret", command=EXPLAIN, arguments=[here])))
    return actions


def workspace_edit(session: Session, ls: LanguageServer, proposal: EditProposal) -> lsp.WorkspaceEdit:
    """One versioned TextDocumentEdit per file (CommandError when the client's buffer differs from what was
    edited: the edit would land on the wrong lines)."""
    changes: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] = []
    for edit in proposal.edits:
        uri = (session.root / edit.path).as_uri()
        if edit.deleted:
            changes.append(lsp.DeleteFile(uri=uri))
            continue
        open_doc = ls.workspace.text_documents.get(uri)
        if open_doc is not None and open_doc.source != edit.old_text:
            raise CommandError(f"{edit.path}: the open buffer differs from the file on disk; save it first")
        if open_doc is None and edit.snapshot is None:
            changes.append(lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(ignore_if_exists=True)))
        one = document_edit(ls.workspace, uri, edit.old_text, edit.new_text)
        if one is not None:
            changes.append(one)
    return lsp.WorkspaceEdit(document_changes=changes)


class Commands:
    """The `caret.*` commands over one session."""

    def __init__(self, session: Session, reporter: EventReporter) -> None:
        self._session = session
        self._reporter = reporter
        self._tokens = itertools.count(1)

    async def run(self, ls: LanguageServer, name: str, args: tuple[Any, ...]) -> Any:
        """Run command `name`; a failure is shown once as an error message and answered as {"error": line}."""
        handlers: dict[str, Callable[[LanguageServer, dict[str, Any]], Any]] = {
            EDIT: self.edit, EXPLAIN: self.explain, CHAT: self.chat, APPLY: self.apply, INDEX_STATUS: self.index_status,
            ACCEPTED: self.accepted,
        }
        try:
            return await handlers[name](ls, argument(args))
        except (CommandError, *FAILURES) as exc:
            self._reporter.tell(f"caret: {exc}", lsp.MessageType.Error)
            return {"error": str(exc)}

    async def _apply(self, ls: LanguageServer, proposal: EditProposal, label: str) -> dict[str, Any]:
        edit = workspace_edit(self._session, ls, proposal)
        result = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit, label=label))
        if proposal.refused:
            self._reporter.tell("caret: " + "; ".join(proposal.refused), lsp.MessageType.Warning)
        return {"applied": bool(result.applied), "files": [e.path for e in proposal.edits],
                "refused": list(proposal.refused), "diff": proposal.diff}

    async def _instruction(self, ls: LanguageServer) -> str:
        # window/showMessageRequest is base protocol: clients that advertise no `window` capability (eglot 1.9)
        # still answer it, so it is always tried; a client that refuses it gets the one-line hint.
        try:
            picked = await ls.window_show_message_request_async(lsp.ShowMessageRequestParams(
                type=lsp.MessageType.Info, message="caret: what should the edit do?",
                actions=[lsp.MessageActionItem(title=title) for title in PRESET_INSTRUCTIONS]))
        except JsonRpcException as exc:  # the client's error answer (method not found, ...)
            raise CommandError("caret.edit needs an instruction: pass {\"instruction\": ...}") from exc
        if picked is None:
            raise CommandError("edit cancelled")
        return picked.title

    def _withheld_path(self, ls: LanguageServer, uri: str) -> str:
        doc = ls.workspace.get_text_document(uri)
        path = document_path(self._session, doc.path, uri)
        if reason := self._session.withheld(path):
            raise CommandError(edit_refusal(path, reason))
        return path

    async def edit(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.edit {uri, range, instruction?}`: the edit model's change of the selection, applied."""
        uri = arg.get("uri")
        if not isinstance(uri, str):
            raise CommandError("caret.edit needs {uri, range, instruction}")
        path = self._withheld_path(ls, uri)
        instruction = arg.get("instruction") or arg.get("text") or await self._instruction(ls)
        start, end = selected_lines(parse_range(arg.get("range")))
        doc = ls.workspace.get_text_document(uri)
        _, proposal = await propose_edit(self._session, EditRequest(path, instruction, start, end, text=doc.source))
        return await self._apply(ls, proposal, f"caret: {instruction}")

    async def apply(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.apply {reply}`: SEARCH/REPLACE blocks, diffs or fenced files in a reply, applied."""
        reply = arg.get("reply") or arg.get("text")
        if not isinstance(reply, str):
            raise CommandError("caret.apply needs {reply: text}")
        proposal = proposal_from_blocks(self._session.root, reply)
        for edit in proposal.edits:
            if reason := self._session.withheld(edit.path):
                raise CommandError(edit_refusal(edit.path, reason))
        return await self._apply(ls, proposal, "caret: apply")

    async def _answer(self, ls: LanguageServer, request: ChatRequest, title: str) -> str:
        """The chat model's answer, streamed as `$/progress` reports when the client supports them."""
        prepared = await prepare_chat(self._session, request)
        window = ls.client_capabilities.window
        token = None
        if window is not None and window.work_done_progress:
            token = f"caret/chat/{next(self._tokens)}"
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title=title, cancellable=False))
        parts: list[str] = []
        stream = stream_answer(prepared)
        try:
            async for delta in stream:
                parts.append(delta)
                if token is not None:
                    ls.work_done_progress.report(token, lsp.WorkDoneProgressReport(message="".join(parts)[-200:]))
        finally:
            stream.cancel()
            if token is not None:
                ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="done"))
        return "".join(parts)

    async def chat(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.chat {message, uri?, range?, line?}`: the answer (streamed through `$/progress` meanwhile),
        grounded in the document and the selected lines (`range`, or `selection`) as the TUI's chat is."""
        message = arg.get("message") or arg.get("text")
        if not isinstance(message, str) or not message.strip():
            raise CommandError("caret.chat needs {message: text}")
        uri = arg.get("uri")
        current, text, selection = None, None, None
        if isinstance(uri, str):
            doc = ls.workspace.get_text_document(uri)
            current, text, selection = document_path(self._session, doc.path, uri), doc.source, selection_of(arg)
        line = arg.get("line") if isinstance(arg.get("line"), int) else selection[0] if selection else None
        request = ChatRequest(message=message, current_file=current, current_text=text, cursor_line=line,
                              selection=selection)
        return {"answer": await self._answer(ls, request, "caret chat")}

    async def explain(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.explain {uri, range}`: the chat model explains the selection, shown as a Markdown document
        (window/showDocument) or, without that, as a message."""
        uri = arg.get("uri")
        if not isinstance(uri, str):
            raise CommandError("caret.explain needs {uri, range}")
        path = self._withheld_path(ls, uri)
        start, end = selected_lines(parse_range(arg.get("range")))
        doc = ls.workspace.get_text_document(uri)
        code = "\n".join(doc.source.split("\n")[start:end])
        question = f"Explain what this code in {path} (lines {start + 1}-{end}) does:\n```\n{code}\n```"
        answer = await self._answer(ls, ChatRequest(message=question, current_file=path, current_text=doc.source,
                                                    cursor_line=start, selection=(start, end)), "caret explain")
        out = self._session.root / ".caret" / "explain" / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', path)}-{start + 1}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"# {path}, lines {start + 1}-{end}\n\n{answer}\n", encoding="utf-8")
        window = ls.client_capabilities.window
        if window is not None and window.show_document is not None and window.show_document.support:
            await ls.window_show_document_async(lsp.ShowDocumentParams(uri=out.as_uri(), take_focus=True))
        else:
            self._reporter.tell(answer)
        return {"answer": answer, "uri": out.as_uri()}

    async def accepted(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.accepted {language, suggestion}`: the client inserted a whole inline suggestion, counted for
        `caret stats` (local only)."""
        suggestion = arg.get("suggestion")
        language = arg.get("language")
        if not isinstance(suggestion, str) or not (language is None or isinstance(language, str)):
            raise CommandError("caret.accepted needs {language, suggestion}")
        self._session.ghost_accepted(language, suggestion, suggestion)
        return {"accepted": len(suggestion)}

    async def index_status(self, ls: LanguageServer, arg: dict[str, Any]) -> dict[str, Any]:
        """`caret.indexStatus`: what the index holds, or {"ready": false} while it is first built."""
        summary = await self._session.index_summary()
        if summary is None:
            return {"ready": False}
        return {"ready": True, "files": summary.files, "parsed": summary.parsed, "definitions": summary.definitions,
                "chunks": summary.chunks, "errors": len(summary.errors)}
