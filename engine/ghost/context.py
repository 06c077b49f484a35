"""Context for ghost text: the project rules for the file, the definitions near the cursor (language servers, and
tree-sitter over the buffer itself), chunks of other files like the code being typed, and the lines after the cursor.

Ghost text runs per keystroke, so it never waits on the index; language servers get a budget of milliseconds. What
goes in the prompt's stable part is kept while the cursor stays near (StableContext), so the KV cache survives typing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection
from dataclasses import dataclass

from context.languages import detect_language, has_grammar
from context.symbols import Definition, parse, symbols_from_tree
from engine.definitions import DefinitionProvider
from engine.gather import rule_items
from engine.ghost.retrieval import REFRESH_LINES, GhostRetriever
from engine.privacy import may_send_definition
from engine.project import ProjectContext
from prompts.items import ContextItem, ContextKind

# What a ghost-text prompt may hold besides the cursor window (`completion.context`, for users and ablations).
CONTEXT_PARTS = ("rules", "definitions", "recent", "retrieved", "local", "after")
NEAR_LINES = 6  # identifiers used in these lines before the cursor get their in-file definitions
MAX_LOCAL = 4
LOCAL_LINES = 8  # of one in-file definition: its signature and first lines
AFTER_LINES = 6  # non-blank lines after the cursor, for layouts without a suffix slot
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_SCOPES = frozenset({"function", "method", "class"})


def context_parts(setting: str) -> frozenset[str]:
    """The parts named in `completion.context` ("all", "none", or a comma-separated list of CONTEXT_PARTS)."""
    names = {part.strip() for part in setting.split(",") if part.strip()}
    if "all" in names:
        return frozenset(CONTEXT_PARTS)
    return frozenset(names & set(CONTEXT_PARTS))


async def gather_for_ghost(
    project: ProjectContext,
    path: str,
    text: str,
    line: int,
    definitions: DefinitionProvider | None = None,
    lsp_budget_s: float = 0.05,
) -> tuple[list[ContextItem], list[ContextItem]]:
    """(rules, items) for ghost text: never waits on the index; language servers get `lsp_budget_s`."""
    rules = rule_items((await project.ready_rules()).for_file(path))
    items: list[ContextItem] = []
    if definitions is not None:
        found = await definitions(path, text, line, lsp_budget_s)
        items = [i for i in found if may_send_definition(project.workspace, i.path)]  # never a secret's lines
        # A stable order keeps the prompt's stable part identical between keystrokes (KV cache reuse).
        items.sort(key=lambda i: (i.path, i.range or (0, 0)))
    return rules, items


def _visible(d: Definition, window_start: int, line: int, head_lines: int) -> bool:
    """True when the prompt shows `d`'s first line already (in the file head or the window)."""
    return d.start_line < head_lines or window_start <= d.start_line <= line


def local_definitions(text: str, path: str, line: int, window_start: int, head_lines: int) -> list[ContextItem]:
    """In-file context the window does not show, from tree-sitter over the buffer: the signatures of the definitions
    around the cursor, then the first lines of the file's definitions of names used in the NEAR_LINES lines before
    the cursor (a name defined more than twice is left out: a wrong guess misleads more than none)."""
    language = detect_language(path)
    if language is None or not has_grammar(language):
        return []
    src = text.encode("utf-8")
    definitions = symbols_from_tree(parse(src, language), src, language).definitions
    lines = text.split("\n")
    out: list[ContextItem] = []

    def add(d: Definition, n: int, why: str) -> None:
        body = "\n".join(lines[d.start_line : min(d.end_line, d.start_line + n)]).rstrip()
        if body.strip() and not any(i.range and i.range[0] == d.start_line for i in out):
            out.append(ContextItem(path=path, text=body, kind=ContextKind.DEFINITION,
                                   range=(d.start_line, d.start_line + body.count("\n") + 1), source="tree-sitter",
                                   priority=float(MAX_LOCAL - len(out)), label=f"{path}:{d.start_line + 1} {why}"))

    for d in sorted(definitions, key=lambda d: d.start_line):  # the scopes the cursor is in, outermost first
        if d.kind in _SCOPES and d.start_line < line < d.end_line and not _visible(d, window_start, line, head_lines):
            add(d, 1, d.qualified_name)
    near = "\n".join(lines[max(0, line - NEAR_LINES) : line + 1])
    by_name: dict[str, list[Definition]] = {}
    for d in definitions:
        by_name.setdefault(d.name, []).append(d)
    for name in dict.fromkeys(reversed(_IDENT.findall(near))):  # nearest to the cursor first
        found = [d for d in by_name.get(name, []) if not d.start_line <= line < d.end_line]
        if len(out) >= MAX_LOCAL or not 1 <= len(found) <= 2:
            continue
        d = min(found, key=lambda d: abs(d.start_line - line))
        if not _visible(d, window_start, line, head_lines):
            add(d, LOCAL_LINES, d.qualified_name)
    return out[:MAX_LOCAL]


def after_cursor(suffix: str) -> str:
    """The first AFTER_LINES non-blank lines after the cursor's line: what the code goes on to do."""
    rest = [line for line in suffix.split("\n")[1:] if line.strip()]
    return "\n".join(rest[:AFTER_LINES])


@dataclass(frozen=True)
class _Kept:
    anchor: int | None
    line: int
    items: list[ContextItem]


class StableContext:
    """The stable part's items from the buffer and the index (in-file definitions, retrieved chunks), kept per file
    while the window's start stays and the cursor stays within REFRESH_LINES lines."""

    def __init__(self, project: ProjectContext, parts: Collection[str]) -> None:
        self._parts = frozenset(parts)
        self._retriever = GhostRetriever(project)
        self._local: dict[str, _Kept] = {}

    async def items(self, path: str, text: str, offset: int, anchor: int | None, head_lines: int) -> list[ContextItem]:
        """Retrieved chunks, then in-file definitions, for a cursor at `offset` of `text`."""
        prefix = text[:offset]
        line = prefix.count("\n")
        local: list[ContextItem] = []
        if "local" in self._parts:
            kept = self._local.get(path)
            if kept is None or kept.anchor != anchor or abs(kept.line - line) >= REFRESH_LINES:
                start = anchor if anchor is not None else max(0, line - 60)
                # tree-sitter parses the buffer: off the event loop
                found = await asyncio.to_thread(local_definitions, text, path, line, start, head_lines)
                kept = self._local[path] = _Kept(anchor, line, found)
            local = kept.items
        retrieved = await self._retriever.items(path, prefix, anchor) if "retrieved" in self._parts else []
        return [*retrieved, *local]  # the in-file definitions nearer the window
