"""The chat pipeline: a question plus gathered context -> rendered prompt -> streamed answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.gather import crawl_mentioned_docs, gather_for_chat
from engine.session import Session
from models.base import ChatMessage, GenerationParams, Model, ModelStream
from prompts import ChatPromptInput, Message, RenderResult, chat_prompt, render

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


def stream_answer(prepared: PreparedChat, temperature: float = 0.3, max_tokens: int | None = None) -> ModelStream:
    """Start streaming the answer to a prepared chat."""
    params = GenerationParams(max_tokens=max_tokens or prepared.answer_tokens, temperature=temperature)
    return prepared.model.stream_chat(prepared.messages, params)
