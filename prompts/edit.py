"""The inline-edit template (Ctrl+K): instruction, numbered selection, surrounding code, definitions, rules.

The model answers in the format prompts.edit_format parses: the replacement for the selected lines in one
fenced block (or SEARCH/REPLACE blocks when `multi_file` is set). The selection and the instruction are never
dropped; code around the selection fades with distance; definitions and other context follow chat's bands.
"""

from __future__ import annotations

from dataclasses import dataclass

from prompts.chat import context_sections, rules_text
from prompts.edit_format import DIVIDER, REPLACE_MARK, SEARCH_MARK
from prompts.elements import Empty, Node, Scope, SystemMessage, UserMessage
from prompts.items import ContextItem, ContextKind
from prompts.text import fence_for, language_of, numbered

AROUND_PRIORITY = 950  # a line at distance d from the selection: AROUND_PRIORITY - d

EDIT_SYSTEM = (
    "You are caret, an AI pair programmer. You rewrite the selected lines of a file as the user asks. "
    "Change only what the instruction needs; keep the file's style and indentation."
)
REPLY_ONE_BLOCK = (
    "Reply with the new text for the selected lines (lines {first}-{last}) inside exactly one fenced code "
    "block, without line numbers. It replaces the whole selection, so include unchanged selected lines too. "
    "Write nothing else but, at most, one short sentence before the block."
)
REPLY_INSERT = (
    "Reply with the text to insert between the selection markers (at line {first}) inside exactly one fenced "
    "code block, without line numbers. Write nothing else but, at most, one short sentence before the block."
)
REPLY_SEARCH_REPLACE = (
    "Reply with one or more SEARCH/REPLACE blocks. Before each block, put the file's path alone on a line. "
    "The SEARCH part must match existing lines exactly (without line numbers):\n\n"
    f"path/to/file.py\n{SEARCH_MARK}\nexisting lines\n{DIVIDER}\nnew lines\n{REPLACE_MARK}\n"
)


@dataclass(frozen=True)
class EditPromptInput:
    """`selection` starts at 0-based line `selection_start`; `before`/`after` is the file's text around it.
    `items`: definitions, rules and other context (as ContextItems)."""

    path: str
    instruction: str
    selection: str
    selection_start: int
    before: str = ""
    after: str = ""
    items: tuple[ContextItem, ...] = ()
    multi_file: bool = False
    answer_tokens: int = 2048
    around_lines: int = 200


def _around(req: EditPromptInput) -> tuple[list[Node], list[Node]]:
    """Lines before and after the selection, numbered, each fading with its distance to the selection."""
    before_lines = req.before.split("\n")
    if before_lines and before_lines[-1] == "":
        before_lines.pop()
    after_lines = req.after.split("\n")
    if after_lines and after_lines[-1] == "":
        after_lines.pop()
    selection_lines = max(1, req.selection.count("\n") + (0 if req.selection.endswith("\n") else 1))
    first_after = req.selection_start + selection_lines
    above: list[Node] = []
    start = max(0, len(before_lines) - req.around_lines)
    for i in range(start, len(before_lines)):
        line_no = req.selection_start - len(before_lines) + i
        above.append(Scope(numbered(before_lines[i] + "\n", line_no), p=AROUND_PRIORITY - (len(before_lines) - i)))
    below: list[Node] = []
    for j, line in enumerate(after_lines[: req.around_lines]):
        below.append(Scope(numbered(line + "\n", first_after + j), p=AROUND_PRIORITY - (j + 1)))
    return above, below


def edit_prompt(req: EditPromptInput) -> Node:
    """The inline-edit prompt tree: instructions and rules, context, the numbered selection and its surroundings."""
    lang = language_of(req.path)
    rules = [i for i in req.items if i.kind is ContextKind.RULE]
    context = [i for i in req.items if i.kind is not ContextKind.RULE]
    selection_lines = max(1, req.selection.count("\n") + (0 if req.selection.endswith("\n") else 1))
    first, last = req.selection_start + 1, req.selection_start + selection_lines
    above, below = _around(req)
    fence = fence_for(req.before + req.selection + req.after)
    if req.multi_file:
        reply_format = REPLY_SEARCH_REPLACE
    elif req.selection:
        reply_format = REPLY_ONE_BLOCK.format(first=first, last=last)
    else:
        reply_format = REPLY_INSERT.format(first=first)
    return Scope(
        SystemMessage(EDIT_SYSTEM, rules_text(rules)),
        UserMessage(
            *context_sections(context),
            f"## File {req.path}\n\n{fence}{lang}\n",
            *above,
            Scope(f">>> selection starts (line {first})\n", numbered(req.selection, req.selection_start),
                  f"<<< selection ends (line {last})\n", label="selection"),
            *below,
            f"{fence}\n\n## Instruction\n\n{req.instruction.strip()}\n\n## Reply format\n\n{reply_format}\n",
        ),
        Empty(req.answer_tokens),
    )

