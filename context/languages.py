"""Language detection (extension, then shebang) and the tree-sitter grammars caret bundles."""

from __future__ import annotations

import functools
import importlib
import os
import re

from tree_sitter import Language

_EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
    ".h++": "cpp", ".ipp": "cpp", ".inl": "cpp",
    ".java": "java",
    ".sh": "bash", ".bash": "bash", ".zsh": "bash",
    ".rb": "ruby", ".php": "php", ".cs": "csharp", ".kt": "kotlin", ".swift": "swift", ".scala": "scala",
    ".lua": "lua", ".json": "json", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml",
    ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".css": "css",
    ".sql": "sql", ".xml": "xml",
}

_FILENAMES: dict[str, str] = {
    "Makefile": "make", "makefile": "make", "GNUmakefile": "make", "Dockerfile": "dockerfile",
    "CMakeLists.txt": "cmake",
}

# Interpreter names a shebang may name (after /usr/bin/env, versions stripped).
_INTERPRETERS: dict[str, str] = {
    "python": "python", "pypy": "python", "node": "javascript", "nodejs": "javascript", "deno": "typescript",
    "bun": "javascript", "ts-node": "typescript", "tsx": "typescript", "sh": "bash", "bash": "bash",
    "zsh": "bash", "dash": "bash", "ruby": "ruby", "perl": "perl", "php": "php", "lua": "lua",
}

_VERSION_SUFFIX = re.compile(r"[\d.]+$")

# Languages whose symbols caret extracts, and the (module, factory function) of each grammar.
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "java": ("tree_sitter_java", "language"),
}

SYMBOL_LANGUAGES: frozenset[str] = frozenset(_GRAMMARS)


def _shebang_language(first_line: str) -> str | None:
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].strip().split()
    if not words:
        return None
    program = os.path.basename(words[0])
    if program == "env":
        # `env -S prog args` and `env prog`: the first word that is not an option is the program.
        rest = [w for w in words[1:] if not w.startswith("-")]
        if not rest:
            return None
        program = os.path.basename(rest[0])
    return _INTERPRETERS.get(_VERSION_SUFFIX.sub("", program)) or _INTERPRETERS.get(program)


def detect_language(path: str, first_line: str | None = None) -> str | None:
    """The language of `path` by extension, else by the shebang in `first_line`; None when unknown."""
    name = os.path.basename(path)
    if name in _FILENAMES:
        return _FILENAMES[name]
    ext = os.path.splitext(name)[1].lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if first_line:
        return _shebang_language(first_line)
    return None


def has_grammar(language: str | None) -> bool:
    return language in _GRAMMARS


@functools.cache
def grammar(language: str) -> Language:
    """The tree-sitter Language for `language`; KeyError when caret has no grammar for it."""
    module_name, factory = _GRAMMARS[language]
    module = importlib.import_module(module_name)
    return Language(getattr(module, factory)())
