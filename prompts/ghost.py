"""The ghost-text (inline completion) template: a stable part first, the cursor window last.

The local llama.cpp reuses the KV cache of the longest prefix shared with the previous prompt, so the part
that does not change between keystrokes (rules for the file, chunks of other files, the file's path and its
first lines) comes first, inside an Isolate: rendered on its own budget, its text does not shift when the
cursor window changes. Then the lines before the cursor (nearest kept first), the cursor line, and the lines
after it (nearest kept first; they fade twice as fast as the prefix).

Layouts: a FIM format from prompts.fim; prefix-only continuation when fim_format is None (the path as a
comment, then the file up to the cursor: for base models without FIM tokens); a hole-filling chat when
chat_only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prompts.elements import Empty, Isolate, Node, Scope, SystemMessage, UserMessage
from prompts.fim import check_format, fim_head, fim_tail, qwen_repo_file
from prompts.items import ContextItem, ContextKind
from prompts.text import comment_line, fence_for, item_block, language_of

CURSOR_PRIORITY = 1000  # prefix block starting d lines up: CURSOR_PRIORITY - d; suffix line: CURSOR_PRIORITY - 2d
WINDOW_BLOCK = 16  # prefix lines are kept or dropped in aligned blocks of this many lines
STABLE_PRIORITY = 980  # only the 20 nearest lines above and 10 below the cursor outrank the stable part
RULE_PRIORITY = 300  # inside the stable part's own budget
CONTEXT_PRIORITY = 100  # + up to 99 by ContextItem.priority
HOLE = "<FILL_HERE>"

CHAT_SYSTEM = (
    "You are a code completion engine. The user shows a file with the marker " + HOLE + " at the cursor. "
    "Reply with only the text that replaces " + HOLE + ": no explanation, no code fence, no repeated code "
    "from before or after the marker. Reply with nothing if nothing should be inserted."
)


@dataclass(frozen=True)
class GhostPromptInput:
    """`prefix`/`suffix`: the file's text before/after the cursor. `items`: chunks of other files.

    `stable_tokens` is the stable part's own budget; `head_lines` lines from the file's top join it when
    the cursor is below them; at most `window_lines` lines before and `suffix_lines` after the cursor are
    offered. `answer_tokens` is reserved for the completion.
    """

    path: str
    language: str
    prefix: str
    suffix: str
    rules: tuple[ContextItem, ...] = ()
    items: tuple[ContextItem, ...] = ()
    fim_format: str | None = None
    chat_only: bool = False
    repo_name: str = ""
    stable_tokens: int = 1024
    head_lines: int = 20
    window_lines: int = 400
    suffix_lines: int = 100
    answer_tokens: int = 128
    window_start: int | None = None  # file line where the window starts (kept while it fits: KV cache reuse)
    window_block: int = WINDOW_BLOCK
    after: str = ""  # lines after the cursor for the prefix-only layout (no suffix slot): the stable part's end


def _commented(language: str, text: str) -> str:
    return "".join(comment_line(language, line) for line in text.rstrip("\n").split("\n"))


def _split_prefix(req: GhostPromptInput) -> tuple[str, list[str], str]:
    """(file head, window lines oldest first, the cursor line up to the cursor). The window's last line is the
    line just above the cursor."""
    lines = req.prefix.split("\n")
    cursor_line = lines.pop()
    full = [line + "\n" for line in lines]
    if len(full) > req.head_lines:
        head, window = "".join(full[: req.head_lines]), full[req.head_lines:]
    else:
        head, window = "", full
    if req.window_start is not None:
        return head, full[max(req.head_lines if head else 0, req.window_start):], cursor_line
    return head, window[-req.window_lines:] if req.window_lines else [], cursor_line


def _prefix_window(window: Sequence[str], cursor_line: str, cursor_row: int | None = None,
                   block: int = WINDOW_BLOCK) -> list[Node]:
    """Lines before the cursor, dropped farthest first in blocks of WINDOW_BLOCK lines aligned to the file's
    line numbers. Dropping whole aligned blocks keeps the first kept line where it was while the user types on,
    so consecutive prompts share their prefix (and the model's KV cache) even when the file exceeds the budget."""
    n = len(window)
    row = n if cursor_row is None else cursor_row
    first = row - n  # the file line number of window[0]
    nodes: list[Node] = []
    for i, line in enumerate(window):
        block_start = ((first + i) // block) * block
        nodes.append(Scope(line, p=CURSOR_PRIORITY - (row - max(block_start, first))))
    return [*nodes, cursor_line]


def _suffix_window(req: GhostPromptInput) -> list[Node]:
    lines = req.suffix.split("\n")
    rest = lines[1 : req.suffix_lines + 1]
    return [lines[0], *(Scope("\n" + line, p=CURSOR_PRIORITY - 2 * (i + 1)) for i, line in enumerate(rest))]


_KIND_RANK = {ContextKind.DEFINITION: 2, ContextKind.RETRIEVED: 1}  # kept first, in this order; then the rest


def _ranked_items(items: Sequence[ContextItem]) -> list[tuple[ContextItem, float]]:
    order = sorted(range(len(items)), key=lambda i: (-_KIND_RANK.get(items[i].kind, 0), -items[i].priority))
    level = {i: CONTEXT_PRIORITY + 99 * (len(items) - rank) / len(items) for rank, i in enumerate(order)}
    return [(item, level[i]) for i, item in enumerate(items)]


def _stable_commented(req: GhostPromptInput, head: str) -> Isolate:
    """Rules and other files as comments in the file's language, then the path header and the file head."""
    lang = req.language
    parts: list[Node] = _rules_commented(req)
    parts += [
        Scope(comment_line(lang, _header(item)), _commented(lang, item.text), p=level,
              label=f"{item.kind.value}: {item.title}")
        for item, level in _ranked_items(req.items)
    ]
    return Isolate(req.stable_tokens, *parts, comment_line(lang, req.path), _head(head), *_after(req),
                   p=STABLE_PRIORITY, label="stable context")


def _after(req: GhostPromptInput) -> list[Node]:
    """The lines after the cursor, as comments closing the stable part (prefix-only layout only: a FIM format has
    the suffix in its slot): they change only when the cursor leaves its line, and then only the window follows."""
    if not req.after.strip() or req.fim_format is not None or req.chat_only:
        return []
    text = _commented(req.language, "After the cursor:\n" + req.after)
    return [Scope(text, p=RULE_PRIORITY + 50, label="after the cursor")]


def _header(item: ContextItem) -> str:
    """The comment line above an item: a recent edit reads as a diff of its file, anything else as a file part."""
    return f"Recent edit in {item.path}:" if item.kind is ContextKind.RECENT_EDIT else f"Path: {item.title}"


def _stable_qwen_repo(req: GhostPromptInput, head: str) -> Isolate:
    """Qwen's repo-level layout: other files after <|file_sep|>, rules as comments at the file's top."""
    files = [Scope(qwen_repo_file(item.title, item.text), p=level, label=f"{item.kind.value}: {item.title}")
             for item, level in _ranked_items(req.items)]
    return Isolate(req.stable_tokens, f"<|repo_name|>{req.repo_name or 'repo'}\n", *files,
                   f"<|file_sep|>{req.path}\n<|fim_prefix|>", *_rules_commented(req), _head(head),
                   p=STABLE_PRIORITY, label="stable context")


def _rules_commented(req: GhostPromptInput) -> list[Node]:
    return [Scope(_commented(req.language, f"Rules from {r.title}:\n{r.text}"), p=RULE_PRIORITY,
                  label=f"rule: {r.title}") for r in req.rules]


def _head(head: str) -> Node:
    # Kept ahead of rules and context inside the stable part, but droppable so a tiny budget still renders.
    return Scope(head, p=RULE_PRIORITY + 100, label="file head") if head else ""


def _chat(req: GhostPromptInput, head: str, window: list[str], cursor_line: str) -> Node:
    lang = language_of(req.path) or req.language
    stable: list[Node] = [Scope(f"Rules from {r.title}:\n{r.text.rstrip()}\n\n", p=RULE_PRIORITY,
                                label=f"rule: {r.title}") for r in req.rules]
    stable += [Scope(item_block(item, language_of(item.path)), p=level, label=f"{item.kind.value}: {item.title}")
               for item, level in _ranked_items(req.items)]
    fence = fence_for(req.prefix + req.suffix)
    return Scope(
        SystemMessage(CHAT_SYSTEM),
        UserMessage(
            Isolate(req.stable_tokens, *stable, f"File: {req.path}\n{fence}{lang}\n", _head(head),
                    p=STABLE_PRIORITY, label="stable context"),
            *_prefix_window(window, cursor_line, req.prefix.count("\n"), req.window_block), HOLE,
            *_suffix_window(req), f"\n{fence}\n",
        ),
        Empty(req.answer_tokens),
    )


def ghost_prompt(req: GhostPromptInput) -> Node:
    """The ghost-text prompt tree: a FIM layout, prefix-only continuation, or a hole-filling chat."""
    head, window, cursor_line = _split_prefix(req)
    if req.chat_only:
        return _chat(req, head, window, cursor_line)
    prefix = _prefix_window(window, cursor_line, req.prefix.count("\n"), req.window_block)
    if req.fim_format is None:
        return Scope(_stable_commented(req, head), *prefix, Empty(req.answer_tokens))
    fmt = check_format(req.fim_format)
    suffix = _suffix_window(req)
    if fmt == "codestral":  # suffix first, by the format's design
        return Scope("[SUFFIX]", *suffix, "[PREFIX]", _stable_commented(req, head), *prefix,
                     Empty(req.answer_tokens))
    tail_open, tail_close = _split_tail(fmt)
    if fmt == "qwen" and req.items:
        return Scope(_stable_qwen_repo(req, head), *prefix, tail_open, *suffix, tail_close,
                     Empty(req.answer_tokens))
    return Scope(fim_head(fmt), _stable_commented(req, head), *prefix, tail_open, *suffix, tail_close,
                 Empty(req.answer_tokens))


def _split_tail(fim_format: str) -> tuple[str, str]:
    """The format's tail around an empty suffix, split where the suffix goes."""
    marker = "\x00"
    open_, close = fim_tail(fim_format, marker).split(marker)
    return open_, close
