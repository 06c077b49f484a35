"""The chat template: system prompt and rules (always kept), context by kind, history, question, answer room.

Priorities (higher is kept first): every kind has a band of 100 levels; within a band, items with a higher
ContextItem.priority get a higher level. Whole files come as First(whole, [cursor window,] outline, path): the
outline is a REPO_MAP item for the same path when one is given, the cursor window (open files only) a CURSOR_WINDOW
item for it; a CURSOR_WINDOW item from the "selection" source is the user's selection and always its own block.
History turns lose priority with age; the newest question carries no priority, so it is never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prompts.elements import (
    AssistantMessage,
    Empty,
    First,
    Message,
    Node,
    Scope,
    SystemMessage,
    UserMessage,
)
from prompts.items import ContextItem, ContextKind
from prompts.text import fenced, item_block, language_of

DEFAULT_CHAT_SYSTEM = (
    "You are caret, an AI pair programmer in a code editor. Answer the user's question about their code "
    "precisely and briefly. Use the context below when it is relevant; say so when it is not enough. "
    "Put code in fenced blocks with the language name."
)

# Band base per kind (see the module docstring).
KIND_PRIORITY: dict[ContextKind, int] = {
    ContextKind.MENTION: 900,
    ContextKind.CURSOR_WINDOW: 800,
    ContextKind.DIAGNOSTIC: 750,
    ContextKind.DOC: 700,
    ContextKind.OPEN_FILE: 600,
    ContextKind.DEFINITION: 500,
    ContextKind.RECENT_EDIT: 400,
    ContextKind.RETRIEVED: 300,
    ContextKind.REPO_MAP: 100,
}
WINDOW_BOOST = 100  # an open file's cursor window: kept when the whole file is not, before its outline
OUTLINE_BOOST = 150  # a file's outline is kept up to this much higher a cutoff than the whole file
SELECTION_SOURCE = "selection"  # a CURSOR_WINDOW item from this source is the user's selection: its own section
PATH_BOOST = 1000  # and its path up to this much higher: paths are cheap and tell the model what exists
HISTORY_NEWEST = 760  # the previous turn; each older turn drops HISTORY_STEP lower
HISTORY_STEP = 60
HISTORY_FLOOR = 50

SECTION_TITLES: dict[ContextKind, str] = {
    ContextKind.MENTION: "Files and docs the user mentioned",
    ContextKind.CURSOR_WINDOW: "Around the cursor",
    ContextKind.DIAGNOSTIC: "Problems the language server reports",
    ContextKind.DOC: "Documentation",
    ContextKind.OPEN_FILE: "Open files",
    ContextKind.DEFINITION: "Definitions (from language servers)",
    ContextKind.RECENT_EDIT: "Recent edits",
    ContextKind.RETRIEVED: "Related code",
    ContextKind.REPO_MAP: "Repository map",
}
_WHOLE_FILE_KINDS = (ContextKind.MENTION, ContextKind.OPEN_FILE)


@dataclass(frozen=True)
class ChatPromptInput:
    """`history`: earlier messages, oldest first (user/assistant). `answer_tokens`: room kept for the reply."""

    question: str
    items: tuple[ContextItem, ...] = ()
    history: tuple[Message, ...] = ()
    system: str = DEFAULT_CHAT_SYSTEM
    answer_tokens: int = 1024


def ranked(items: Sequence[ContextItem], base: float) -> list[tuple[ContextItem, float]]:
    """Items in their given order, each with a level in [base, base + 99]: higher item priority, higher level."""
    order = sorted(range(len(items)), key=lambda i: -items[i].priority)
    n = len(items)
    level = [0.0] * n
    for rank, i in enumerate(order):
        level[i] = base + 99 * (n - rank) / n
    return [(item, level[i]) for i, item in enumerate(items)]


def _label(item: ContextItem) -> str:
    return f"{item.kind.value}: {item.title}"


def file_with_fallbacks(
    item: ContextItem, level: float, outline: ContextItem | None, window: ContextItem | None = None
) -> First:
    """The whole file, else the window around the cursor (an open file's), else its outline, else just its path."""
    lang = language_of(item.path)
    alternatives = [Scope(item_block(item, lang), p=level, label=_label(item))]
    if window is not None:
        alternatives.append(Scope(item_block(window, lang), p=level + WINDOW_BOOST, label=_label(window)))
    if outline is not None:
        alternatives.append(Scope(f"{item.title} (outline)\n{fenced(outline.text, lang)}\n",
                                  p=level + OUTLINE_BOOST, label=f"outline: {item.title}"))
    alternatives.append(Scope(f"{item.title} (content left out)\n\n", p=level + PATH_BOOST,
                              label=f"path: {item.title}"))
    return First(*alternatives)


def context_sections(items: Sequence[ContextItem]) -> list[Node]:
    """Context items as titled sections, placed by kind; rules are left to the caller."""
    whole_paths = {i.path for i in items if i.kind in _WHOLE_FILE_KINDS and i.range is None}
    outlines = {i.path: i for i in items if i.kind is ContextKind.REPO_MAP and i.path in whole_paths}
    open_paths = {i.path for i in items if i.kind is ContextKind.OPEN_FILE and i.range is None}
    windows = {i.path: i for i in items if _is_window(i) and i.path in open_paths}
    sections: list[Node] = []
    for kind, base in sorted(KIND_PRIORITY.items(), key=lambda kv: -kv[1]):
        of_kind = [i for i in items if i.kind is kind and not (kind is ContextKind.REPO_MAP and i.path in outlines)
                   and not (_is_window(i) and windows.get(i.path) is i)]
        if not of_kind:
            continue
        body: list[Node] = []
        top: float = base
        for item, level in ranked(of_kind, base):
            if kind in _WHOLE_FILE_KINDS and item.range is None:
                window = windows.get(item.path) if kind is ContextKind.OPEN_FILE else None
                body.append(file_with_fallbacks(item, level, outlines.get(item.path), window))
                top = max(top, level + PATH_BOOST)
            else:
                body.append(Scope(item_block(item, language_of(item.path)), p=level, label=_label(item)))
                top = max(top, level)
        # The title is kept as long as the section's most durable item is: an empty section shows no title.
        sections.append(Scope(f"## {SECTION_TITLES[kind]}\n\n", p=top))
        sections.extend(body)
    return sections


def _is_window(item: ContextItem) -> bool:
    return item.kind is ContextKind.CURSOR_WINDOW and item.source != SELECTION_SOURCE


def rules_text(rules: Sequence[ContextItem]) -> str:
    """The project rules as a section appended to the system prompt; empty without rules."""
    if not rules:
        return ""
    return "\n\n# Project rules\n\n" + "".join(f"From {r.title}:\n{r.text.rstrip()}\n\n" for r in rules)


def history_turns(history: Sequence[Message]) -> list[Node]:
    """Turns (a user message and the replies after it) as scopes; older turns have lower priority."""
    turns: list[list[Message]] = []
    for msg in history:
        if msg.role == "user" or not turns:
            turns.append([])
        turns[-1].append(msg)
    out: list[Node] = []
    for age, turn in enumerate(reversed(turns)):
        level = max(HISTORY_FLOOR, HISTORY_NEWEST - HISTORY_STEP * age)
        nodes = [AssistantMessage(m.content) if m.role == "assistant" else UserMessage(m.content) for m in turn]
        out.append(Scope(*nodes, p=level, label=f"history turn -{age + 1}"))
    out.reverse()
    return out


def chat_prompt(req: ChatPromptInput) -> Node:
    """The chat prompt tree: system prompt and rules, context sections, history turns, the question."""
    rules = [i for i in req.items if i.kind is ContextKind.RULE]
    context = [i for i in req.items if i.kind is not ContextKind.RULE]
    sections = context_sections(context)
    question: list[Node] = [*sections, "## Question\n\n" if sections else "", req.question]
    return Scope(
        SystemMessage(req.system, rules_text(rules)),
        *history_turns(req.history),
        UserMessage(*question),
        Empty(req.answer_tokens),
    )
