"""A chat question from the panel to the model and back: the answer streams into the transcript, the exchange
joins the history sent with the next question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from editor.chat_panel import ChatPanel
from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.chat import Message as ChatMessage  # textual's Message is another thing
from engine.errors import ModelError, PromptTooLarge
from engine.inspect import describe_prompt

if TYPE_CHECKING:
    from editor.app import CaretApp


def ask_chat(app: CaretApp, question: str) -> None:
    """Ask `question` about the workspace (the active buffer and cursor as context); one answer at a time."""
    code = app.code
    path = app.rel_path or None
    request = ChatRequest(
        question, tuple(app._history), current_file=path, current_text=code.text if path else None,
        cursor_line=code.cursor_location[0] if path else None,
    )
    app.run_worker(_answer(app, request), exclusive=True, group="chat")


async def _answer(app: CaretApp, request: ChatRequest) -> None:
    panel = app.query_one(ChatPanel)
    try:
        prepared = await prepare_chat(app.session, request)
        app.last_prompt = ("chat", describe_prompt(prepared.rendered, prepared.notes, prepared.model.name))
        for note in prepared.notes:
            panel.append(f"(note: {note})\n")
        parts: list[str] = []
        async for delta in stream_answer(prepared):
            parts.append(delta)
            panel.append(delta)
    except (ModelError, PromptTooLarge) as exc:
        panel.append(f"\n[error] {exc}\n")
        return
    panel.append("\n")
    app._history += [ChatMessage("user", request.message), ChatMessage("assistant", "".join(parts))]
