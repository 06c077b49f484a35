"""The chat panel's requests as engine calls: a question streams its answer into the transcript and joins the history
sent with the next one; Stop, Apply (the diff review of the answer's file edits), Copy, New chat, reopening a saved
chat and @-mention candidates. Every finished turn is saved in .caret/chats/."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from textual.widgets.text_area import Selection

from editor.chat_panel import AnswerView, ChatPanel
from editor.inline_edit import review_proposal
from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.chat import Message as ChatMessage  # textual's Message is another thing
from engine.chat_sessions import ChatSession, ChatSessionError, list_chat_sessions, load_chat_session, save_chat_session
from engine.edit import EditError, EditRequest, proposal_from_blocks
from engine.errors import ModelError, PromptTooLarge, WorkspaceError
from engine.files import FileError
from engine.inspect import describe_prompt
from engine.mention_complete import mention_candidates

if TYPE_CHECKING:
    from editor.app import CaretApp


def selected_lines(selection: Selection) -> tuple[int, int] | None:
    """Lines [start, end) a selection covers; None when nothing is selected. A selection ending at column 0 of a
    line does not include that line."""
    start, end = sorted((selection.start, selection.end))
    if start == end:
        return None
    last = end[0] if end[1] == 0 and end[0] > start[0] else end[0] + 1
    return start[0], last


def new_chat_name(now: float) -> str:
    """A session file name for a chat started at `now` (seconds since the epoch)."""
    return time.strftime("tui-%Y%m%d-%H%M%S", time.localtime(now))


def handle_chat_request(app: CaretApp, request: ChatPanel.Request) -> None:
    """Do what the panel asked."""
    if request.kind == "ask":
        ask_chat(app, request.value)
    elif request.kind == "stop":
        app.workers.cancel_group(app, "chat")
    elif request.kind == "apply":
        apply_answer(app, request.value)
    elif request.kind == "new":
        app.run_worker(_open_chat(app, None), exclusive=True, group="chat")
    elif request.kind == "copy":
        copy_code(app, request.value)
    elif request.kind == "mentions":
        panel = app.query_one(ChatPanel)
        if not panel.mention_ranking:  # else the running ranking picks up the newest prefix when it finishes
            panel.mention_ranking = True
            app.run_worker(_show_mentions(app, panel), group="mentions")
    else:
        app.run_worker(_open_chat(app, request.value), exclusive=True, group="chat")


def toggle_chat_panel(app: CaretApp) -> None:
    """Open the panel (its list of saved chats refreshed, the question box focused) or close it."""
    panel = app.query_one(ChatPanel)
    panel.toggle_class("-open")
    if panel.has_class("-open"):
        refresh_saved_chats(app)
        panel.query_one("#question").focus()
    else:
        app.code.focus()


def refresh_saved_chats(app: CaretApp) -> None:
    """Fill the panel's list of saved chats, newest first."""
    chats = list_chat_sessions(app.session.root)
    app.query_one(ChatPanel).set_saved_chats([(chat.title or chat.name, chat.name) for chat in chats])


def ask_chat(app: CaretApp, question: str) -> None:
    """Ask `question` about the workspace (the active buffer, cursor and selection as context); one at a time."""
    code = app.code
    path = app.rel_path or None
    request = ChatRequest(
        question, tuple(app._history), current_file=path, current_text=code.text if path else None,
        cursor_line=code.cursor_location[0] if path else None,
        selection=selected_lines(code.selection) if path else None,
    )
    app.run_worker(_answer(app, request), exclusive=True, group="chat")


