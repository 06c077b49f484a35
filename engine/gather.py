"""Turns what context/ and the language servers found into ContextItems for the prompt templates.

The conversions are pure; `gather_*` decide, per pipeline, which sources to ask and how long to wait (ghost
text's own gathering lives with the rest of ghost text, in engine/ghost/context.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from context.index import WorkspaceIndex
from context.mentions import ResolvedMention, parse_mentions, resolve_mentions, strip_mentions
from context.rules import Rule
from engine.definitions import DefinitionProvider
from engine.privacy import left_out_note, may_send_definition, withheld
from engine.project import ProjectContext
from models.tokenizers import estimate_tokens
from prompts.chat import SELECTION_SOURCE
from prompts.items import ContextItem, ContextKind

if TYPE_CHECKING:  # numpy and bm25s (~0.6 s) are imported on the first retrieval, not at launch
    from context.repomap import RepoMap
    from context.search import SearchHit

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass
class Gathered:
    """Context items for a prompt, and the notes to show the user about what could not be gathered."""

    items: list[ContextItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line problems to show the user (unknown @mention...)

    def extend(self, other: Gathered) -> None:
        """Add another source's items and notes."""
        self.items.extend(other.items)
        self.notes.extend(other.notes)


# -- pure conversions --
def rule_items(rules: Sequence[Rule]) -> list[ContextItem]:
    """Project rules as items, the first rule with the highest priority."""
    return [
        ContextItem(path=r.path, text=r.text, kind=ContextKind.RULE, priority=float(len(rules) - i), source=r.source)
        for i, r in enumerate(rules)
    ]


def search_items(hits: Sequence[SearchHit]) -> list[ContextItem]:
    """Retrieved chunks as items, ranked by their search score."""
    return [
        ContextItem(
            path=h.path, text=h.text, kind=ContextKind.RETRIEVED, range=(h.start_line, h.end_line),
            priority=h.score, source="bm25+graph",
            label=f"{h.path}:{h.start_line + 1}" + (f" {h.symbol}" if h.symbol else ""),
        )
        for h in hits
    ]


def repo_map_item(rmap: RepoMap) -> list[ContextItem]:
    """The repository map as one item (none when it is empty)."""
    if not rmap.text.strip():
        return []
    return [ContextItem(path="(repository map)", text=rmap.text, kind=ContextKind.REPO_MAP, source="pagerank")]


def mention_items(resolved: Sequence[ResolvedMention]) -> Gathered:
    """@-mentions as items; a mention that could not be resolved becomes a note."""
    out = Gathered()
    for r in resolved:
        if r.error is not None:
            out.notes.append(r.error)
            continue
        kind = ContextKind.DOC if r.kind == "docs" else ContextKind.MENTION
        line_range = (r.line_range[0] - 1, r.line_range[1]) if r.line_range else None
        out.items.append(
            ContextItem(path=r.path or r.mention.label, text=r.text, kind=kind, range=line_range,
                        priority=100.0, source="@mention", label=r.mention.label)
        )
    return out


def dedupe_items(items: Sequence[ContextItem]) -> list[ContextItem]:
    """Drop items another item already shows: anything inside a whole file that is included, and repeated
    ranges of the same file (the first one, from the more trusted source, stays)."""
    whole = {i.path for i in items if i.range is None and i.kind in (ContextKind.MENTION, ContextKind.OPEN_FILE)}
    seen: list[tuple[str, int, int]] = []
    out: list[ContextItem] = []
    for item in items:
        if item.kind is ContextKind.CURSOR_WINDOW:  # the open file's fallback, or the selection: never a repeat
            out.append(item)
            continue
        if item.range is not None:
            if item.path in whole:
                continue
            start, end = item.range
            if any(p == item.path and s <= start and end <= e for p, s, e in seen):
                continue
            seen.append((item.path, start, end))
        out.append(item)
    return out


