"""Definitions and references from tree-sitter, per file and per open buffer (incremental re-parse).

Lines are 0-based; every `end_line` is exclusive.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from tree_sitter import Node, Parser, Point, Query, QueryCursor, Tree

from common.textdiff import changed_span
from context.languages import grammar, has_grammar
from context.queries import (
    CONTAINER_TYPES,
    DEFINITION_QUERIES,
    FUNCTION_TYPES,
    KIND_PRIORITY,
    LOCAL_QUERIES,
    NAMESPACE_TYPES,
    REFERENCE_QUERIES,
)

MAX_SIGNATURE_CHARS = 200

# Kinds that enclose code worth cutting out whole (enclosing_definition); constants and modules do not.
_BLOCK_KINDS = frozenset({"function", "method", "class", "interface", "struct", "enum", "trait", "type"})
_C_NAME_TYPES = frozenset({
    "identifier", "field_identifier", "qualified_identifier", "destructor_name", "operator_name",
})
_C_DECLARATOR_WRAPPERS = frozenset({
    "pointer_declarator", "reference_declarator", "attributed_declarator", "parenthesized_declarator",
})
_C_FUNCTION_HOLDERS = frozenset({"function_definition", "declaration", "field_declaration"})
_WRAPPERS = frozenset({"decorated_definition", "template_declaration", "export_statement"})
_PYTHON_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {"self", "cls"}
# The field that holds a definition node's name, where it is not "name".
_NAME_FIELDS: dict[str, str] = {
    "function_declarator": "declarator", "type_definition": "declarator", "assignment": "left",
}
_RECEIVER_TYPE = re.compile(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\)\s*$")


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    kind: str  # function, method, class, interface, struct, enum, trait, type, module, macro, constant, variable
    start_line: int
    end_line: int  # exclusive
    signature: str
    container: str | None = None  # enclosing class/impl/namespace (or function, for local definitions)

    @property
    def qualified_name(self) -> str:
        return f"{self.container}.{self.name}" if self.container else self.name


@dataclass(slots=True)
class FileSymbols:
    language: str
    definitions: list[Definition] = field(default_factory=list)
    # identifier -> occurrences; ".name" counts uses through an object or module (`x.name`, `pkg.Name`)
    references: dict[str, int] = field(default_factory=dict)


@functools.cache
def _parser(language: str) -> Parser:
    return Parser(grammar(language))


def _query(language: str, source: str) -> Query:
    query = Query(grammar(language), source)
    # `@name` only documents the patterns (the name is read from the node's field): not capturing it saves
    # a Python object per definition.
    query.disable_capture("name")
    return query


@functools.cache
def _definition_query(language: str) -> Query:
    return _query(language, DEFINITION_QUERIES[language])


@functools.cache
def _symbol_query(language: str) -> Query:
    """Definitions, references and locals in one query: one pass over the tree instead of three."""
    source = DEFINITION_QUERIES[language] + REFERENCE_QUERIES[language] + LOCAL_QUERIES.get(language, "")
    return _query(language, source)


def parse(source: bytes, language: str, old_tree: Tree | None = None) -> Tree:
    parser = _parser(language)
    return parser.parse(source, old_tree) if old_tree is not None else parser.parse(source)


def _text(src: bytes, node: Node) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _signature(node: Node, src: bytes) -> str:
    body = node.child_by_field_name("body")
    if body is None:
        value = node.child_by_field_name("value")
        if value is not None and value.type in ("arrow_function", "function_expression"):
            body = value.child_by_field_name("body")
    if body is not None and body.start_byte > node.start_byte:
        text = src[node.start_byte : body.start_byte].decode("utf-8", "replace")
    else:
        text = _text(src, node).split("\n", 1)[0]
    if node.type == "type_spec":
        text = "type " + text.split("{", 1)[0]
    text = " ".join(text.split()).rstrip("{").rstrip()
    return text if len(text) <= MAX_SIGNATURE_CHARS else text[: MAX_SIGNATURE_CHARS - 1] + "…"


def _container_name(node: Node, src: bytes) -> str | None:
    if node.type == "impl_item":
        target = node.child_by_field_name("type")
        return _text(src, target) if target is not None else None
    name = node.child_by_field_name("name")
    return _text(src, name) if name is not None else None


def _enclosing(node: Node, src: bytes) -> tuple[str | None, bool]:
    """(name of the nearest enclosing container or function, whether it is a class-like container)."""
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES:
            name = parent.child_by_field_name("name")
            return (_text(src, name) if name is not None else None), False
        if parent.type in CONTAINER_TYPES:
            return _container_name(parent, src), parent.type not in NAMESPACE_TYPES
        parent = parent.parent
    return None, False


def _c_function_node(declarator: Node) -> Node | None:
    """The function_definition/declaration that owns a function_declarator (None for function pointers)."""
    node = declarator.parent
    while node is not None and node.type in _C_DECLARATOR_WRAPPERS:
        node = node.parent
    if node is None or node.type not in _C_FUNCTION_HOLDERS:
        return None
    return node


def _name_node(node: Node) -> Node | None:
    field_name = _NAME_FIELDS.get(node.type, "name")
    return node.child_by_field_name(field_name)


def _definitions_from(captures: dict[str, list[Node]], src: bytes, language: str) -> list[Definition]:
    found: dict[tuple[int, str, int], tuple[int, Definition]] = {}
    for key, nodes in captures.items():
        if not key.startswith("definition."):
            continue
        for node in nodes:
            definition = _definition(node, key.removeprefix("definition."), src, language)
            if definition is None:
                continue
            dedupe = (definition.start_line, definition.name, node.start_byte)
            priority = KIND_PRIORITY.get(definition.kind, 0)
            if dedupe not in found or found[dedupe][0] < priority:
                found[dedupe] = (priority, definition)
    # Ties (several definitions on one line) in byte order: tree-sitter's capture order varies between runs.
    ordered = sorted(found.items(), key=lambda item: (item[0][0], -item[1][1].end_line, item[0][2], item[0][1]))
    return [d for _, (_, d) in ordered]


def _definition(node: Node, kind: str, src: bytes, language: str) -> Definition | None:
    name_node = _name_node(node)
    if name_node is None:
        return None
    name = _text(src, name_node)
    container: str | None = None
    if node.type == "function_declarator":
        if name_node.type not in _C_NAME_TYPES:
            return None
        holder = _c_function_node(node)
        if holder is None:
            return None
        node = holder
        if "::" in name:  # `double Shape::area() {...}`: a method defined outside its class
            container, _, name = name.rpartition("::")
            kind = "method"
    if language == "python" and kind in ("constant", "variable"):
        if name.startswith("__") and name.endswith("__"):
            return None
        kind = "constant" if name.isupper() else "variable"
    outer, class_like = _enclosing(node, src)
    if container is None:
        container = outer
    if node.type == "method_declaration" and language == "go":
        receiver = node.child_by_field_name("receiver")
        match = _RECEIVER_TYPE.search(_text(src, receiver)) if receiver is not None else None
        container = match.group(1) if match else container
    elif kind == "function" and class_like:
        kind = "method"
    span, parent = node, node.parent  # (Node.parent walks down from the root: ask once per level)
    while parent is not None and parent.type in _WRAPPERS:
        span, parent = parent, parent.parent
    start = span.start_point.row
    row, column = span.end_point
    end = max(start + 1, row + 1 if column > 0 else row)
    return Definition(name, kind, start, end, _signature(node, src), container)


def _definitions(tree: Tree, src: bytes, language: str) -> list[Definition]:
    captures = QueryCursor(_definition_query(language)).captures(tree.root_node)
    return _definitions_from(captures, src, language)


def _count_names(nodes: list[Node], src: bytes, prefix: str, into: dict[str, int]) -> None:
    """Add each node's text (after `prefix`) to `into`, decoding each distinct name once."""
    raw = Counter(src[n.start_byte : n.end_byte] for n in nodes)
    for name, count in raw.items():
        key = prefix + name.decode("utf-8", "replace")
        into[key] = into.get(key, 0) + count  # invalid bytes may decode to a name already seen


