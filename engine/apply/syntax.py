"""Whether an edit breaks a file's syntax: tree-sitter's error nodes before and after (languages with a grammar)."""

from __future__ import annotations

from tree_sitter import Node

from context.languages import detect_language, has_grammar
from context.symbols import parse


def _errors(node: Node) -> list[int]:
    """0-based lines of the error and missing nodes under `node` (only walked where the parser flagged errors)."""
    if not node.has_error and not node.is_missing:
        return []
    if node.type == "ERROR" or node.is_missing:
        return [node.start_point.row]
    lines: list[int] = []
    for child in node.children:
        lines.extend(_errors(child))
    return lines


def syntax_errors(path: str, text: str) -> list[int]:
    """0-based lines where `text` does not parse, for a file whose language caret has a grammar for; else []."""
    first = text.split("\n", 1)[0]
    language = detect_language(path, first)
    if language is None or not has_grammar(language):
        return []
    return _errors(parse(text.encode("utf-8", "surrogatepass"), language).root_node)


def broken_syntax(path: str, old: str, new: str) -> str | None:
    """One line when `new` parses with more errors than `old` did (None when it does not, or cannot be told)."""
    after = syntax_errors(path, new)
    if not after or len(after) <= len(syntax_errors(path, old)):
        return None
    return f"{path}: the edited file no longer parses (line {after[0] + 1}); nothing written (--force applies it)"
