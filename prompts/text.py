"""Small text helpers shared by the templates: code fences, line numbers, comments per language."""

from __future__ import annotations

import re

from prompts.items import ContextItem

_LINE_COMMENT = {
    "//": ("c", "cpp", "c++", "csharp", "c#", "go", "java", "javascript", "typescript", "tsx", "jsx", "rust",
           "kotlin", "swift", "scala", "php", "dart", "zig", "groovy", "objective-c", "proto", "jsonc"),
    "#": ("python", "ruby", "shell", "bash", "sh", "zsh", "fish", "perl", "r", "yaml", "toml", "make",
          "makefile", "dockerfile", "elixir", "nim", "julia", "powershell", "cmake", "nix", "ini"),
    "--": ("sql", "lua", "haskell", "elm", "ada"),
    ";": ("lisp", "clojure", "scheme", "elisp", "emacs-lisp", "asm"),
    "%": ("erlang", "latex", "tex", "matlab", "prolog"),
}
_COMMENT_BY_LANGUAGE = {lang: marker for marker, langs in _LINE_COMMENT.items() for lang in langs}
_BLOCK_COMMENT = {"html": ("<!--", "-->"), "xml": ("<!--", "-->"), "markdown": ("<!--", "-->"),
                  "css": ("/*", "*/"), "scss": ("/*", "*/"), "vue": ("<!--", "-->"), "svelte": ("<!--", "-->")}


def comment_line(language: str, text: str) -> str:
    """`text` as a one-line comment in `language` (with its newline); '#' for languages we don't know."""
    lang = language.lower()
    if lang in _BLOCK_COMMENT:
        start, end = _BLOCK_COMMENT[lang]
        return f"{start} {text} {end}\n"
    return f"{_COMMENT_BY_LANGUAGE.get(lang, '#')} {text}\n"


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run at the start of a line in `text`."""
    longest = max((len(m.group(1)) for m in re.finditer(r"^\s*(`{3,})", text, re.MULTILINE)), default=2)
    return "`" * max(3, longest + 1)


def fenced(text: str, info: str = "") -> str:
    """`text` in a code fence that its own backticks cannot close; `info` names the language."""
    fence = fence_for(text)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def numbered(text: str, first_line: int) -> str:
    """Prefix each line with its 1-based number: `12 | code` (first_line is 0-based)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = len(str(first_line + len(lines)))
    return "".join(f"{first_line + i + 1:>{width}} | {line}\n" for i, line in enumerate(lines))


def item_block(item: ContextItem, language: str = "") -> str:
    """One context item as a titled fenced block; the source (who found it) is shown when known."""
    source = f" ({item.source})" if item.source else ""
    return f"{item.title}{source}\n{fenced(item.text, language)}\n"


_EXTENSION_LANGUAGE = {
    "py": "python", "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "jsx", "ts": "typescript",
    "tsx": "tsx", "go": "go", "rs": "rust", "c": "c", "h": "c", "cc": "cpp", "cpp": "cpp", "hpp": "cpp",
    "java": "java", "kt": "kotlin", "rb": "ruby", "sh": "bash", "md": "markdown", "html": "html",
    "css": "css", "json": "json", "toml": "toml", "yaml": "yaml", "yml": "yaml", "sql": "sql", "lua": "lua",
    "php": "php", "swift": "swift", "scala": "scala", "cs": "csharp", "hs": "haskell",
}


def language_of(path: str) -> str:
    """A code-fence language name from a path's extension ('' when unknown)."""
    name = path.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _EXTENSION_LANGUAGE.get(ext, "")
