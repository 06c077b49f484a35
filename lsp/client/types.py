"""Plain data the language-server client hands out: specs, statuses, and query results.

Results carry caret positions (line, character as a Python str index), never the server's units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class LspError(Exception):
    """A language-server failure with a one-line message fit to show a user as is."""


class LspTimeout(LspError):
    """The server did not answer in time; asking again at the same document version would not help."""


class LspStale(LspError):
    """The document changed before the request could be sent, so it was never sent."""


@dataclass(frozen=True)
class ServerSpec:
    """How to start one language server; the engine fills these from caret's config and language table."""

    language: str  # the pool's key for this server: "python", "go", "c", "typescript", "rust"...
    command: str  # executable name (looked up on PATH and next to sys.executable) or a path
    args: tuple[str, ...] = ()
    init_options: dict[str, Any] | None = None
    file_extensions: tuple[str, ...] = ()  # with the dot: (".py", ".pyi")
    # LSP languageId sent in didOpen, by extension; an extension not listed sends `language`.
    language_ids: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()  # caret language names it serves (engine fills the two fields above)
    display_language: str = ""  # "Python", "C/C++": used in status lines
    name: str = ""  # shown as ContextItem.source; defaults to the command's basename
    position_encodings: tuple[str, ...] = ("utf-32", "utf-16", "utf-8")  # offered, preferred first

    @property
    def server_name(self) -> str:
        return self.name or self.command.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        return self.display_language or self.language.capitalize()


@dataclass(frozen=True)
class ServerStatus:
    """One line for the UI about one language's server."""

    language: str
    server: str
    state: str  # "not started" | "starting" | "running" | "missing" | "failed" | "crashed" | "closed"
    message: str = ""
    pid: int | None = None
    restarts: int = 0


@dataclass(frozen=True, order=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True)
class Range:
    start: Position
    end: Position


@dataclass(frozen=True)
class Location:
    path: str  # absolute file path (or the raw uri when it is not a file)
    range: Range


@dataclass(frozen=True)
class Hover:
    text: str
    range: Range | None = None


class DiagnosticSeverity(IntEnum):
    """LSP's severity numbers (lsprotocol's DiagnosticSeverity), under the upper-case names caret's API uses."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4


@dataclass(frozen=True)
class Diagnostic:
    range: Range
    severity: DiagnosticSeverity | None
    message: str
    source: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class DocumentSymbol:
    name: str
    kind: int  # LSP SymbolKind number (12 = function, 5 = class, 6 = method...)
    range: Range
    selection_range: Range
    container: str | None = None  # the enclosing symbol's name, if any
    detail: str | None = None


@dataclass(frozen=True)
class TextChange:
    """One range edit in caret positions; range None replaces the whole document."""

    text: str
    range: Range | None = None


@dataclass
class DocumentDiagnostics:
    version: int | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
