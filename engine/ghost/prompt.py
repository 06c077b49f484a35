"""The ghost-text prompt: prompts/' template filled with the request and its context, fitted to the model's
window. Its stable part (rules, definitions) comes first, so consecutive keystrokes reuse the model's KV cache.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

from engine.definitions import DefinitionProvider
from engine.ghost.context import CONTEXT_PARTS, StableContext, after_cursor, gather_for_ghost
from engine.ghost.request import GhostTextRequest, cursor_offset
from engine.project import ProjectContext
from engine.recent_edits import Hunk, recent_edit_items
from models.base import ChatMessage, Model
from prompts import CachedCounter, ContextItem, GhostPromptInput, RenderResult, ghost_prompt, render
from prompts.fim import stop_sequences
from prompts.ghost import WINDOW_BLOCK


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
HEAD_LINES = 20  # GhostPromptInput.head_lines: the file's first lines, in the stable part
SUFFIX_LINES = 100  # GhostPromptInput.suffix_lines: lines after the cursor the window may hold
MAX_STICKY_DEFINITIONS = 8
REANCHOR_FILL = 0.6  # a new window start leaves 40% of the window's budget to type into before it moves again
LAYOUTS = ("anchored", "blocks", "sliding")  # KV-aware (default); aligned blocks only; a window sliding per line

# One token cache per model, gone with the model: consecutive keystrokes re-count the same lines.
_counters: weakref.WeakKeyDictionary[Model, CachedCounter] = weakref.WeakKeyDictionary()


def cached_counter(model: Model) -> CachedCounter:
    """The model's token counter, with a cache that lives as long as the model."""
    counter = _counters.get(model)
    if counter is None:
        counter = _counters[model] = CachedCounter(model.count_tokens, max_entries=8192)
    return counter


