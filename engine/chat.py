"""The chat pipeline: a question plus gathered context -> rendered prompt -> streamed answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.gather import crawl_mentioned_docs, gather_for_chat
from engine.session import Session
from models.base import ChatMessage, GenerationParams, Model, ModelStream
from prompts import ChatPromptInput, Message, RenderResult, chat_prompt, render
from prompts.items import ContextItem, ContextKind

__all__ = ["ChatRequest", "Message", "PreparedChat", "prepare_chat", "stream_answer"]


@dataclass(frozen=True)
class ChatRequest:
    """A question from a front-end, with the earlier turns and where the user is."""

    message: str
    history: tuple[Message, ...] = ()  # earlier turns, oldest first
    current_file: str | None = None  # workspace-relative
    current_text: str | None = None  # the buffer, unsaved edits included
    cursor_line: int | None = None
    open_files: tuple[str, ...] = ()
    selection: tuple[int, int] | None = None  # lines [start, end) of current_file the user selected


@dataclass
class PreparedChat:
    """Exactly what will be sent, and why: the prompt inspector and --show-prompt show this."""

    model: Model
    messages: tuple[ChatMessage, ...]
    rendered: RenderResult
    notes: list[str] = field(default_factory=list)
    answer_tokens: int = 512


async def prepare_chat(
    session: Session, request: ChatRequest, on_progress: Callable[[str], None] | None = None
) -> PreparedChat:
    """Gather context for the question and render the chat prompt to fit the chat model's window. An @docs site
    never crawled is crawled first (`on_progress` hears a line as it starts and ends). A secret or ignored
    current file stays out of the prompt, with a note, unless the question @-mentions it."""
    await crawl_mentioned_docs(session._project, request.message, on_progress)
    model = session.model("chat")
    window = model.context_window
    answer_tokens = max(16, min(session.config["chat.answer_tokens"], window // 4))
    gathered = await gather_for_chat(
        session._project,
        request.message,
        current_file=request.current_file,
        cursor_line=request.cursor_line,
        current_text=request.current_text,
        open_files=request.open_files,
        definitions=session.definitions_provider(),
        lsp_budget_s=session.config["lsp.chat_budget_ms"] / 1000,
        repo_map_tokens=max(256, window // 8),
        count_tokens=model.count_tokens,
        selection=request.selection,
        extra=[*session.recent_edit_items(), *diagnostic_items(session, request.current_file)],
    )
    tree = chat_prompt(
        ChatPromptInput(
            question=request.message,
            items=tuple(gathered.items),
            history=request.history,
            answer_tokens=answer_tokens,
        )
    )
    rendered = render(tree, window, model.count_tokens)
    messages = tuple(rendered.messages or ())
    return PreparedChat(model, messages, rendered, gathered.notes, answer_tokens)


def diagnostic_items(session: Session, path: str | None) -> list[ContextItem]:
    """The problems the language server already reported for the open file (no waiting: chat never blocks on it)."""
    pool = session._lsp  # only a pool already started has diagnostics; never start servers for this
    if pool is None or path is None or not session.may_send(path):
        return []
    found = pool.diagnostics(str(session.root / path))
    if not found:
        return []
    text = "\n".join(f"line {d.range.start.line + 1}: {d.message}" + (f" ({d.source})" if d.source else "")
                     for d in found[:20])
    return [ContextItem(path=path, text=text, kind=ContextKind.DIAGNOSTIC, source="language server",
                        label=f"{path}: {len(found)} problem{'s' if len(found) != 1 else ''}")]


def stream_answer(prepared: PreparedChat, temperature: float = 0.3, max_tokens: int | None = None) -> ModelStream:
    """Start streaming the answer to a prepared chat."""
    params = GenerationParams(max_tokens=max_tokens or prepared.answer_tokens, temperature=temperature)
    return prepared.model.stream_chat(prepared.messages, params)
