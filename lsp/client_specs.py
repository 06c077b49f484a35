"""Default language-server specs and finding their executables (PATH, then the venv's bin)."""

from __future__ import annotations

import os
import shutil
import sys

from lsp.client_types import ServerSpec

# Per language, candidates in preference order: the first one found is used. Python always has
# jedi-language-server (a dependency); a pyright found on PATH is preferred for its type-checker diagnostics.
_CANDIDATES: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "python",
        "Python",
        (".py", ".pyi"),
        (
            ("basedpyright-langserver", ("--stdio",)),
            ("pyright-langserver", ("--stdio",)),
            ("jedi-language-server", ()),
        ),
    ),
    ("go", "Go", (".go",), (("gopls", ()),)),
    ("c", "C/C++", (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"), (("clangd", ()),)),
    (
        "typescript",
        "TypeScript/JavaScript",
        (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"),
        (("typescript-language-server", ("--stdio",)),),
    ),
    ("rust", "Rust", (".rs",), (("rust-analyzer", ()),)),
)


def find_executable(command: str) -> str | None:
    """An absolute path for the command: as given if it is a path, else PATH, else next to sys.executable."""
    if os.sep in command or (os.altsep and os.altsep in command):
        return command if os.path.isfile(command) and os.access(command, os.X_OK) else None
    found = shutil.which(command)
    if found:
        return found
    venv_bin = os.path.dirname(sys.executable)
    return shutil.which(command, path=venv_bin)


def default_server_specs() -> list[ServerSpec]:
    """One spec per language; where no candidate is installed, the first one (its status says to install it)."""
    specs: list[ServerSpec] = []
    for language, title, extensions, candidates in _CANDIDATES:
        chosen = next((c for c in candidates if find_executable(c[0])), candidates[0])
        specs.append(
            ServerSpec(
                language=language,
                command=chosen[0],
                args=chosen[1],
                file_extensions=extensions,
                display_language=title,
            )
        )
    return specs