def _references_from(captures: dict[str, list[Node]], src: bytes, language: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    _count_names(captures.get("ref", []), src, "", counts)
    local_nodes = captures.get("local")
    if local_nodes:
        for raw in {src[n.start_byte : n.end_byte] for n in local_nodes}:
            counts.pop(raw.decode("utf-8", "replace"), None)
    _count_names(captures.get("ref.member", []), src, ".", counts)
    if language == "python":  # `str`, `len`, `open` name the builtins, not a method that shares the name
        for name in _PYTHON_BUILTINS.intersection(counts):
            del counts[name]
    return counts


def symbols_from_tree(tree: Tree, src: bytes, language: str) -> FileSymbols:
    captures = QueryCursor(_symbol_query(language)).captures(tree.root_node)
    return FileSymbols(
        language, _definitions_from(captures, src, language), _references_from(captures, src, language)
    )


def extract_symbols(source: str | bytes, language: str) -> FileSymbols:
    """Definitions and references of one file; empty for a language caret has no grammar for."""
    if not has_grammar(language):
        return FileSymbols(language)
    src = source.encode("utf-8") if isinstance(source, str) else source
    return symbols_from_tree(parse(src, language), src, language)


def innermost_definition(definitions: list[Definition], line: int) -> Definition | None:
    best: Definition | None = None
    for d in definitions:
        if d.kind in _BLOCK_KINDS and d.start_line <= line < d.end_line and (
            best is None or d.end_line - d.start_line < best.end_line - best.start_line
        ):
            best = d
    return best


def enclosing_definition(source: str, language: str, line: int) -> tuple[int, int] | None:
    """(start_line, end_line_exclusive) of the innermost function/method/class/type containing `line`."""
    if not has_grammar(language):
        return None
    src = source.encode("utf-8")
    tree = parse(src, language)
    best = innermost_definition(_definitions(tree, src, language), line)
    return (best.start_line, best.end_line) if best is not None else None


def outline(source: str, language: str) -> str:
    """Signatures only, indented by nesting, one per line."""
    definitions = extract_symbols(source, language).definitions
    lines: list[str] = []
    open_ends: list[int] = []
    for d in definitions:
        while open_ends and open_ends[-1] <= d.start_line:
            open_ends.pop()
        lines.append("    " * len(open_ends) + d.signature)
        open_ends.append(d.end_line)
    return "\n".join(lines)


def _point(data: bytes, offset: int) -> Point:
    row = data.count(b"\n", 0, offset)
    return Point(row, offset - (data.rfind(b"\n", 0, offset) + 1))


class ParsedBuffer:
    """One open buffer's tree, re-parsed incrementally after each edit."""

    def __init__(self, language: str, source: str) -> None:
        self.language = language
        self._src = source.encode("utf-8")
        self.tree = parse(self._src, language)
        self._symbols: FileSymbols | None = None

    @property
    def source(self) -> str:
        return self._src.decode("utf-8")

    def edit(self, start_byte: int, old_end_byte: int, new_text: str) -> None:
        """Replace bytes [start_byte, old_end_byte) with `new_text` and re-parse reusing the old tree."""
        self._edit_bytes(start_byte, old_end_byte, new_text.encode("utf-8"))

    def _edit_bytes(self, start_byte: int, old_end_byte: int, insert: bytes) -> None:
        old = self._src
        new = old[:start_byte] + insert + old[old_end_byte:]
        new_end = start_byte + len(insert)
        self.tree.edit(
            start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=new_end,
            start_point=_point(old, start_byte), old_end_point=_point(old, old_end_byte),
            new_end_point=_point(new, new_end),
        )
        self._src = new
        self.tree = parse(new, self.language, self.tree)
        self._symbols = None

    def update(self, new_source: str) -> None:
        """Re-parse after the buffer became `new_source`; the edit is the span between common prefix/suffix."""
        new = new_source.encode("utf-8")
        old = self._src
        if new == old:
            return
        start, old_end, new_end = changed_span(old, new)
        self._edit_bytes(start, old_end, new[start:new_end])

    def symbols(self) -> FileSymbols:
        if self._symbols is None:
            self._symbols = symbols_from_tree(self.tree, self._src, self.language)
        return self._symbols

    def enclosing_definition(self, line: int) -> tuple[int, int] | None:
        best = innermost_definition(self.symbols().definitions, line)
        return (best.start_line, best.end_line) if best is not None else None


class BufferParser:
    """Keeps one ParsedBuffer per open buffer (keyed by any id, e.g. the path)."""

    def __init__(self) -> None:
        self._buffers: dict[str, ParsedBuffer] = {}

    def update(self, buffer_id: str, language: str, text: str) -> ParsedBuffer | None:
        """The buffer's parse after it became `text`; None for a language caret has no grammar for."""
        if not has_grammar(language):
            return None
        buffer = self._buffers.get(buffer_id)
        if buffer is None or buffer.language != language:
            buffer = self._buffers[buffer_id] = ParsedBuffer(language, text)
        else:
            buffer.update(text)
        return buffer

    def get(self, buffer_id: str) -> ParsedBuffer | None:
        return self._buffers.get(buffer_id)

    def close(self, buffer_id: str) -> None:
        self._buffers.pop(buffer_id, None)
