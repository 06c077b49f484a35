"""Pure post-processing of a raw model continuation into the ghost text an editor shows at the cursor.

Small models ramble: they repeat the code after the cursor, run past the end of the block, or close a bracket
the line already closes. These rules trim what the user would have to delete again.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINES = 8


@dataclass(frozen=True)
class GhostTextContext:
    """The cursor's surroundings, as the post-processor sees them."""

    line_prefix: str  # the cursor line up to the cursor
    line_suffix: str  # the cursor line after the cursor
    following_lines: tuple[str, ...] = ()  # lines after the cursor line, for repeat detection
    multiline: bool = True
    max_lines: int = MAX_LINES


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _block_indent(ctx: GhostTextContext) -> int:
    """Indentation the completion must stay at or inside of: the cursor line's, or deeper after a block opener."""
    return _indent(ctx.line_prefix) if ctx.line_prefix.strip() else len(ctx.line_prefix)


def _trim_line_suffix_overlap(text: str, line_suffix: str) -> str:
    """Mid-line: drop the tail that re-types what already follows the cursor (e.g. a closing bracket)."""
    rest = line_suffix.rstrip()
    if not rest:
        return text
    if text.endswith(rest):
        return text[: -len(rest)]
    # The model often closes brackets the line already closes: drop trailing closers present in the suffix.
    while text and text[-1] in ")]}\"'" and text[-1] in rest:
        text = text[:-1]
    return text


def postprocess_ghost_text(raw: str, ctx: GhostTextContext) -> str:
    """The part of `raw` worth showing; "" when nothing is."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    mid_line = bool(ctx.line_suffix.strip())
    lines = text.split("\n")
    if mid_line or not ctx.multiline:
        first = lines[0].rstrip()
        first = _trim_line_suffix_overlap(first, ctx.line_suffix).rstrip() if mid_line else first
        return first if first.strip() else ""

    floor = _block_indent(ctx)
    opener = ctx.line_prefix.rstrip().endswith((":", "{", "(", "[")) or lines[0].rstrip().endswith(
        (":", "{", "(", "[")
    )
    kept = [lines[0].rstrip()]
    following = [line.strip() for line in ctx.following_lines if line.strip()]
    for line in lines[1:]:
        if not line.strip():
            break  # a blank line ends the thought; the next block is a new request
        if _indent(line) < floor or (_indent(line) == floor and not opener and len(kept) >= 1 and floor == 0):
            break
        if following and line.strip() == following[0]:
            break  # the model is re-typing the code that already follows the cursor
        if len(kept) >= ctx.max_lines:
            break
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    result = "\n".join(kept)
    if not result.strip():
        return ""
    return result


def context_at(text: str, line: int, column: int, multiline: bool = True) -> GhostTextContext:
    """What the post-processor needs to know about the cursor at (line, column) of `text`."""
    lines = text.split("\n")
    current = lines[line] if line < len(lines) else ""
    return GhostTextContext(
        line_prefix=current[:column],
        line_suffix=current[column:],
        following_lines=tuple(lines[line + 1 : line + 4]),
        multiline=multiline,
    )


def is_cut_short(raw: str, processed: str) -> bool:
    """True when the raw continuation already holds a whole line past what the post-processor kept: more tokens
    cannot change the suggestion."""
    return raw.count("\n") > processed.count("\n") + 1


def strip_fence(reply: str) -> str:
    """Chat models wrap code in a fence despite being told not to: keep what is inside."""
    lines = reply.strip("\n").split("\n")
    if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1])
    return reply
