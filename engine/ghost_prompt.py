"""Builds the ghost-text prompt for a request with prompts/' template, fitted to the model's window."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from engine.complete import GhostPrompt, GhostTextRequest, cursor_offset
from models.base import ChatMessage, Model
from prompts import CachedCounter, ContextItem, GhostPromptInput, ghost_prompt, render
from prompts.fim import stop_sequences

ANSWER_TOKENS = 64

# One token cache per model, gone with the model: consecutive keystrokes re-count the same lines.
_counters: weakref.WeakKeyDictionary[Model, CachedCounter] = weakref.WeakKeyDictionary()


def cached_counter(model: Model) -> CachedCounter:
    counter = _counters.get(model)
    if counter is None:
        counter = _counters[model] = CachedCounter(model.count_tokens, max_entries=8192)
    return counter


def build_ghost_prompt(
    request: GhostTextRequest,
    model: Model,
    *,
    budget_tokens: int = 1024,
    rules: Sequence[ContextItem] = (),
    items: Sequence[ContextItem] = (),
) -> GhostPrompt:
    offset = cursor_offset(request.text, request.line, request.column)
    caps = model.capabilities
    chat_only = not caps.raw_completion and caps.chat
    tree = ghost_prompt(
        GhostPromptInput(
            path=request.path,
            language=request.language or "",
            prefix=request.text[:offset],
            suffix=request.text[offset:],
            rules=tuple(rules),
            items=tuple(items),
            fim_format=None if chat_only else caps.fim_format,
            chat_only=chat_only,
            stable_tokens=max(64, budget_tokens // 3),
            answer_tokens=ANSWER_TOKENS,
        )
    )
    budget = max(128, min(budget_tokens, model.context_window - ANSWER_TOKENS))
    result = render(tree, budget, cached_counter(model))
    dropped = tuple(s.label for s in result.scopes if not s.kept and s.label)
    stop = ("\n\n\n",) if caps.fim_format is None else stop_sequences(caps.fim_format)
    if result.messages is not None:
        messages = tuple(ChatMessage(m.role, m.content) for m in result.messages)  # type: ignore[arg-type]
        return GhostPrompt(text="", tokens=result.tokens, stop=(), dropped=dropped, messages=messages,
                           rendered=result)
    return GhostPrompt(text=result.text or "", tokens=result.tokens, stop=stop, dropped=dropped, rendered=result)
