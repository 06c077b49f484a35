"""@-mentions in chat messages: parse them (pure), then resolve them to content or a one-line error.

Forms: `@path/to/file.py` (optionally `:10-20` for lines), `@folder/`, `@Symbol` (or `@Class.method`),
`@docs:NAME`, `@diff`, and `@"path with spaces.txt"`. Emails (`a@b.com`) and anything inside code
fences or inline code are not mentions. Resolution never raises: every mention yields content or a
message that says what went wrong and, where it can, what the user probably meant.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from context.ignore import is_secret
from context.mentions_fuzzy import Candidate, mention_candidates
from context.workspace import OutsideWorkspace, contained

if TYPE_CHECKING:
    from context.docs import DocsLibrary

__all__ = [
    "Candidate", "Mention", "ResolvedMention", "SymbolHit", "mention_candidates", "parse_mentions",
    "resolve_mentions",
]

# A mention starts at the beginning of the text, after whitespace or after an opening bracket/quote;
# a word character before '@' means an email address or a decorator-like token inside a word.
_MENTION_RE = re.compile(r"""(?<![^\s(\[{"'])@(?:"([^"\n]+)"|([^\s`"'<>(){}\[\],;@]+))""")
_RANGE_RE = re.compile(r"^(.*[^:]):(\d+)(?:-(\d+))?$")
_TRAILING_PUNCT = ".,;:!?)]}'\""
_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)
_INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)

MAX_FILE_CHARS = 200_000
MAX_FOLDER_CHARS = 4_000
MAX_DIFF_CHARS = 100_000
MAX_SYMBOL_HITS = 3
GIT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Mention:
    """One '@...' in a message. `start`/`end` span the whole token in the text, '@' included."""

    kind: str  # "path" | "folder" | "symbol" | "docs" | "diff"
    value: str  # path, folder (no trailing '/'), symbol name, or docs source name
    start: int
    end: int
    lines: tuple[int, int] | None = None  # `@file.py:10-20` or `@file.py:10`: 1-based inclusive

    @property
    def label(self) -> str:
        suffix = "" if self.lines is None else f":{self.lines[0]}-{self.lines[1]}"
        return {"folder": f"@{self.value}/", "docs": f"@docs:{self.value}", "diff": "@diff"}.get(
            self.kind, f"@{self.value}{suffix}"
        )


@dataclass(frozen=True)
class SymbolHit:
    """A symbol definition found by the engine's index. Lines are 1-based and inclusive."""

    name: str
    path: str
    start_line: int
    end_line: int
    kind: str = ""


@dataclass(frozen=True)
class ResolvedMention:
    """Either content (`error` is None) or a one-line error for the user and the model."""

    mention: Mention
    kind: str  # "file" | "folder" | "symbol" | "docs" | "diff" | "error"
    path: str | None = None
    text: str = ""
    line_range: tuple[int, int] | None = None  # 1-based inclusive lines of `path`, where it applies
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _code_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    fences = list(_FENCE_RE.finditer(text))
    i = 0
    while i < len(fences):
        opener = fences[i]
        close = next((f for f in fences[i + 1 :] if f.group(1) == opener.group(1)), None)
        end = close.end() if close else len(text)  # an unclosed fence runs to the end of the message
        spans.append((opener.start(), end))
        i = fences.index(close) + 1 if close else len(fences)
    for m in _INLINE_CODE_RE.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    return spans


def _classify(value: str) -> tuple[str, str]:
    if value == "diff":
        return "diff", ""
    if value.startswith("docs:"):
        return "docs", value[5:]
    if value.endswith("/"):
        return "folder", value.rstrip("/") or "."
    if "/" in value or "." in value:
        return "path", value
    return "symbol", value


def parse_mentions(text: str) -> list[Mention]:
    """Every @-mention outside code, in order of appearance."""
    code = _code_spans(text)
    out: list[Mention] = []
    for m in _MENTION_RE.finditer(text):
        if any(a <= m.start() < b for a, b in code):
            continue
        if m.group(1) is not None:  # @"quoted path"
            value, end = m.group(1).strip(), m.end()
        else:
            raw = m.group(2)
            value = raw.rstrip(_TRAILING_PUNCT)  # "see @a.py." ends the sentence, not the path
            end = m.start() + 1 + len(value)
        if not value:
            continue
        lines = None
        ranged = None if value.startswith("docs:") else _RANGE_RE.match(value)
        if ranged:
            first = int(ranged.group(2))
            value, lines = ranged.group(1), (first, max(first, int(ranged.group(3) or first)))
        kind, value = _classify(value)
        out.append(Mention(kind, value, m.start(), end, lines if kind in {"path", "symbol"} else None))
    return out


def strip_mentions(text: str, mentions: Sequence[Mention]) -> str:
    """The message with mention tokens removed: the question to search docs with."""
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        text = text[: m.start] + text[m.end :]
    return " ".join(text.split())


# --- resolution ---------------------------------------------------------------------------------------------

def _suggest(value: str, files: Sequence[str]) -> str:
    name = PurePosixPath(value).name
    same = sorted((f for f in files if PurePosixPath(f).name == name), key=lambda f: (len(f), f))
    if same:
        return f"; did you mean {same[0]}?"
    best = mention_candidates(value, files, (), (), limit=1)
    if best and best[0].kind in {"file", "folder"}:
        return f"; did you mean {best[0].label}?"
    return ""


def _read(m: Mention, kind: str, rel: str, read_text: Callable[[str], str]) -> ResolvedMention:
    try:
        text = read_text(rel)
    except (OSError, ValueError) as exc:  # binary, too large, vanished, permission...
        return ResolvedMention(m, "error", rel, error=f"{m.label}: cannot read {rel}: {exc}")
    if m.lines is not None:
        lines = text.split("\n")
        start, end = min(m.lines[0], len(lines)), min(m.lines[1], len(lines))
        return ResolvedMention(m, kind, rel, "\n".join(lines[start - 1 : end]), (start, end))
    if len(text) > MAX_FILE_CHARS:
        text = text[:MAX_FILE_CHARS] + f"\n[... truncated: {rel} has {len(text)} characters]"
    return ResolvedMention(m, kind, rel, text, (1, text.count("\n") + 1))


def _resolve_folder(m: Mention, rel: str, disk: Path, files: Sequence[str]) -> ResolvedMention | None:
    prefix = "" if rel in {".", ""} else rel.strip("/") + "/"
    inside = sorted(f for f in files if f.startswith(prefix))
    if not inside and not disk.is_dir():
        return None
    lines = [f"{len(inside)} files in {prefix or './'}"]
    used = len(lines[0])
    for n, f in enumerate(inside):
        if used + len(f) + 3 > MAX_FOLDER_CHARS:
            lines.append(f"... and {len(inside) - n} more")
            break
        lines.append(f"- {f[len(prefix):]}")
        used += len(f) + 3
    if not inside:
        lines.append("(no workspace files here; the folder may be ignored)")
    return ResolvedMention(m, "folder", prefix.rstrip("/") or ".", "\n".join(lines))


def _resolve_symbol(
    m: Mention, name: str, find_symbol: Callable[[str], list[SymbolHit]], read_text: Callable[[str], str]
) -> list[ResolvedMention]:
    hits = find_symbol(name)
    if not hits and "." in name:
        hits = find_symbol(name.rsplit(".", 1)[1])
    out: list[ResolvedMention] = []
    for hit in hits[:MAX_SYMBOL_HITS]:
        try:
            lines = read_text(hit.path).split("\n")
        except (OSError, ValueError) as exc:
            out.append(ResolvedMention(m, "error", hit.path, error=f"{m.label}: cannot read {hit.path}: {exc}"))
            continue
        start, end = max(1, hit.start_line), min(len(lines), max(hit.end_line, hit.start_line))
        out.append(ResolvedMention(m, "symbol", hit.path, "\n".join(lines[start - 1 : end]), (start, end)))
    return out


def _resolve_docs(m: Mention, docs: DocsLibrary | None, query: str, k: int) -> list[ResolvedMention]:
    if not m.value:
        return [ResolvedMention(m, "error", error="@docs: needs a source name, e.g. @docs:python")]
    if docs is None or not docs.names():
        return [ResolvedMention(m, "error", error=f"{m.label}: no documentation sources are configured")]
    from context.docs import DocsError  # local: keeps bm25s out of the parser's import

    try:
        chunks = docs.search(m.value, query or m.value, k)
    except DocsError as exc:
        return [ResolvedMention(m, "error", error=f"{m.label}: {exc}")]
    if not chunks:
        return [ResolvedMention(m, "error", error=f"{m.label}: no passage matched the question")]
    return [
        ResolvedMention(m, "docs", c.location, f"{c.title}\n\n{c.text}" if c.title else c.text)
        for c in chunks
    ]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S,
        errors="replace", check=False,
    )


def git_diff(root: Path) -> tuple[str | None, str | None]:
    """(diff text, None) for the working tree against HEAD plus untracked names, or (None, error)."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None, f"{root} is not a git repository, so there is no diff"
        has_head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode == 0
        diff = _git(root, "diff", *(["HEAD"] if has_head else ["--cached"]), "--no-color", "--no-ext-diff")
        if diff.returncode != 0:
            return None, f"git diff failed: {diff.stderr.strip().splitlines()[-1:] or diff.returncode}"
        untracked = _git(root, "ls-files", "--others", "--exclude-standard").stdout.split("\n")
    except FileNotFoundError:
        return None, "git is not installed"
    except subprocess.TimeoutExpired:
        return None, f"git took longer than {GIT_TIMEOUT_S:.0f} s"
    text = without_secret_files(diff.stdout)
    names = [u for u in untracked if u]
    if names:
        text += "\nUntracked files:\n" + "\n".join(f"  {u}" for u in names) + "\n"
    if not text.strip():
        text = "No uncommitted changes."
    if len(text) > MAX_DIFF_CHARS:
        text = text[:MAX_DIFF_CHARS] + f"\n[... diff truncated: {len(text)} characters in all]"
    return text, None


def without_secret_files(diff: str) -> str:
    """The diff less every file section whose path is a secret (a tracked `.env`'s changes never reach a model;
    the file is named so the user knows why its change is missing)."""
    out: list[str] = []
    skipping = False
    for line in diff.splitlines(keepends=True):
        if line.startswith("diff --git "):
            path = line.rstrip("\n").rsplit(" b/", 1)[-1]
            skipping = is_secret(path)
            if skipping:
                out.append(f"[{path}: a secret file; its changes are left out]\n")
        if not skipping:
            out.append(line)
    return "".join(out)


def resolve_mentions(
    mentions: Sequence[Mention],
    root: Path,
    files: Sequence[str],
    find_symbol: Callable[[str], list[SymbolHit]],
    docs: DocsLibrary | None,
    read_text: Callable[[str], str],
    *,
    query: str = "",
    docs_k: int = 4,
) -> list[ResolvedMention]:
    """Resolve each mention, in order. `files` are the workspace's indexed paths (secrets excluded);
    a path the user typed exactly is still read from disk if it exists inside `root`.
    `query` (the message without mentions) ranks docs passages."""
    root = Path(root)
    file_set = set(files)
    out: list[ResolvedMention] = []
    for m in mentions:
        if m.kind == "diff":
            text, err = git_diff(root)
            out.append(ResolvedMention(m, "diff", None, text or "") if err is None
                       else ResolvedMention(m, "error", error=f"@diff: {err}"))
            continue
        if m.kind == "docs":
            out.extend(_resolve_docs(m, docs, query, docs_k))
            continue
        rel = m.value.removeprefix("./")
        try:
            disk = contained(root, rel)
        except OutsideWorkspace as exc:
            where = "links" if exc.through_link else "is"
            out.append(ResolvedMention(m, "error", error=f"{m.label}: {where} outside the workspace"))
            continue
        if m.kind == "folder" or (rel not in file_set and disk.is_dir()):
            folder = _resolve_folder(m, rel, disk, files)
            if folder is not None:
                out.append(folder)
                continue
        elif rel in file_set or disk.is_file():
            out.append(_read(m, "file", rel, read_text))
            continue
        # Not a file: a dotted name may be Class.method, a bare name may be a symbol.
        if m.kind != "folder":
            hits = _resolve_symbol(m, m.value, find_symbol, read_text)
            if hits:
                out.extend(hits)
                continue
        what = {"folder": "no such folder", "path": "no such file"}.get(m.kind, "no file or symbol of that name")
        out.append(ResolvedMention(m, "error", error=f"{m.label}: {what} in the workspace{_suggest(rel, files)}"))
    return out