async def _answer(app: CaretApp, request: ChatRequest) -> None:
    panel = app.query_one(ChatPanel)
    await panel.add_user_turn(request.message)
    try:
        prepared = await prepare_chat(app.session, request)
    except (ModelError, PromptTooLarge) as exc:
        await panel.add_note(f"[error] {exc}")
        return
    app.last_prompt = ("chat", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
    for note in prepared.notes:
        await panel.add_note(f"note: {note}")
    view = await panel.add_answer()
    panel.set_streaming(True)
    try:
        async for delta in stream_answer(prepared):
            await view.write(delta)
    except (ModelError, PromptTooLarge) as exc:
        panel.set_streaming(False)
        await view.finish(False)
        await panel.add_note(f"[error] {exc}")
        return
    except asyncio.CancelledError:
        # Stop, Esc, a new question or a new chat: only synchronous steps here, so the partial answer joins the
        # history before the next worker (a new chat clears it) takes its first step.
        panel.set_streaming(False)
        view.abort()
        _record_turn(app, request.message, view.text)
        app.set_status("answer stopped")
        raise
    panel.set_streaming(False)
    await view.finish(_has_edits(app, view.text))
    _record_turn(app, request.message, view.text)


def _has_edits(app: CaretApp, answer: str) -> bool:
    try:
        return bool(proposal_from_blocks(app.session.root, answer).edits)
    except (EditError, FileError, WorkspaceError):
        return False


def _record_turn(app: CaretApp, question: str, answer: str) -> None:
    app._history += [ChatMessage("user", question), ChatMessage("assistant", answer)]
    panel = app.query_one(ChatPanel)
    name = panel.chat_name or new_chat_name(time.time())
    panel.chat_name = name
    try:
        save_chat_session(app.session.root, ChatSession(name, tuple(app._history), time.time()))
        refresh_saved_chats(app)
    except ChatSessionError as exc:
        app.report(str(exc))


async def _open_chat(app: CaretApp, name: str | None) -> None:
    """Show the saved chat `name` (its turns become the history), or an empty new chat when None."""
    panel = app.query_one(ChatPanel)
    try:
        saved = load_chat_session(app.session.root, name) if name else ChatSession("")
    except ChatSessionError as exc:
        app.report(str(exc))
        return
    await panel.clear()
    app._history = list(saved.messages)
    panel.chat_name = name
    for message in saved.messages:
        if message.role == "user":
            await panel.add_user_turn(message.content)
        else:
            view: AnswerView = await panel.add_answer(message.content)
            await view.finish(_has_edits(app, message.content))
    app.set_status(f"chat {name}" if name else "new chat")
    panel.query_one("#question").focus()


def copy_code(app: CaretApp, code: str) -> None:
    """Copy a code block to the clipboard (OSC 52: the terminal's clipboard, over ssh too)."""
    app.copy_to_clipboard(code)
    lines = len(code.splitlines())
    app.set_status(f"copied {lines} line{'s' if lines != 1 else ''}")


async def _show_mentions(app: CaretApp, panel: ChatPanel) -> None:
    """Rank the @-mention candidates for the prefix being typed, on a thread, until they are those of the newest
    one: keystrokes typed meanwhile coalesce, so a slow ranking (a huge workspace) never piles up threads."""
    try:
        while (prefix := panel.mention_wanted) is not None:
            candidates = await mention_candidates(app.session, prefix)
            if prefix == panel.mention_wanted:  # else the user typed on: rank the newer prefix
                panel.show_mentions(prefix, candidates)
                break
    finally:
        panel.mention_ranking = False


def apply_answer(app: CaretApp, answer: str) -> None:
    """Open the diff review of the answer's file edits; refused changes are notes; nothing is written unless
    accepted. The open buffer's file must be saved first: the edits were computed from its text on disk."""
    try:
        proposal = proposal_from_blocks(app.session.root, answer)
    except (EditError, FileError, WorkspaceError) as exc:
        app.report(str(exc))
        return
    rel = app.rel_path
    if app.dirty and any(edit.path == rel for edit in proposal.edits):
        app.report(f"{rel} has unsaved changes: save it (Ctrl+S) before applying")
        return
    if not proposal.edits:
        app.report("nothing to apply: " + "; ".join(proposal.refused))
        return
    notes = [f"not applied: {line}" for line in proposal.refused]
    request = EditRequest(rel, proposal.instruction, 0, 0, text=app.code.text)
    review_proposal(app, request, proposal, notes)
