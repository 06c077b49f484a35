"""The ghost-text prompt: prompts/' template filled with the request and its context, fitted to the model's
window. Its stable part (rules, definitions) comes first, so consecutive keystrokes reuse the model's KV cache.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from engine.definitions import DefinitionProvider
from engine.ghost.context import gather_for_ghost
from engine.ghost.request import GhostTextRequest, cursor_offset
from engine.project import ProjectContext
from models.base import ChatMessage, Model
from prompts import CachedCounter, ContextItem, GhostPromptInput, RenderResult, ghost_prompt, render
from prompts.fim import stop_sequences


@dataclass(frozen=True)
class GhostPrompt:
    """Raw text to continue, or chat messages for a chat-only model (then `text` is empty)."""

    text: str
    tokens: int
    stop: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    messages: tuple[ChatMessage, ...] | None = None
    rendered: RenderResult | None = None  # for the prompt inspector


PromptBuilder = Callable[[GhostTextRequest, Model], Awaitable[GhostPrompt]]

ANSWER_TOKENS = 64

# One token cache per model, gone with the model: consecutive keystrokes re-count the same lines.
_counters: weakref.WeakKeyDictionary[Model, CachedCounter] = weakref.WeakKeyDictionary()


def cached_counter(model: Model) -> CachedCounter:
    """The model's token counter, with a cache that lives as long as the model."""
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
    """The prompt for `request`, with `rules` and `items` kept as far as `budget_tokens` allows."""
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
    stop = stop_sequences(caps.fim_format)  # prefix-only continuation (None) has its own stop
    if result.messages is not None:
        return GhostPrompt(text="", tokens=result.tokens, stop=(), dropped=dropped, messages=tuple(result.messages),
                           rendered=result)
    return GhostPrompt(text=result.text or "", tokens=result.tokens, stop=stop, dropped=dropped, rendered=result)


def prompt_builder(
    project: ProjectContext,
    definitions: Callable[[], DefinitionProvider | None],
    *,
    budget_tokens: int,
    lsp_budget_s: float,
) -> PromptBuilder:
    """Gathers context for a request and builds its prompt; `definitions` is asked per request, so language
    servers start only once something needs them."""

    async def build(request: GhostTextRequest, model: Model) -> GhostPrompt:
        rules, items = await gather_for_ghost(
            project, request.path, request.text, request.line, definitions=definitions(), lsp_budget_s=lsp_budget_s
        )
        return build_ghost_prompt(request, model, budget_tokens=budget_tokens, rules=rules, items=items)

    return build
