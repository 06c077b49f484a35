"""The edit pipeline: instruction + selection -> prompt -> model reply -> EditProposal -> (accepted) atomic write.

Nothing reaches disk until a proposal is accepted; applying re-checks every file against the snapshot taken
when it was read and writes none of them if any changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from context.workspace import WorkspaceError, relative_path
from engine.apply.syntax import broken_syntax
from engine.edit_apply import EditApplyError, Selection, apply_changes, apply_reply, replace_selection, unified_diff
from engine.edit_stream import Throttle, partial_reply, tentative_region
from engine.files import (
    DiskSnapshot,
    FileConflict,
    FileError,
    OpenedFile,
    changed_on_disk,
    read_document,
    save_document,
)
from engine.gather import crawl_mentioned_docs, gather_for_edit
from engine.privacy import edit_refusal
from engine.session import Session
from models.base import ChatMessage, GenerationParams, Model, ModelError
from prompts import EditPromptInput, RenderResult, edit_prompt, render
from prompts.edit_format import EditFormatError, EditReply, parse_changes, parse_edit_reply


@dataclass(frozen=True)
class EditRequest:
    """An instruction for lines [start, end) of a workspace file, with the buffer's text when unsaved."""
    path: str  # workspace-relative
    instruction: str
    start_line: int  # 0-based, first selected line
    end_line: int  # exclusive; == start_line inserts before start_line
    text: str | None = None  # the editor's buffer; None reads the file


@dataclass(frozen=True)
class FileEdit:
    """One file's old and new text, and the disk snapshot the old text was read with."""
    path: str
    old_text: str
    new_text: str
    snapshot: DiskSnapshot | None
    newline: str = "\n"
    deleted: bool = False  # the edit removes the file (new_text is then "")

    @property
    def diff(self) -> str:
        return unified_diff(self.path, self.old_text, self.new_text)


@dataclass(frozen=True)
class EditProposal:
    """What the model proposes: one FileEdit per changed file; nothing is written until it is accepted."""
    instruction: str
    edits: tuple[FileEdit, ...]
    reply: str = ""
    notes: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # one line per change that could not be applied; its file is not in `edits`

    @property
    def diff(self) -> str:
        return "".join(edit.diff for edit in self.edits)


@dataclass
class PreparedEdit:
    """The rendered edit prompt and what it was built from."""
    model: Model
    messages: tuple[ChatMessage, ...]
    rendered: RenderResult
    opened: OpenedFile
    selection: Selection
    notes: list[str] = field(default_factory=list)
    answer_tokens: int = 1024
    # Reads another file a reply names (workspace-relative key, its opened text); EditError when it may not be.
    read_other: Callable[[str], tuple[str, OpenedFile]] | None = None


class EditError(Exception):
    """The edit could not be proposed: a one-line reason (bad reply, selection outside the file...)."""


class ReplyNotApplied(EditError):
    """The model's reply could not be turned into changes (the model failed, not the request); names the file."""


def edit_format(choice: str, provider: str) -> str:
    """"rewrite" or "search_replace". `auto` picks what the model gets right most often (bench/edit_speed.py): small
    local models copy a whole region well but rarely reproduce SEARCH lines exactly; strong remote models do both,
    and SEARCH/REPLACE costs them fewer tokens and may touch several files."""
    if choice != "auto":
        return choice
    return "rewrite" if provider == "local" else "search_replace"


