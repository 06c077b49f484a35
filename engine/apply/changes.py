"""Every change of a reply applied to the files' texts in memory: all of a file's changes, or none of them.

`files` maps a path to its current text (a path that is not there does not exist). A refused change names its
file, the lines the reply meant and why, in one line; the other files still apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.apply.elide import elisions, expand
from engine.apply.locate import locate
from engine.apply.merge import Refused
from prompts.replies import Change, Hunk, Patch, SearchReplace, WholeFile

DELETED = None  # the new "text" of a file the reply deletes


@dataclass(frozen=True)
class Applied:
    """New text per changed file (None: deleted), and one line per refused change (its file is left alone)."""

    texts: dict[str, str | None]
    refused: tuple[str, ...]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _part(text: str) -> list[str]:
    """A SEARCH or REPLACE part (or a hunk side) as lines; trailing blank lines (spaces alone count as blank)
    are not part of it."""
    lines = _lines(text) if text.strip() else []
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _hunk_side(text: str) -> list[str]:
    """A hunk's side as lines, blank ones at its end too (a diff says exactly which lines it removes)."""
    return text.split("\n")[:-1] if text else []


def _with_expanded_elisions(before: list[str], after: list[str]) -> list[str]:
    """A replacement that leaves code out (`...`) while its SEARCH text does not: the left-out code is the SEARCH
    text's own (where else would it come from)."""
    cuts = elisions(after, before)
    if not cuts or elisions(before, []):
        return after
    return expand(before, after, cuts)


def _apply_part(text: str, before: list[str], after: list[str], hint: int | None, what: str) -> tuple[str, int]:
    lines = _lines(text)
    start, end, new = locate(lines, before, _with_expanded_elisions(before, after), hint, 0, what)
    out = lines[:start] + new + lines[end:]
    return "\n".join(out), len(new) - (end - start)


def apply_search_replace_text(text: str, block: SearchReplace) -> str:
    """`text` with one SEARCH/REPLACE block applied; Refused when it matches nowhere or in several places."""
    search, replace = _part(block.search), _part(block.replace)
    if not search:
        # An empty SEARCH appends (how models create content in a new or empty file).
        body = text.rstrip("\n")
        joined = "\n".join(replace)
        return (body + "\n" + joined + "\n") if body else joined + "\n"
    what = f"the SEARCH text starting {_quote(search)}"
    return _apply_part(text, search, replace, None, what)[0]


def _quote(lines: list[str]) -> str:
    return repr(next((line.strip() for line in lines if line.strip()), "")[:60])


def _hunk_what(n: int, hunk: Hunk, before: list[str]) -> str:
    where = f"@@ -{hunk.old_start} @@" if hunk.old_start is not None else "@@ @@"
    return f"hunk {n} ({where}, starting {_quote(before)})"


def _apply_patch(text: str | None, patch: Patch) -> str | None:
    if patch.new_file and not (text or "").strip():
        return "".join(hunk.after for hunk in patch.hunks)
    if text is None:
        raise Refused("no such file (the diff edits it)")
    trusted = _numbers_hold(text, patch)
    offset = 0
    for n, hunk in enumerate(patch.hunks, 1):
        before, after = _hunk_side(hunk.before), _hunk_side(hunk.after)
        if not any(line.strip() for line in before):
            if not text and not before:
                text = "\n".join(after) + "\n"
                continue
            if not (trusted and hunk.old_start is not None and not hunk.before):
                raise Refused(f"{_hunk_what(n, hunk, before)} has no context lines to place it by")
            # An insertion without context (`@@ -N,0 ...`: after line N): only line numbers that other hunks of this
            # diff confirmed place it.
            lines = _lines(text)
            at = hunk.old_start + offset
            if at > len(lines):
                raise Refused(f"{_hunk_what(n, hunk, before)} names a line outside the file")
            text = "\n".join(lines[:at] + after + lines[at:])
            offset += len(after)
            continue
        hint = hunk.old_start - 1 + offset if hunk.old_start and trusted else None
        text, delta = _apply_part(text, before, after, hint, _hunk_what(n, hunk, before))
        offset += delta
    if patch.deleted:
        if text.strip():
            raise Refused("the diff deletes the file but does not remove all of it (the file has changed?)")
        return DELETED
    return text


