"""Default language servers, keyed by language name, and finding their executables (PATH, then the venv's bin).

Which files a server gets is not decided here: each default names the caret languages it serves, and the
engine fills in their extensions and LSP languageIds from caret's one table of languages.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass

from lsp.client.types import ServerSpec


@dataclass(frozen=True)
class DefaultServer:
    """One language's server candidates, in preference order: the first one found is used."""

    title: str  # "C/C++": used in status lines
    languages: tuple[str, ...]  # caret language names it serves
    candidates: tuple[tuple[str, tuple[str, ...]], ...]  # (command, args)


# Python always has jedi-language-server (a dependency); a pyright found on PATH is preferred for its
# type-checker diagnostics.
DEFAULT_SERVERS: dict[str, DefaultServer] = {
    "python": DefaultServer(
        "Python",
        ("python",),
        (
            ("basedpyright-langserver", ("--stdio",)),
            ("pyright-langserver", ("--stdio",)),
            ("jedi-language-server", ()),
        ),
    ),
    "go": DefaultServer("Go", ("go",), (("gopls", ()),)),
    "c": DefaultServer("C/C++", ("c", "cpp"), (("clangd", ()),)),
    "typescript": DefaultServer(
        "TypeScript/JavaScript",
        ("typescript", "tsx", "javascript"),
        (("typescript-language-server", ("--stdio",)),),
    ),
    "rust": DefaultServer("Rust", ("rust",), (("rust-analyzer", ()),)),
}


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
    """One spec per language, without file extensions (the engine adds them from `languages`).

    Where no candidate is installed, the first one is named (its status says to install it).
    """
    specs: list[ServerSpec] = []
    for language, server in DEFAULT_SERVERS.items():
        command, args = next((c for c in server.candidates if find_executable(c[0])), server.candidates[0])
        specs.append(
            ServerSpec(
                language=language,
                command=command,
                args=args,
                display_language=server.title,
                languages=server.languages,
            )
        )
    return specs