async def prepare_edit(
    session: Session, request: EditRequest, on_progress: Callable[[str], None] | None = None
) -> PreparedEdit:
    """Read the file, gather context and render the edit prompt. EditError for a file that must not reach a model
    (a secret, an ignored file); an @docs site never crawled is crawled first (`on_progress` hears it)."""
    if reason := session.withheld(request.path):
        raise EditError(edit_refusal(request.path, reason))
    await crawl_mentioned_docs(session._project, request.instruction, on_progress)
    opened = read_document(session.root / request.path)
    text = request.text if request.text is not None else opened.text
    lines = text.split("\n")
    if not 0 <= request.start_line <= request.end_line <= len(lines):
        raise EditError(f"{request.path}: lines {request.start_line + 1}-{request.end_line} are outside the file")
    model = session.model("edit")
    window = model.context_window
    answer_tokens = max(64, min(session.config["edit.answer_tokens"], window // 3))
    gathered = await gather_for_edit(
        session._project, request.path, text, request.instruction, (request.start_line, request.end_line),
        definitions=session.definitions_provider(), lsp_budget_s=session.config["lsp.chat_budget_ms"] / 1000,
    )
    before = "\n".join(lines[: request.start_line])
    selection_text = "\n".join(lines[request.start_line : request.end_line])
    after = "\n".join(lines[request.end_line :])
    reply_format = edit_format(session.config["models.edit.format"], session.config["models.edit.provider"])
    tree = edit_prompt(
        EditPromptInput(
            path=request.path,
            instruction=request.instruction,
            selection=selection_text,
            selection_start=request.start_line,
            before=before + ("\n" if before else ""),
            after=after,
            items=tuple(gathered.items),
            answer_tokens=answer_tokens,
            multi_file=reply_format == "search_replace" and request.end_line > request.start_line,
        )
    )
    rendered = render(tree, window, model.count_tokens)
    messages = tuple(rendered.messages or ())
    opened = OpenedFile(opened.path, text, opened.snapshot, opened.newline)
    selection = Selection(request.path, request.start_line, request.end_line)
    return PreparedEdit(model, messages, rendered, opened, selection, gathered.notes, answer_tokens,
                        read_other=other_file_reader(session))


def other_file_reader(session: Session) -> Callable[[str], tuple[str, OpenedFile]]:
    """A reader for the other files an edit reply names: inside the workspace and never a secret or ignored file
    (the model never saw them, so it must not edit them); EditError naming the file otherwise."""

    def read(path: str) -> tuple[str, OpenedFile]:
        try:
            rel = session.relative_path(path)
        except WorkspaceError as exc:
            raise EditError(str(exc)) from None
        if reason := session.withheld(rel):
            raise EditError(edit_refusal(rel, reason))
        return rel, read_document(session.root / rel)

    return read


def _named_files(prepared: PreparedEdit, parsed: EditReply) -> tuple[EditReply, dict[str, OpenedFile]]:
    """The reply with every path made workspace-relative, and each file it names opened with its own snapshot (the
    selection's file is the buffer, unsaved edits included)."""
    path = prepared.selection.path
    opened = {path: prepared.opened}
    blocks = []
    for change in parsed.blocks:
        if change.path == path or prepared.read_other is None:
            blocks.append(change)
            continue
        rel, other = prepared.read_other(change.path)
        opened.setdefault(rel, other)
        blocks.append(dataclasses.replace(change, path=rel))
    return dataclasses.replace(parsed, blocks=tuple(blocks)), opened


def proposal_from_reply(prepared: PreparedEdit, reply: str, instruction: str) -> EditProposal:
    """Parse and apply the model's reply in memory, one FileEdit per file it changes (each with its own snapshot,
    so `apply_proposal` writes all or none). Raises EditError with one line."""
    path = prepared.selection.path
    try:
        parsed, opened = _named_files(prepared, parse_edit_reply(reply, default_path=path))
        existing = {p: o.text for p, o in opened.items() if p == path or o.snapshot is not None}
        new_texts = apply_reply(parsed, existing, prepared.selection)
    except (EditFormatError, EditApplyError, EditError) as exc:
        where = "" if str(exc).startswith(f"{path}:") else f"{path}: "  # the one line always names the file
        raise ReplyNotApplied(f"{where}the model's reply could not be applied: {exc}") from exc
    edits = []
    for p, new in new_texts.items():
        old = opened.get(p)
        edits.append(FileEdit(p, old.text if old else "", new, old.snapshot if old else None,
                              old.newline if old else prepared.opened.newline))
    return EditProposal(instruction, tuple(edits), reply, tuple(prepared.notes))


def proposal_from_blocks(root: Path, reply: str, instruction: str = "apply", force: bool = False) -> EditProposal:
    """An EditProposal from any reply (`caret apply`): SEARCH/REPLACE blocks, unified diffs, fenced files with their
    path, in any mix. A file any of whose changes cannot be applied, or (unless `force`) whose syntax the edit
    breaks, is left out and named in `refused`. Every path must lie inside the workspace (EditError otherwise);
    nothing is written here."""
    try:
        changes = parse_changes(reply)
    except EditFormatError as exc:
        raise EditError(f"cannot apply: {exc}") from exc
    if not changes:
        raise EditError("cannot apply: the reply has no SEARCH/REPLACE block, unified diff or fenced file with its "
                        "path")
    opened: dict[str, OpenedFile] = {}
    keyed = []
    for change in changes:
        try:
            rel = relative_path(root, change.path)  # the one containment check; `./a.py` and `a.py` are one file
        except WorkspaceError as exc:
            raise EditError(str(exc)) from None
        keyed.append(dataclasses.replace(change, path=rel))
        if rel not in opened:
            opened[rel] = read_document(root / rel)
    applied = apply_changes(tuple(keyed), {p: o.text for p, o in opened.items() if o.snapshot is not None})
    refused = list(applied.refused)
    edits = []
    for p, new in applied.texts.items():
        broken = None if force or new is None else broken_syntax(p, opened[p].text, new)
        if broken:
            refused.append(broken)
            continue
        o = opened[p]
        edits.append(FileEdit(p, o.text, new or "", o.snapshot, o.newline, deleted=new is None))
    return EditProposal(instruction, tuple(edits), reply, refused=tuple(refused))


PARTIAL_INTERVAL_S = 0.1  # a streamed diff is recomputed at most 10 times a second


def partial_proposal(prepared: PreparedEdit, reply: str, instruction: str) -> EditProposal | None:
    """The proposal a reply still being written makes so far (a rewrite: its lines so far, then the region's
    lines it has not reached; SEARCH/REPLACE: the finished blocks); None while nothing of it applies yet."""
    partial = partial_reply(reply)
    if partial is None:
        return None
    if partial.written is None:
        try:
            return proposal_from_reply(prepared, partial.reply or "", instruction)
        except (EditError, FileError):  # the final reply reports it, if it still holds then
            return None
    opened, selection = prepared.opened, prepared.selection
    region = "\n".join(opened.text.split("\n")[selection.start : selection.end])
    try:
        new = replace_selection(opened.text, selection, tentative_region(region, partial.written))
    except EditApplyError:
        return None
    edit = FileEdit(selection.path, opened.text, new, opened.snapshot, opened.newline)
    return EditProposal(instruction, (edit,), reply, tuple(prepared.notes))


def _tell_partial(prepared: PreparedEdit, reply: str, instruction: str,
                  on_partial: Callable[[EditProposal], None] | None) -> None:
    if on_partial is not None and (partial := partial_proposal(prepared, reply, instruction)) is not None:
        on_partial(partial)


async def propose_edit(
    session: Session,
    request: EditRequest,
    on_delta: Callable[[str], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
    on_partial: Callable[[EditProposal], None] | None = None,
) -> tuple[PreparedEdit, EditProposal]:
    """Ask the edit model and turn its reply into an EditProposal (EditError with one line when it cannot);
    `on_partial` hears the proposal the reply makes so far while it streams, at most every PARTIAL_INTERVAL_S."""
    prepared = await prepare_edit(session, request, on_progress)
    params = GenerationParams(max_tokens=prepared.answer_tokens, temperature=0.1)
    stream = prepared.model.stream_chat(prepared.messages, params)
    parts: list[str] = []
    partials = Throttle(lambda reply: _tell_partial(prepared, reply, request.instruction, on_partial),
                        PARTIAL_INTERVAL_S)
    try:
        async for delta in stream:
            parts.append(delta)
            if on_delta is not None:
                on_delta(delta)
            if on_partial is not None and "\n" in delta:  # only complete lines change what can be shown
                partials.push("".join(parts))
    except ModelError:
        raise
    finally:
        partials.close()
        stream.cancel()
    return prepared, proposal_from_reply(prepared, "".join(parts), request.instruction)


async def introduced_problems(session: Session, proposal: EditProposal, timeout_s: float = 5.0) -> list[str]:
    """One line per diagnostic the language server reports for the edited text that the original did not have:
    shown before an edit is accepted, and by `caret edit --check`."""
    pool = session.lsp
    if pool is None:
        return []
    from lsp.client import diagnostics_introduced

    problems = []
    for edit in proposal.edits:
        found = await diagnostics_introduced(pool, str(session.root / edit.path), edit.old_text, edit.new_text,
                                             timeout_s)
        for diagnostic in found:
            line = diagnostic.range.start.line + 1
            source = f" ({diagnostic.source})" if diagnostic.source else ""
            problems.append(f"{edit.path}:{line}: {diagnostic.message}{source}")
    return problems


def apply_proposal(root: Path, proposal: EditProposal) -> list[str]:
    """Write every edit atomically; FileConflict (and nothing written) if any file changed since it was read."""
    for edit in proposal.edits:
        if changed_on_disk(root / edit.path, edit.snapshot):
            raise FileConflict(f"{edit.path}: changed on disk since the edit was proposed; nothing written")
    written = []
    for edit in proposal.edits:
        if edit.deleted:
            (root / edit.path).unlink()
            written.append(edit.path)
            continue
        opened = OpenedFile(root / edit.path, edit.old_text, edit.snapshot, edit.newline)
        save_document(opened, edit.new_text)
        written.append(edit.path)
    return written