def _numbers_hold(text: str, patch: Patch) -> bool:
    """Whether the diff's line numbers are right: some hunk found in exactly one place is at the line its header
    names. Only then may a number choose between places (models' line numbers are often wrong)."""
    lines = _lines(text)
    for hunk in patch.hunks:
        before, after = _hunk_side(hunk.before), _hunk_side(hunk.after)
        if not hunk.old_start or not any(line.strip() for line in before):
            continue
        try:
            start, _, _ = locate(lines, before, after, None)
        except Refused:
            continue
        if start == hunk.old_start - 1:
            return True
    return False


def _apply_whole(text: str | None, whole: WholeFile) -> str:
    new = _lines(whole.text.rstrip("\n"))
    if text is None or not text.strip():
        if elisions(new, []):
            raise Refused("the reply leaves code out ('...') of a file that does not exist")
        return whole.text
    old = _lines(text.rstrip("\n"))
    cuts = elisions(new, old)
    lead, trail = _snippet_edges(old, new, cuts)
    merged = expand(old, new, cuts, lead, trail) if cuts or lead or trail else new
    if _loses_most(old, merged):
        raise Refused(f"the file given whole ({len(new)} lines) would delete most of its {len(old)} lines; "
                      "a snippet? (send a diff or SEARCH/REPLACE blocks)")
    if merged is new:
        return whole.text
    return "\n".join(merged) + ("\n" if text.endswith("\n") else "")


def _edges(lines: list[str], cuts: list[int]) -> tuple[str | None, str | None]:
    """The first and last non-blank lines, None where an elision comes first (last)."""
    body = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    if not body:
        return None, None
    (i0, first), (i1, last) = body[0], body[-1]
    return (None if i0 in cuts else first), (None if i1 in cuts else last)


def _snippet_edges(old: list[str], new: list[str], cuts: list[int]) -> tuple[bool, bool]:
    """Whether the reply leaves out the file's start (end) without saying so: it does not start (end) where the file
    does, and it is a snippet (it elides elsewhere, or is much shorter than the file). Replacing the whole file with
    a snippet would delete the rest of it."""
    if not cuts and len(new) >= 0.7 * len(old):
        return False, False
    o_first, o_last = _edges(old, [])
    n_first, n_last = _edges(new, cuts)
    return n_first is not None and n_first != o_first, n_last is not None and n_last != o_last


def _loses_most(old: list[str], new: list[str]) -> bool:
    """Whether a whole-file reply would delete more than half of a file of some size (a snippet taken whole)."""
    kept = sum(1 for line in new if line.strip())
    had = sum(1 for line in old if line.strip())
    return had > 30 and kept < had / 2


def apply_change(text: str | None, change: Change) -> str | None:
    """The new text of the change's file (None: deleted). `text` None: the file does not exist."""
    if isinstance(change, SearchReplace):
        if text is None and change.search.strip():
            raise Refused("not a file of this edit (no such file)")
        return apply_search_replace_text(text or "", change)
    if isinstance(change, Patch):
        return _apply_patch(text, change)
    return _apply_whole(text, change)


def apply_changes(changes: tuple[Change, ...], files: Mapping[str, str]) -> Applied:
    """Apply every change in order; a file any of whose changes is refused keeps its text (and is not in `texts`)."""
    state: dict[str, str | None] = {}
    failed: set[str] = set()
    refused: list[str] = []
    for change in changes:
        path = change.path
        current = state[path] if path in state else files.get(path)
        try:
            state[path] = apply_change(current, change)
        except Refused as exc:
            refused.append(f"{path}: {exc}")
            failed.add(path)
    texts = {p: t for p, t in state.items() if p not in failed and t != files.get(p)}
    return Applied(texts, tuple(refused))
