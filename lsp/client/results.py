"""Raw LSP JSON results -> caret's plain dataclasses.

Servers answer with several shapes for one request (Location, Location[], LocationLink[]; MarkupContent,
MarkedString, MarkedString[]; DocumentSymbol[] or SymbolInformation[]); all are accepted here, and
anything malformed is skipped rather than raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from lsp.client.types import Diagnostic, DiagnosticSeverity, DocumentSymbol, Hover, Location, Position, Range
from lsp.client.uris import uri_to_path

# (uri, raw LSP position dict) -> caret position
ToPosition = Callable[[str, dict[str, Any]], Position]


def parse_range(uri: str, raw: Any, to_pos: ToPosition) -> Range | None:
    if not isinstance(raw, dict):
        return None
    start, end = raw.get("start"), raw.get("end")
    if not _is_position(start) or not _is_position(end):
        return None
    return Range(to_pos(uri, start), to_pos(uri, end))


def _is_position(raw: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(raw, dict) and isinstance(raw.get("line"), int) and isinstance(raw.get("character"), int)


def parse_locations(result: Any, to_pos: ToPosition) -> list[Location]:
    items = result if isinstance(result, list) else [result]
    locations: list[Location] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        # LocationLink names its target with targetUri/targetSelectionRange; Location with uri/range.
        uri = item.get("targetUri", item.get("uri"))
        raw_range = item.get("targetSelectionRange", item.get("targetRange", item.get("range")))
        if not isinstance(uri, str):
            continue
        parsed = parse_range(uri, raw_range, to_pos)
        if parsed is not None:
            locations.append(Location(uri_to_path(uri), parsed))
    return locations


def _marked_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        value = content.get("value", "")
        language = content.get("language")
        # A MarkedString with a language is a code block; MarkupContent has a kind instead.
        if language and "kind" not in content:
            return f"```{language}\n{value}\n```"
        return str(value)
    if isinstance(content, list):
        return "\n\n".join(part for part in (_marked_text(c) for c in content) if part)
    return ""


def parse_hover(result: Any, uri: str, to_pos: ToPosition) -> Hover | None:
    if not isinstance(result, dict):
        return None
    text = _marked_text(result.get("contents")).strip()
    if not text:
        return None
    return Hover(text, parse_range(uri, result.get("range"), to_pos))


def parse_diagnostics(uri: str, items: Any, to_pos: ToPosition) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        parsed = parse_range(uri, item.get("range"), to_pos)
        if parsed is None:
            continue
        raw_severity = item.get("severity")
        severity = DiagnosticSeverity(raw_severity) if raw_severity in (1, 2, 3, 4) else None
        code = item.get("code")
        diagnostics.append(
            Diagnostic(
                range=parsed,
                severity=severity,
                message=str(item.get("message", "")),
                source=item.get("source") if isinstance(item.get("source"), str) else None,
                code=str(code) if code is not None else None,
            )
        )
    return diagnostics


def parse_document_symbols(uri: str, result: Any, to_pos: ToPosition) -> list[DocumentSymbol]:
    """DocumentSymbol trees are flattened (parents before children); SymbolInformation lists kept in order."""
    symbols: list[DocumentSymbol] = []

    def visit(item: Any, container: str | None) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return
        if "location" in item:  # SymbolInformation
            location = item["location"] if isinstance(item["location"], dict) else {}
            item_uri = location.get("uri", uri)
            full = parse_range(item_uri, location.get("range"), to_pos)
            selection = full
            container = item.get("containerName") or container
        else:
            full = parse_range(uri, item.get("range"), to_pos)
            selection = parse_range(uri, item.get("selectionRange"), to_pos) or full
        if full is None or selection is None:
            return
        symbols.append(
            DocumentSymbol(
                name=item["name"],
                kind=int(item.get("kind", 0)),
                range=full,
                selection_range=selection,
                container=container,
                detail=item.get("detail") if isinstance(item.get("detail"), str) else None,
            )
        )
        for child in item.get("children") or []:
            visit(child, item["name"])

    for item in result if isinstance(result, list) else []:
        visit(item, None)
    return symbols
