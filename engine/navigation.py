"""Go to definition, find references and hover for the front-ends: the language servers' answers as plain data
(absolute paths, 0-based lines and columns, hover text), never a language-server type. The buffer's unsaved text is
synced to the server first, so the answer is about what the user sees."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.session import Session
    from lsp.client.types import Location

TIMEOUT_S = 20.0  # the first query also starts the server (~1.5 s for jedi; more on a busy machine)


@dataclass(frozen=True)
class Place:
    """A place in a file: where a definition or a reference is."""

    path: Path
    line: int
    column: int


def _places(locations: list[Location]) -> list[Place]:
    return [Place(Path(loc.path), loc.range.start.line, loc.range.start.character) for loc in locations]


async def _synced(session: Session, rel: str, text: str) -> str | None:
    """The file's absolute path once the server has `text`; None without a server for it."""
    pool = session.lsp
    if pool is None:
        return None
    path = str(session.root / rel)
    return path if await pool.sync_document(path, text) is not None else None


async def definitions(session: Session, rel: str, text: str, line: int, column: int) -> list[Place]:
    """Where the symbol at (line, column) of `rel` (its buffer text `text`) is defined; [] when unknown."""
    path = await _synced(session, rel, text)
    if path is None or session.lsp is None:
        return []
    return _places(await session.lsp.definition(path, line, column, timeout_s=TIMEOUT_S))


async def references(session: Session, rel: str, text: str, line: int, column: int) -> list[Place]:
    """Every use of the symbol at (line, column), its declaration included; [] when unknown."""
    path = await _synced(session, rel, text)
    if path is None or session.lsp is None:
        return []
    return _places(await session.lsp.references(path, line, column, timeout_s=TIMEOUT_S))


async def hover(session: Session, rel: str, text: str, line: int, column: int) -> str:
    """The server's hover text (signature, docstring) for the symbol at (line, column); "" when none."""
    path = await _synced(session, rel, text)
    if path is None or session.lsp is None:
        return ""
    found = await session.lsp.hover(path, line, column, timeout_s=TIMEOUT_S)
    return found.text.strip() if found is not None else ""


SEVERITIES = {1: "error", 2: "warning", 3: "info", 4: "hint"}


@dataclass(frozen=True)
class Problem:
    """A diagnostic from a language server: where, how bad ("error", "warning", "info", "hint"), and what."""

    path: Path
    line: int
    column: int
    severity: str
    message: str
    end: tuple[int, int] | None = None  # (line, column) where the problem's range ends, when the server says


async def problems(session: Session, rel: str, text: str, timeout_s: float = TIMEOUT_S) -> list[Problem]:
    """The language server's diagnostics for `rel` as it is now (`text`, synced first); [] without a server."""
    path = await _synced(session, rel, text)
    pool = session.lsp
    if path is None or pool is None:
        return []
    found = await pool.wait_for_diagnostics(path, timeout_s=timeout_s)
    diagnostics = found if found is not None else pool.diagnostics(path)
    return [
        Problem(Path(path), d.range.start.line, d.range.start.character, SEVERITIES.get(int(d.severity or 1), "error"),
                d.message.strip(), (d.range.end.line, d.range.end.character))
        for d in diagnostics
    ]
