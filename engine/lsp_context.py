"""Definitions of the identifiers around the cursor, from a real language server, as prompt context.

For each identifier on the cursor's line and in its enclosing function (nearest first), ask the server
where it is defined, cut the whole enclosing symbol at the target with tree-sitter, and return one
ContextItem per distinct definition. Waits at most `budget_s`: whatever has not arrived by then is left
out (it still lands in the pool's cache for the next call).
"""

from __future__ import annotations

import asyncio
import collections
import keyword
import os
import re
from dataclasses import dataclass

from context.languages import detect_language
from context.symbols import enclosing_definition
from lsp.client import LanguageServerPool, Location
from lsp.positions import split_lines
from prompts.items import ContextItem, ContextKind

_IDENTIFIER = re.compile(r"[^\W\d]\w*")
# Words that never have a useful definition (keywords of the languages caret serves, and `self`/`this`).
_SKIP_WORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {
    "self", "cls", "this", "super", "true", "false", "null", "nil", "undefined", "func", "fn", "let",
    "const", "var", "mut", "pub", "struct", "enum", "impl", "use", "mod", "package", "int", "str", "bool",
    "float", "void", "char", "auto", "static", "function", "export", "interface", "type", "new",
}  # fmt: skip
_LINE_COMMENT = {"python": "#", "bash": "#", "ruby": "#"}
_EXTERNAL_PARTS = ("site-packages", "dist-packages", "node_modules", "typeshed")


@dataclass(frozen=True)
class _Identifier:
    name: str
    line: int
    character: int


def identifiers_near_cursor(
    lines: list[str], language: str, cursor_line: int, scope: tuple[int, int] | None, limit: int
) -> list[_Identifier]:
    """Distinct identifiers on the cursor's line, then on the scope's lines by distance from the cursor."""
    first, last = scope if scope else (cursor_line, cursor_line + 1)
    order = sorted(range(max(0, first), min(len(lines), last)), key=lambda n: (abs(n - cursor_line), n))
    if 0 <= cursor_line < len(lines) and cursor_line not in order:
        order.insert(0, cursor_line)
    comment = _LINE_COMMENT.get(language, "//")
    seen: set[str] = set()
    found: list[_Identifier] = []
    for number in order:
        code = lines[number].split(comment, 1)[0]
        for match in _IDENTIFIER.finditer(code):
            name = match.group()
            if name in seen or name in _SKIP_WORDS or len(name) < 2:
                continue
            seen.add(name)
            found.append(_Identifier(name, number, match.start()))
            if len(found) >= limit:
                return found
    return found


_cuts: collections.OrderedDict[tuple[str, int, int, int], tuple[int, int] | None] = collections.OrderedDict()


def _enclosing_cached(path: str, text: str, language: str, line: int) -> tuple[int, int] | None:
    key = (path, len(text), hash(text), line)
    if key in _cuts:
        _cuts.move_to_end(key)
        return _cuts[key]
    cut = enclosing_definition(text, language, line)
    _cuts[key] = cut
    if len(_cuts) > 2048:
        _cuts.popitem(last=False)
    return cut


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
    if await pool.sync_document(path, text) is None:
        return []
    lines = split_lines(text)
    own_scope = _enclosing_cached(os.path.abspath(path), text, language, cursor_line)
    wanted = identifiers_near_cursor(lines, language, cursor_line, own_scope, max_identifiers)
    if not wanted:
        return []
    answers = await asyncio.gather(
        *(pool.definition(path, ident.line, ident.character, timeout_s=budget_s) for ident in wanted)
    )
    source = pool.server_name(path)
    own_path = os.path.abspath(path)
    items: list[ContextItem] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, (ident, locations) in enumerate(zip(wanted, answers, strict=True)):
        for location in locations[:2]:  # an overloaded name may have a few; more is noise
            item = _definition_item(
                pool, location, ident, own_path, own_scope, cursor_line, max_lines, external_max_lines
            )
            if item is None:
                continue
            key = (item.path, *(item.range or (0, 0)))
            if key in seen:
                continue
            seen.add(key)
            items.append(
                ContextItem(
                    path=item.path,
                    text=item.text,
                    kind=ContextKind.DEFINITION,
                    range=item.range,
                    priority=1.0 - rank / len(wanted),
                    source=source,
                    label=item.label,
                )
            )
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