def window_start(
    lines_above: Sequence[str], count: Callable[[str], int], budget: int, previous: int | None, head_lines: int
) -> int:
    """The file line where the prompt's window of lines above the cursor starts. The previous start is kept while
    the lines from it to the cursor fit `budget`, so typing, new lines and moving up reuse the KV cache; else a new
    start (aligned to a block) fills REANCHOR_FILL of it, leaving room to type on before it must move again."""
    floor = min(head_lines, len(lines_above)) if len(lines_above) > head_lines else 0
    fits = previous is not None and floor <= previous <= len(lines_above)
    if fits and previous is not None and sum(count(line) for line in lines_above[previous:]) <= budget:
        return previous
    used, start = 0, len(lines_above)
    while start > floor and used + count(lines_above[start - 1]) <= budget * REANCHOR_FILL:
        start -= 1
        used += count(lines_above[start])
    if start == floor:
        return floor
    return min(len(lines_above), -(-start // WINDOW_BLOCK) * WINDOW_BLOCK)


def anchored_start(request: GhostTextRequest, model: Model, budget_tokens: int, previous: int | None) -> int:
    """The anchored layout's window start for `request`, given the `previous` one for its file."""
    offset = cursor_offset(request.text, request.line, request.column)
    above = [line + "\n" for line in request.text[:offset].split("\n")[:-1]]
    window_budget = max(64, budget_tokens - stable_budget(budget_tokens) - 2 * ANSWER_TOKENS)
    return window_start(above, cached_counter(model), window_budget, previous, head_lines=HEAD_LINES)


def stable_budget(budget_tokens: int) -> int:
    """Tokens of the prompt's stable part: a third of the budget."""
    return max(64, budget_tokens // 3)


def build_ghost_prompt(
    request: GhostTextRequest,
    model: Model,
    *,
    budget_tokens: int = 1024,
    rules: Sequence[ContextItem] = (),
    items: Sequence[ContextItem] = (),
    layout: str = "anchored",
    anchors: dict[str, int] | None = None,
    recent: Sequence[Hunk] = (),
    after: bool = False,
) -> GhostPrompt:
    """The prompt for `request`, with `rules`, `items` and the `recent` edits outside the window kept as far as
    `budget_tokens` allows. `anchors` (path -> window start) carries the anchored layout's window from one keystroke
    to the next. `after`: the lines after the cursor close the stable part (prefix-only layout)."""
    offset = cursor_offset(request.text, request.line, request.column)
    caps = model.capabilities
    chat_only = not caps.raw_completion and caps.chat
    stable_tokens = stable_budget(budget_tokens)
    start: int | None = None
    if layout == "anchored":
        previous = None if anchors is None else anchors.get(request.path)
        start = anchored_start(request, model, budget_tokens, previous)
        if anchors is not None:
            anchors[request.path] = start
    low = start if start is not None else max(0, request.line - 400)
    unseen = [h for h in recent if h.path != request.path or h.start >= HEAD_LINES]  # the file head shows the rest
    items = [*items, *recent_edit_items(unseen, request.path, (low, request.line + SUFFIX_LINES))]
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
            stable_tokens=stable_tokens,
            answer_tokens=ANSWER_TOKENS,
            window_start=start,
            window_block=1 if layout == "sliding" else WINDOW_BLOCK,
            after=after_cursor(request.text[offset:]) if after else "",
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


def sticky_definitions(
    kept: tuple[int | None, list[ContextItem]] | None, anchor: int | None, found: Sequence[ContextItem]
) -> list[ContextItem]:
    """The definitions for the prompt's stable part: those kept for the same window start, with newly found ones
    appended (up to MAX_STICKY_DEFINITIONS), so moving between lines does not reorder or drop them and the
    model's KV cache of the stable part survives; a new window start begins afresh from `found`."""
    if kept is None or kept[0] != anchor:
        return list(found[:MAX_STICKY_DEFINITIONS])
    items = list(kept[1])
    seen = {(i.path, i.range) for i in items}
    for item in found:
        if len(items) >= MAX_STICKY_DEFINITIONS:
            break
        if (item.path, item.range) not in seen:
            items.append(item)
            seen.add((item.path, item.range))
    return items


def prompt_builder(
    project: ProjectContext,
    definitions: Callable[[], DefinitionProvider | None],
    *,
    budget_tokens: int,
    lsp_budget_s: float,
    layout: str = "anchored",
    recent: Callable[[], Sequence[Hunk]] | None = None,
    context: Collection[str] = CONTEXT_PARTS,
) -> PromptBuilder:
    """Gathers context for a request and builds its prompt; `definitions` is asked per request, so language
    servers start only once something needs them. `recent` gives the recent edits of every file. `context` names
    the parts (engine.ghost.context.CONTEXT_PARTS) the prompt may hold besides the file itself."""
    anchors: dict[str, int] = {}
    kept: dict[str, tuple[int | None, list[ContextItem]]] = {}
    parts = frozenset(context)
    stable = StableContext(project, parts)

    async def build(request: GhostTextRequest, model: Model) -> GhostPrompt:
        provider = definitions() if "definitions" in parts else None
        rules, found = await gather_for_ghost(
            project, request.path, request.text, request.line, definitions=provider, lsp_budget_s=lsp_budget_s
        )
        anchor = anchors.get(request.path)
        if layout == "anchored":  # the start this request will use: the definitions follow it
            anchor = anchored_start(request, model, budget_tokens, anchor)
        items = sticky_definitions(kept.get(request.path), anchor, found)
        kept[request.path] = (anchor, items)
        offset = cursor_offset(request.text, request.line, request.column)
        items = [*await stable.items(request.path, request.text, offset, anchor, HEAD_LINES), *items]
        return build_ghost_prompt(request, model, budget_tokens=budget_tokens,
                                  rules=rules if "rules" in parts else (), items=items, layout=layout,
                                  anchors=anchors, recent=recent() if recent and "recent" in parts else (),
                                  after="after" in parts)

    return build
