"""Definitions of the identifiers around the cursor, from a real language server, as prompt context: one
DefinitionProvider serves ghost text, chat and edit alike (each with its own time budget).

For each identifier on the cursor's line and in its enclosing function (nearest first), ask the server
where it is defined, cut the whole enclosing symbol at the target with tree-sitter, and return one
ContextItem per distinct definition. Waits at most `budget_s`: whatever has not arrived by then is left
out (it still lands in the pool's cache for the next call).
"""

from __future__ import annotations

import asyncio
import builtins
import collections
import keyword
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from context.languages import detect_language, has_grammar
from context.symbols import Definition, enclosing_definition, extract_symbols, innermost_definition
from engine.languages import language_for
from prompts.items import ContextItem, ContextKind

if TYPE_CHECKING:  # lsp.client pulls in lsprotocol (~1 s); it is imported once a pool exists, not at launch
    from lsp.client import LanguageServerPool, Location

# (workspace-relative path, buffer text, cursor line, time budget in seconds) -> definition items, best first
DefinitionProvider = Callable[[str, str, int, float], Awaitable[list[ContextItem]]]
log = logging.getLogger("caret.definitions")

_IDENTIFIER = re.compile(r"[^\W\d]\w*")
# Words that never have a useful definition (keywords of the languages caret serves, and `self`/`this`).
_SKIP_WORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {
    "self", "cls", "this", "super", "true", "false", "null", "nil", "undefined", "func", "fn", "let",
    "const", "var", "mut", "pub", "struct", "enum", "impl", "use", "mod", "package", "int", "str", "bool",
    "float", "void", "char", "auto", "static", "function", "export", "interface", "type", "new",
}  # fmt: skip
# Python's builtins resolve into typeshed stubs: slow to look up and known to any model.
_SKIP_BY_LANGUAGE = {"python": frozenset(dir(builtins))}
_LINE_COMMENT = {"python": "#", "bash": "#", "ruby": "#"}
_EXTERNAL_PARTS = ("site-packages", "dist-packages", "node_modules", "typeshed")


@dataclass(frozen=True)
class _Identifier:
    name: str
    line: int
    character: int


def identifiers_near_cursor(
    lines: list[str],
    language: str,
    cursor_line: int,
    scope: tuple[int, int] | None,
    limit: int,
    skip: frozenset[str] = frozenset(),
) -> list[_Identifier]:
    """Distinct identifiers, best first: the cursor's line, then the scope's lines by distance from it.

    Within each of those two groups, plain names come before attributes (`x.name`): a server resolves a
    name by scope lookup but an attribute by type inference, which can take seconds.
    """
    first, last = scope if scope else (cursor_line, cursor_line + 1)
    numbers = [n for n in range(max(0, first), min(len(lines), last)) if n != cursor_line]
    if 0 <= cursor_line < len(lines):
        numbers.append(cursor_line)
    comment = _LINE_COMMENT.get(language, "//")
    skipped = _SKIP_WORDS | _SKIP_BY_LANGUAGE.get(language, frozenset()) | skip
    candidates: list[tuple[bool, bool, int, _Identifier]] = []
    for number in numbers:
        code = lines[number].split(comment, 1)[0]
        for match in _IDENTIFIER.finditer(code):
            name = match.group()
            if name in skipped or len(name) < 2:
                continue
            attribute = code[: match.start()].rstrip().endswith(".")
            ident = _Identifier(name, number, match.start())
            candidates.append((number != cursor_line, attribute, abs(number - cursor_line), ident))
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3].line, c[3].character))
    seen: set[str] = set()
    found: list[_Identifier] = []
    for *_, ident in candidates:
        if ident.name not in seen:
            seen.add(ident.name)
            found.append(ident)
            if len(found) >= limit:
                break
    return found


_definitions: collections.OrderedDict[tuple[str, int, int], list[Definition]] = collections.OrderedDict()


_scopes: collections.OrderedDict[tuple[str, int, int, int], tuple[int, int] | None] = collections.OrderedDict()


def _own_scope(path: str, text: str, language: str, line: int) -> tuple[int, int] | None:
    """The cursor's enclosing definition. The buffer changes with each keystroke, so this asks one line of a
    fresh parse (cheaper than a full symbol pass) and remembers it for the same text and line."""
    if not has_grammar(language):
        return None
    key = (path, len(text), hash(text), line)
    if key not in _scopes:
        _scopes[key] = enclosing_definition(text, language, line)
        if len(_scopes) > 256:
            _scopes.popitem(last=False)
    return _scopes[key]


def _enclosing_cached(path: str, text: str, language: str, line: int) -> tuple[int, int] | None:
    """enclosing_definition for definition targets: each file parsed once per text (many lines asked of it)."""
    if not has_grammar(language):
        return None
    key = (path, len(text), hash(text))
    definitions = _definitions.get(key)
    if definitions is None:
        definitions = extract_symbols(text, language).definitions
        _definitions[key] = definitions
        if len(_definitions) > 64:
            _definitions.popitem(last=False)
    else:
        _definitions.move_to_end(key)
    best = innermost_definition(definitions, line)
    return (best.start_line, best.end_line) if best is not None else None


