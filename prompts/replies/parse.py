"""Every edit a model's reply holds, in any mix: SEARCH/REPLACE blocks (the path on the line before the fence or
inside it), unified diffs (fenced or bare), and fenced files that name their path (in the info string, a heading
or the line before). Pure: the reply's text in, Change values out, in the order the reply gives them."""

from __future__ import annotations

from prompts.replies.model import DIVIDER, REPLACE_MARK, SEARCH_MARK, Change, EditFormatError, SearchReplace, WholeFile
from prompts.replies.text import FENCE, Fenced, fenced_at, join_lines, path_in_info, path_in_line
from prompts.replies.udiff import diff_span, looks_like_diff, parse_diff, path_of_diff_body, starts_diff


def normalize(reply: str) -> list[str]:
    """The reply's lines, whatever its line endings."""
    return reply.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_search_replace(lines: list[str], i: int, path: str | None) -> tuple[SearchReplace, int]:
    """The SEARCH/REPLACE block whose SEARCH marker is line `i`, and the index after it."""
    search: list[str] = []
    replace: list[str] = []
    i += 1
    while i < len(lines) and lines[i].strip() != DIVIDER:
        if lines[i].strip() in (SEARCH_MARK, REPLACE_MARK):
            raise EditFormatError(f"SEARCH block at line {i + 1} has no ======= divider")
        search.append(lines[i])
        i += 1
    if i == len(lines):
        raise EditFormatError("SEARCH block has no ======= divider")
    i += 1
    while i < len(lines) and lines[i].strip() != REPLACE_MARK:
        if lines[i].strip() in (SEARCH_MARK, DIVIDER):
            raise EditFormatError(f"REPLACE part at line {i + 1} is not closed by >>>>>>> REPLACE")
        replace.append(lines[i])
        i += 1
    if i == len(lines):
        raise EditFormatError("REPLACE part is not closed by >>>>>>> REPLACE")
    if path is None:
        raise EditFormatError("a SEARCH/REPLACE block does not say which file it edits")
    return SearchReplace(path, join_lines(search), join_lines(replace)), i + 1


def _previous_path(lines: list[str], i: int) -> str | None:
    """The path named by the last non-blank line before line `i` (a whole file's label must be right above it)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return path_in_line(lines[j]) if j >= 0 else None


def _has_search_marker(block: Fenced) -> bool:
    return any(line.strip() == SEARCH_MARK for line in block.body)


def _fenced_changes(lines: list[str], block: Fenced, default_path: str | None) -> list[Change]:
    """A fenced block that is not SEARCH/REPLACE: a diff, a file with its path, or code that edits nothing."""
    body = list(block.body)
    named = path_in_info(block.info) or _previous_path(lines, block.start)
    if block.info.split()[:1] in (["diff"], ["patch"], ["udiff"]) or looks_like_diff(body):
        if not block.closed:
            raise EditFormatError("the reply's diff is cut off (its ``` fence is not closed)")
        return list(parse_diff(body, path_of_diff_body(body) or named or default_path))
    if named is None:
        return []
    if not block.closed:
        raise EditFormatError(f"the code block for {named} is cut off (its ``` fence is not closed)")
    return [WholeFile(named, join_lines(body))]


def parse_changes(reply: str, *, default_path: str | None = None) -> tuple[Change, ...]:
    """Every change the reply asks for, in its order; `default_path` is the file of blocks that name none.
    EditFormatError (one line) for a malformed SEARCH/REPLACE block or a cut-off diff or file."""
    lines = normalize(reply)
    changes: list[Change] = []
    path = default_path  # the last path named in prose: SEARCH/REPLACE blocks after it edit that file
    open_fence: tuple[str, int] | None = None  # a fence around SEARCH/REPLACE blocks, skipped line by line
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if line.strip() == SEARCH_MARK:
            block, i = read_search_replace(lines, i, path)
            changes.append(block)
            continue
        if fence and open_fence is not None:
            char, length = fence.group(2)[0], len(fence.group(2))
            if not fence.group(3).strip() and char == open_fence[0] and length >= open_fence[1]:
                open_fence = None
        elif fence:
            fenced = fenced_at(lines, i)
            assert fenced is not None
            if _has_search_marker(fenced):
                open_fence = (fence.group(2)[0], len(fence.group(2)))
            else:
                changes.extend(_fenced_changes(lines, fenced, default_path))
                i = fenced.end
                continue
        elif open_fence is None and starts_diff(lines, i):
            end = diff_span(lines, i)
            changes.extend(parse_diff(lines[i:end], _previous_path(lines, i) or path, lenient=False))
            i = max(end, i + 1)
            continue
        elif named := path_in_line(line):
            path = named
        i += 1
    return tuple(changes)
