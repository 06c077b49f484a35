"""caret's client for real language servers: a pool with one server per language, started on demand.

A bottom-layer package: it imports nothing of caret's outside itself. What it serves (extensions, LSP
languageIds, commands) arrives as plain data in `ServerSpec`s that the engine builds.
"""

from __future__ import annotations

from lsp.client.edit_check import diagnostics_introduced
from lsp.client.pool import LanguageServerPool
from lsp.client.positions import split_lines
from lsp.client.specs import DEFAULT_SERVERS, DefaultServer, default_server_specs
from lsp.client.types import (
    Diagnostic,
    DiagnosticSeverity,
    DocumentSymbol,
    Hover,
    Location,
    LspError,
    Position,
    Range,
    ServerSpec,
    ServerStatus,
    TextChange,
)

__all__ = [
    "DEFAULT_SERVERS",
    "DefaultServer",
    "Diagnostic",
    "DiagnosticSeverity",
    "DocumentSymbol",
    "Hover",
    "LanguageServerPool",
    "Location",
    "LspError",
    "Position",
    "Range",
    "ServerSpec",
    "ServerStatus",
    "TextChange",
    "default_server_specs",
    "diagnostics_introduced",
    "split_lines",
]