def _is_external(path: str, root: str) -> bool:
    absolute = os.path.abspath(path)
    inside = absolute.startswith(root.rstrip(os.sep) + os.sep)
    return not inside or any(part in absolute for part in _EXTERNAL_PARTS)


def _display_path(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    prefix = root.rstrip(os.sep) + os.sep
    return absolute[len(prefix) :] if absolute.startswith(prefix) else absolute


async def definition_context(
    pool: LanguageServerPool,
    path: str,
    text: str,
    language: str,
    cursor_line: int,
    budget_s: float = 0.05,
    *,
    max_identifiers: int = 24,
    max_lines: int = 120,
    external_max_lines: int = 60,
) -> list[ContextItem]:
    """ContextItems (kind DEFINITION) for definitions of the identifiers around the cursor, best first.

    Definitions inside the cursor's own function are skipped (they are in the prompt already); a
    definition outside the workspace (stdlib, site-packages) longer than `external_max_lines` is skipped,
    one inside longer than `max_lines` is cut to its first `max_lines` lines.
    """
    loop = asyncio.get_running_loop()
    # A tenth of the budget (at most 10 ms) is kept for cutting the last answers into items.
    deadline = loop.time() + budget_s - min(0.1 * budget_s, 0.01)
    if await pool.sync_document(path, text) is None:
        return []
    from lsp.client import split_lines  # cheap here: the pool already imported lsp.client

    lines = split_lines(text)
    # The cursor line's names go to the server first; the parse for the enclosing function runs meanwhile.
    wanted = identifiers_near_cursor(lines, language, cursor_line, None, max_identifiers)
    asked = [asyncio.create_task(pool.definition(path, i.line, i.character, budget_s)) for i in wanted]
    own_scope = _own_scope(os.path.abspath(path), text, language, cursor_line)
    if own_scope is not None and len(wanted) < max_identifiers:
        more = identifiers_near_cursor(
            lines, language, cursor_line, own_scope, max_identifiers - len(wanted), frozenset(i.name for i in wanted)
        )
        asked += [asyncio.create_task(pool.definition(path, i.line, i.character, budget_s)) for i in more]
        wanted += more
    if not asked:
        return []
    own_path = os.path.abspath(path)
    rank_of = {task: rank for rank, task in enumerate(asked)}
    found: dict[int, list[ContextItem]] = {}
    pending = set(asked)
    # Answers are cut into items as they arrive (parsing a target file is the costly part), so little is
    # left to do at the deadline. Whatever has not arrived by then is left out; the pool still caches it.
    while pending and (remaining := deadline - loop.time()) > 0:
        done, pending = await asyncio.wait(pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            rank = rank_of[task]
            found[rank] = [
                item
                for location in task.result()[:2]  # an overloaded name may have a few; more is noise
                if (item := _definition_item(pool, location, wanted[rank], own_path, own_scope, cursor_line,
                                             max_lines, external_max_lines)) is not None
            ]  # fmt: skip
    for task in pending:
        task.cancel()
    source = pool.server_name(path)
    items: list[ContextItem] = []
    seen: set[tuple[str, int, int]] = set()
    for rank in sorted(found):
        for item in found[rank]:
            key = (item.path, *(item.range or (0, 0)))
            if key not in seen:
                seen.add(key)
                items.append(replace(item, priority=1.0 - rank / len(wanted), source=source))
    return items


def _definition_item(
    pool: LanguageServerPool,
    location: Location,
    ident: _Identifier,
    own_path: str,
    own_scope: tuple[int, int] | None,
    cursor_line: int,
    max_lines: int,
    external_max_lines: int,
) -> ContextItem | None:
    target = os.path.abspath(location.path)
    line = location.range.start.line
    if target == own_path and (line == cursor_line or (own_scope and own_scope[0] <= line < own_scope[1])):
        return None
    target_text = pool.document_text(target)
    if target_text is None:
        return None
    from lsp.client import split_lines

    target_lines = split_lines(target_text)
    if not 0 <= line < len(target_lines):
        return None
    target_language = detect_language(target) or ""
    cut = _enclosing_cached(target, target_text, target_language, line)
    if cut is None or not cut[0] <= line < cut[1]:
        cut = (line, line + 1)  # a variable or constant: its line alone
    if target == own_path and own_scope is not None and cut == own_scope:
        return None
    start, end = cut
    if end - start > external_max_lines and _is_external(target, pool.root):
        return None
    end = min(end, start + max_lines)
    shown = _display_path(target, pool.root)
    return ContextItem(
        path=shown,
        text="\n".join(target_lines[start:end]),
        kind=ContextKind.DEFINITION,
        range=(start, end),
        label=f"{ident.name}: {shown}:{start + 1}-{end}",
    )


def definitions_provider(pool: LanguageServerPool, root: Path) -> DefinitionProvider:
    """The DefinitionProvider the pipelines share: a broken server yields no items and a log line, never an
    error, so it can never break a completion or an answer."""

    async def provide(path: str, text: str, line: int, budget_s: float) -> list[ContextItem]:
        language = language_for(path, text.split("\n", 1)[0]) or ""
        try:
            return await definition_context(pool, str(root / path), text, language, line, budget_s)
        except Exception as exc:
            log.warning("definition context failed: %s", exc)
            return []

    return provide
