"""A small YAML-ish front-matter parser for rule files (no PyYAML).

Handles what rule files use: `key: value` pairs, quoted strings, booleans, null, inline lists
(`[a, "b"]`), block lists (`- item`), comments and folded continuation lines. Anything else raises
`FrontMatterError` with the 1-based line number in the file, so the caller can name the spot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FrontMatterValue = str | bool | None | list[str]

_KEY_RE = re.compile(r"^([A-Za-z_][\w.-]*)\s*:(?:\s+(.*)|\s*)$")
_ITEM_RE = re.compile(r"^\s*-(?:\s+(.*)|\s*)$")
_DOUBLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "/": "/", "r": "\r", "0": "\0"}


@dataclass
class FrontMatterError(Exception):
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _parse_quoted(s: str, line: int) -> tuple[str, str]:
    """Parse a quoted string at the start of `s`; return (value, rest after the closing quote)."""
    quote = s[0]
    out: list[str] = []
    i = 1
    while i < len(s):
        ch = s[i]
        if quote == "'" and ch == "'":
            if s[i + 1 : i + 2] == "'":  # '' is an escaped single quote in YAML
                out.append("'")
                i += 2
                continue
            return "".join(out), s[i + 1 :]
        if quote == '"' and ch == "\\":
            nxt = s[i + 1 : i + 2]
            if nxt not in _DOUBLE_ESCAPES:
                raise FrontMatterError(line, f"unknown escape '\\{nxt}' in quoted string")
            out.append(_DOUBLE_ESCAPES[nxt])
            i += 2
            continue
        if quote == '"' and ch == '"':
            return "".join(out), s[i + 1 :]
        out.append(ch)
        i += 1
    raise FrontMatterError(line, f"unterminated {quote} quoted string")


def _strip_comment(s: str) -> str:
    # A '#' starts a comment only after whitespace (so "C#" and "a#b" stay intact), as in YAML.
    m = re.search(r"(^|\s)#", s)
    return (s[: m.start()] if m else s).strip()


def _parse_scalar(raw: str, line: int) -> str | bool | None:
    s = raw.strip()
    if s[:1] in {'"', "'"}:
        value, rest = _parse_quoted(s, line)
        if _strip_comment(rest):
            raise FrontMatterError(line, f"unexpected text after quoted string: {rest.strip()!r}")
        return value
    s = _strip_comment(s)
    low = s.lower()
    if low in {"true", "yes", "on"}:
        return True
    if low in {"false", "no", "off"}:
        return False
    if low in {"", "null", "~"}:
        return None
    if s[:1] in {"{", "|", ">"}:
        raise FrontMatterError(line, f"unsupported YAML value {s[:1]!r} (use a plain or quoted string)")
    return s


def _parse_inline_list(raw: str, line: int) -> list[str]:
    s = raw.strip()
    items: list[str] = []
    i = 1  # just past '['
    while True:
        while i < len(s) and s[i] == " ":
            i += 1
        if i >= len(s):
            raise FrontMatterError(line, "inline list opened with '[' is never closed")
        if s[i] == "]" and not items:
            break
        if s[i] in {'"', "'"}:
            value, rest = _parse_quoted(s[i:], line)
            i = len(s) - len(rest)
        else:
            j = i
            while j < len(s) and s[j] not in ",]":
                j += 1
            value = s[i:j].strip()
            if "[" in value:
                raise FrontMatterError(line, "nested lists are not supported")
            i = j
        if value:
            items.append(value)
        while i < len(s) and s[i] == " ":
            i += 1
        if i >= len(s):
            raise FrontMatterError(line, "inline list opened with '[' is never closed")
        if s[i] == "]":
            break
        if s[i] != ",":
            raise FrontMatterError(line, f"expected ',' between list items, found {s[i:i + 10]!r}")
        i += 1
    if _strip_comment(s[i + 1 :]):
        raise FrontMatterError(line, f"unexpected text after list: {s[i + 1 :].strip()!r}")
    return items


def parse_front_matter(lines: list[str], first_line: int) -> dict[str, FrontMatterValue]:
    """Parse the lines between the '---' markers; `first_line` is the file line number of lines[0]."""
    meta: dict[str, FrontMatterValue] = {}
    key: str | None = None  # the last key seen, for block lists and folded continuations
    for offset, text in enumerate(lines):
        line = first_line + offset
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if "\t" in text[: len(text) - len(text.lstrip())]:
            raise FrontMatterError(line, "tab used for indentation")
        item = _ITEM_RE.match(text)
        if item:
            if key is None or (meta[key] is not None and not isinstance(meta[key], list)):
                raise FrontMatterError(line, "list item '-' without a list key above it")
            value = _parse_scalar(item.group(1) or "", line)
            current = meta[key]
            lst: list[str] = current if isinstance(current, list) else []
            if value is not None:
                lst.append(str(value).lower() if isinstance(value, bool) else value)
            meta[key] = lst
            continue
        if text[:1] == " " and key is not None and (meta[key] is None or isinstance(meta[key], str)):
            meta[key] = f"{meta[key] or ''} {_strip_comment(text)}".strip()  # folded continuation
            continue
        m = _KEY_RE.match(text)
        if not m:
            raise FrontMatterError(line, f"expected 'key: value', found {text.strip()[:40]!r}")
        key = m.group(1)
        raw = (m.group(2) or "").strip()
        meta[key] = _parse_inline_list(raw, line) if raw.startswith("[") else _parse_scalar(raw, line)
    return meta


def split_front_matter(text: str) -> tuple[dict[str, FrontMatterValue], str, bool]:
    """Split `text` into (front matter, body, had_front_matter). Raises FrontMatterError when malformed."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, False
    for i in range(1, len(lines)):
        if lines[i].rstrip() in {"---", "..."}:
            meta = parse_front_matter(lines[1:i], first_line=2)
            return meta, "\n".join(lines[i + 1 :]), True
    raise FrontMatterError(1, "front matter opened with '---' is never closed")
