"""Language facts the front-ends need, read from context/'s one table of languages."""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from context.languages import detect_language, grammar, language_info

if TYPE_CHECKING:
    from tree_sitter import Language


def highlight_language(path: str | Path, first_line: str = "") -> str | None:
    """The name the TUI's TextArea highlights the file under, or None when Textual has no grammar for it (then
    `highlighter` may supply one)."""
    info = language_info(detect_language(str(path), first_line or None))
    return info.highlight if info else None


def language_for(path: str | Path, first_line: str = "") -> str | None:
    """The file's language by extension, then shebang: context/'s detection, offered to the front-ends."""
    return detect_language(str(path), first_line or None)


_IS_NOT_LOCAL = re.compile(r"\(#is-not\? local\)")


def comment_prefix(language: str | None) -> str:
    """The line-comment prefix of `language` ("#", "//"); "" when it has none or is unknown."""
    info = language_info(language)
    return info.comment if info else ""


def indentation(language: str | None) -> tuple[Literal["spaces", "tabs"], int]:
    """How `language` indents, from the table: ("tabs", 4) for Go and Makefiles, ("spaces", 2 or 4) for the others."""
    info = language_info(language)
    width = info.indent if info else 4
    return ("tabs", 4) if width == 0 else ("spaces", width)


def _grammar_queries(language: str) -> str:
    """The highlight query of a grammar wheel; TypeScript and C++ extend JavaScript's and C's, as upstream says."""
    module_name = {"typescript": "tree_sitter_typescript", "tsx": "tree_sitter_typescript"}.get(language)
    if module_name is None:
        info = language_info(language)
        module_name = info.grammar[0] if info and info.grammar else ""
    module = importlib.import_module(module_name)
    own = getattr(module, "HIGHLIGHTS_QUERY", "")
    if not own:  # tree-sitter-typescript ships its queries as files beside the module
        queries = Path(str(module.__file__)).parent / "queries" / "highlights.scm"
        own = queries.read_text(encoding="utf-8") if queries.is_file() else ""
    base = {"typescript": "javascript", "tsx": "javascript", "cpp": "c"}.get(language)
    # tree-sitter 0.26 crashes (SIGSEGV) compiling `(#is-not? local)` for TypeScript: a predicate Textual never
    # evaluates anyway, so it goes.
    return _IS_NOT_LOCAL.sub("", (_grammar_queries(base) if base else "") + "\n" + own)


@functools.cache
def highlighter(language: str | None) -> tuple[Language, str] | None:
    """(tree-sitter Language, highlight query) for a language Textual does not highlight itself but caret has a
    grammar wheel for (TypeScript, TSX, C, C++...); None when there is none. For TextArea.register_language."""
    info = language_info(language)
    if info is None or info.grammar is None or info.highlight:
        return None
    try:
        return grammar(info.name), _grammar_queries(info.name)
    except (ImportError, KeyError, OSError):
        return None