WINDOW_LINES = 60  # the cursor window: this many lines around the cursor (or the selection)
CALLED_LIMIT = 8  # definitions per file of what it calls
CALLED_MAX_LINES = 30  # of one definition's text
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def cursor_window(text: str, cursor_line: int | None, selection: tuple[int, int] | None) -> tuple[int, int]:
    """Lines [start, end) of `text` around the selection, else the cursor, else the top of the file."""
    n = len(text.split("\n"))
    if selection is not None:
        first, last = selection
    else:
        first = last = min(max(cursor_line or 0, 0), n)
    spare = max(0, WINDOW_LINES - (last - first))
    start = max(0, first - spare // 2)
    return start, min(n, max(last + spare - (first - start), start + 1))


def open_file_items(
    path: str, text: str, window: tuple[int, int], selection: tuple[int, int] | None
) -> list[ContextItem]:
    """The open file whole (the template falls back to its cursor window, then its outline) and the selection."""
    lines = text.split("\n")
    items = [
        ContextItem(path=path, text=text, kind=ContextKind.OPEN_FILE, source="editor"),
        ContextItem(path=path, text="\n".join(lines[window[0] : window[1]]), kind=ContextKind.CURSOR_WINDOW,
                    range=window, source="editor"),
    ]
    if selection is not None and selection[1] > selection[0]:
        start, end = selection
        items.append(ContextItem(path=path, text="\n".join(lines[start:end]), kind=ContextKind.CURSOR_WINDOW,
                                 range=(start, end), priority=1.0, source=SELECTION_SOURCE,
                                 label=f"selected: {path}:{start + 1}-{end}"))
    return items


def outline_items(index: WorkspaceIndex, path: str) -> list[ContextItem]:
    """The file's definitions, one signature a line: what the prompt shows when the whole file does not fit."""
    symbols = index.symbols_in(path)
    if not symbols:
        return []
    text = "\n".join(f"{d.start_line + 1}: {'    ' if d.container else ''}{d.signature}" for d in symbols)
    return [ContextItem(path=path, text=text, kind=ContextKind.REPO_MAP, source="tree-sitter")]


def called_definitions(index: WorkspaceIndex, path: str, text: str) -> list[ContextItem]:
    """The definitions, elsewhere in the workspace, of what `text` (part of `path`) calls: from the index, so they
    come for @-mentioned files and without a language server too."""
    own = {d.name for d in index.symbols_in(path)}
    out: list[ContextItem] = []
    for name in dict.fromkeys(m.group(1) for m in _CALL.finditer(text)):
        if name in own or len(out) >= CALLED_LIMIT:
            continue
        sites = [s for s in index.definitions(name) if s.path != path]
        if len(sites) != 1:  # unknown, or ambiguous: a wrong definition misleads more than none
            continue
        site = sites[0]
        start, end = site.definition.start_line, min(site.definition.end_line, site.definition.start_line
                                                     + CALLED_MAX_LINES)
        body = "\n".join(index.file_lines(site.path)[start:end])
        if body.strip():
            out.append(ContextItem(path=site.path, text=body, kind=ContextKind.DEFINITION, range=(start, end),
                                   priority=-float(len(out)), source="index", label=f"{site.path}:{start + 1} {name}"))
    return out


def identifiers(text: str, limit: int = 40) -> list[str]:
    """Distinct identifiers of three or more characters in `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _IDENT.finditer(text):
        seen.setdefault(match.group(0))
        if len(seen) >= limit:
            break
    return list(seen)


def _retrieve(
    index: WorkspaceIndex, query: str, focus: list[str], recent: list[str], map_tokens: int,
    count_tokens: Callable[[str], int],
) -> tuple[list[SearchHit], RepoMap]:
    from context.repomap import repo_map
    from context.search import search

    hits = search(index, query, k=8, focus_files=focus, recent_files=recent)
    return hits, repo_map(index, focus, identifiers(query), map_tokens, count_tokens)


# -- per pipeline --
async def crawl_mentioned_docs(
    project: ProjectContext, message: str, on_progress: Callable[[str], None] | None = None
) -> None:
    """Crawl each `@docs:NAME` site in `message` that was never crawled, before the question is answered (a
    headless command starts no background crawls); `on_progress` hears one line as each starts and ends."""
    say = on_progress or (lambda line: None)
    for name in dict.fromkeys(m.value for m in parse_mentions(message) if m.kind == "docs"):
        if not project.never_crawled(name):
            continue
        say(f"crawling @docs:{name} ({project.docs.source(name).location}) before answering…")
        report = await project.crawl_now(name)
        if report is not None and report.pages:
            say(f"docs {name}: crawled {len(report.pages)} pages")


def resolve_message_mentions(project: ProjectContext, message: str) -> tuple[Gathered, str]:
    """Context for each @mention in `message`, and the message without them (for retrieval queries)."""
    mentions = parse_mentions(message)
    if not mentions:
        return Gathered(), message
    query = strip_mentions(message, mentions)
    resolved = resolve_mentions(
        mentions, project.root, project.files(), project.find_symbol, project.docs,
        lambda rel: project.workspace.read_text(rel, allow_secret=True), query=query,
    )
    return mention_items(resolved), query


async def gather_for_chat(
    project: ProjectContext,
    message: str,
    current_file: str | None = None,
    cursor_line: int | None = None,
    current_text: str | None = None,
    open_files: Sequence[str] = (),
    definitions: DefinitionProvider | None = None,
    index_wait_s: float = 30.0,
    lsp_budget_s: float = 2.0,
    repo_map_tokens: int = 1024,
    count_tokens: Callable[[str], int] = estimate_tokens,
    selection: tuple[int, int] | None = None,
    extra: Sequence[ContextItem] = (),
) -> Gathered:
    """What the user sees and asks about, for a chat question: the open file (whole, else the cursor window, else
    an outline), the selection (lines [start, end)), @-mentions, rules for every file in the prompt, retrieved code,
    a repository map and the definitions of what the cursor window and each mentioned file call. `extra` (recent
    edits, diagnostics) is added as given. A secret or ignored current file is left out (with a note) unless the
    message @-mentions it."""
    out = Gathered()
    index = await project.ready_index(index_wait_s)
    await project.flush_buffers()
    # Mentions, search and the repo map read the index: on its worker thread, never on the event loop.
    mentioned, query = await project.run(resolve_message_mentions, project, message)
    mentioned_paths = {i.path for i in mentioned.items}
    mentioned_files = [p for p in mentioned_paths if (project.root / p).is_file()]
    if current_file and (reason := withheld(project.workspace, current_file)):
        if current_file not in mentioned_paths:
            out.notes.append(left_out_note(current_file, reason))
        current_file = None  # named or not, its cursor window and definitions stay out: only the mention goes in
    rules = await project.ready_rules()
    out.items.extend(rule_items(rules.for_request([f for f in [current_file, *open_files, *mentioned_files] if f])))
    out.notes.extend(rules.errors)
    out.extend(mentioned)
    focus = [f for f in [current_file, *open_files] if f and not withheld(project.workspace, f)]
    window: tuple[int, int] | None = None
    if current_file and current_text is not None:
        window = cursor_window(current_text, cursor_line, selection)
        out.items.extend(open_file_items(current_file, current_text, window, selection))
    if index is not None:
        hits, rmap = await project.run(
            _retrieve, index, query, focus, list(project.recent_files), repo_map_tokens, count_tokens
        )
        out.items.extend(search_items([h for h in hits if h.path not in mentioned_paths and _may_retrieve(project, h)]))
        out.items.extend(repo_map_item(rmap))
        called = [(i.path, i.text) for i in mentioned.items if i.path in mentioned_files]
        if current_file and current_text is not None and window is not None:
            called.insert(0, (current_file, "\n".join(current_text.split("\n")[window[0] : window[1]])))
            out.items.extend(await project.run(outline_items, index, current_file))
        for path, text in called:
            found = await project.run(called_definitions, index, path, text)
            out.items.extend(i for i in found if may_send_definition(project.workspace, i.path))
    else:
        out.notes.append("the workspace index is still building: answering without retrieved code")
    if definitions is not None and current_file and current_text is not None and cursor_line is not None:
        found = await definitions(current_file, current_text, cursor_line, lsp_budget_s)
        out.items.extend(i for i in found if may_send_definition(project.workspace, i.path))
    out.items.extend(extra)
    out.items = dedupe_items(out.items)
    return out


def _may_retrieve(project: ProjectContext, hit: SearchHit) -> bool:
    # The index skips secrets and ignored files, but not caret's own .caret/config.toml, which may hold a key.
    return not withheld(project.workspace, hit.path)


async def gather_for_edit(
    project: ProjectContext,
    path: str,
    text: str,
    instruction: str,
    selection: tuple[int, int],
    definitions: DefinitionProvider | None = None,
    lsp_budget_s: float = 2.0,
) -> Gathered:
    """Rules (for the file and each @-mentioned one), @-mentions and definitions used in the selection, for an
    inline edit."""
    out = Gathered()
    await project.flush_buffers()
    mentioned, _ = await project.run(resolve_message_mentions, project, instruction)
    rules = await project.ready_rules()
    named = [i.path for i in mentioned.items if i.path != path and (project.root / i.path).is_file()]
    # Rules apply to every file in the prompt: a glob rule for an @-mentioned file comes too.
    out.items.extend(rule_items(rules.for_file(path) if not named else rules.for_request([path, *named])))
    out.notes.extend(rules.errors)
    out.extend(mentioned)
    if definitions is not None:
        first, last = selection
        for line in sorted({first, (first + last) // 2, max(first, last - 1)}):
            for item in await definitions(path, text, line, lsp_budget_s):
                if may_send_definition(project.workspace, item.path):
                    out.items.append(item)
    out.items = dedupe_items(out.items)
    return out
