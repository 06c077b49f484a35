"""caret's one table of languages: detection (file name, extension, shebang), LSP languageIds, the
tree-sitter grammars caret bundles, the name Textual highlights a language under, its line-comment prefix and
indentation.

Everything else that needs to know about a language (the engine's language-server specs, the TUI's
highlighting) reads it from here.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language


@dataclass(frozen=True)
class LanguageInfo:
    """One language: how files of it are recognised and what each tool calls it."""

    name: str  # caret's name: "python", "tsx", "cpp"
    extensions: tuple[str, ...] = ()  # lower case, with the dot
    filenames: tuple[str, ...] = ()  # whole file names: "Makefile"
    interpreters: tuple[str, ...] = ()  # programs a shebang may name (versions stripped): "python", "node"
    lsp_id: str = ""  # LSP languageId; "" means `name`
    lsp_ids: Mapping[str, str] = field(default_factory=dict)  # per-extension exceptions: {".jsx": "javascriptreact"}
    grammar: tuple[str, str] | None = None  # tree-sitter grammar: (module, factory function)
    highlight: str | None = None  # the language name Textual's TextArea highlights, if Textual ships it
    comment: str = ""  # line-comment prefix ("#", "//"); "" when the language has none
    indent: int = 4  # spaces per indentation level; 0 means the language indents with tabs

    def lsp_id_for(self, extension: str) -> str:
        return self.lsp_ids.get(extension, self.lsp_id or self.name)


LANGUAGES: tuple[LanguageInfo, ...] = (
    LanguageInfo("python", (".py", ".pyi", ".pyw"), interpreters=("python", "pypy"),
                 grammar=("tree_sitter_python", "language"), highlight="python", comment="#"),
    LanguageInfo("javascript", (".js", ".mjs", ".cjs", ".jsx"), interpreters=("node", "nodejs", "bun"),
                 lsp_ids={".jsx": "javascriptreact"}, grammar=("tree_sitter_javascript", "language"),
                 highlight="javascript", comment="//", indent=2),
    LanguageInfo("typescript", (".ts", ".mts", ".cts"), interpreters=("deno", "ts-node", "tsx"),
                 grammar=("tree_sitter_typescript", "language_typescript"), comment="//", indent=2),
    LanguageInfo("tsx", (".tsx",), lsp_id="typescriptreact", grammar=("tree_sitter_typescript", "language_tsx"),
                 comment="//", indent=2),
    LanguageInfo("go", (".go",), grammar=("tree_sitter_go", "language"), highlight="go", comment="//", indent=0),
    LanguageInfo("rust", (".rs",), grammar=("tree_sitter_rust", "language"), highlight="rust", comment="//"),
    LanguageInfo("c", (".c", ".h"), grammar=("tree_sitter_c", "language"), comment="//"),
    LanguageInfo("cpp", (".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".inl"),
                 grammar=("tree_sitter_cpp", "language"), comment="//"),
    LanguageInfo("java", (".java",), grammar=("tree_sitter_java", "language"), highlight="java", comment="//"),
    LanguageInfo("bash", (".sh", ".bash", ".zsh"), interpreters=("sh", "bash", "zsh", "dash"), lsp_id="shellscript",
                 highlight="bash", comment="#"),
    LanguageInfo("ruby", (".rb",), interpreters=("ruby",), comment="#"),
    LanguageInfo("perl", interpreters=("perl",), comment="#"),
    LanguageInfo("php", (".php",), interpreters=("php",), comment="//"),
    LanguageInfo("csharp", (".cs",), comment="//"),
    LanguageInfo("kotlin", (".kt",), comment="//"),
    LanguageInfo("swift", (".swift",), comment="//"),
    LanguageInfo("scala", (".scala",), comment="//"),
    LanguageInfo("lua", (".lua",), interpreters=("lua",), comment="--"),
    LanguageInfo("json", (".json",), highlight="json", indent=2),
    LanguageInfo("toml", (".toml",), highlight="toml", comment="#"),
    LanguageInfo("yaml", (".yaml", ".yml"), highlight="yaml", comment="#", indent=2),
    LanguageInfo("markdown", (".md", ".markdown"), highlight="markdown", indent=2),
    LanguageInfo("html", (".html", ".htm"), highlight="html", indent=2),
    LanguageInfo("css", (".css",), highlight="css", indent=2),
    LanguageInfo("sql", (".sql",), highlight="sql", comment="--"),
    LanguageInfo("xml", (".xml",), highlight="xml"),
    LanguageInfo("make", filenames=("Makefile", "makefile", "GNUmakefile"), lsp_id="makefile", comment="#", indent=0),
    LanguageInfo("dockerfile", filenames=("Dockerfile",), comment="#"),
    LanguageInfo("cmake", filenames=("CMakeLists.txt",), comment="#"),
)  # fmt: skip

_BY_NAME: dict[str, LanguageInfo] = {info.name: info for info in LANGUAGES}
_BY_EXTENSION: dict[str, str] = {ext: info.name for info in LANGUAGES for ext in info.extensions}
_BY_FILENAME: dict[str, str] = {name: info.name for info in LANGUAGES for name in info.filenames}
_BY_INTERPRETER: dict[str, str] = {prog: info.name for info in LANGUAGES for prog in info.interpreters}

_VERSION_SUFFIX = re.compile(r"[\d.]+$")

# Languages whose symbols caret extracts.
SYMBOL_LANGUAGES: frozenset[str] = frozenset(info.name for info in LANGUAGES if info.grammar)


def language_info(name: str | None) -> LanguageInfo | None:
    """The table's record for a language name; None for an unknown (or no) language."""
    return _BY_NAME.get(name) if name else None


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
    return _BY_INTERPRETER.get(_VERSION_SUFFIX.sub("", program)) or _BY_INTERPRETER.get(program)


def detect_language(path: str, first_line: str | None = None) -> str | None:
    """The language of `path` by file name, then extension, else by the shebang in `first_line`; None when unknown."""
    name = os.path.basename(path)
    if name in _BY_FILENAME:
        return _BY_FILENAME[name]
    ext = os.path.splitext(name)[1].lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if first_line:
        return _shebang_language(first_line)
    return None


def lsp_files(names: Iterable[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """(extensions, {extension: LSP languageId}) of the named languages, for a language server's spec."""
    extensions: list[str] = []
    language_ids: dict[str, str] = {}
    for info in filter(None, map(language_info, names)):
        for ext in info.extensions:
            extensions.append(ext)
            language_ids[ext] = info.lsp_id_for(ext)
    return tuple(extensions), language_ids


def has_grammar(language: str | None) -> bool:
    return language in SYMBOL_LANGUAGES


@functools.cache
def grammar(language: str) -> Language:
    """The tree-sitter Language for `language`; KeyError when caret has no grammar for it."""
    from tree_sitter import Language  # imported on first use: detection alone does not need tree-sitter

    info = _BY_NAME.get(language)
    if info is None or info.grammar is None:
        raise KeyError(language)
    module_name, factory = info.grammar
    module = importlib.import_module(module_name)
    return Language(getattr(module, factory)())
