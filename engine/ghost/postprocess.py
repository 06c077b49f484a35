"""Pure post-processing of a raw model continuation into the ghost text an editor shows at the cursor.

Small models ramble: they repeat the code after the cursor, run past the end of the block, loop on one line or
phrase, or close a bracket the line already closes. These rules trim what the user would have to delete again. Every
rule only cuts: what is shown is always a prefix of what the model wrote (tests/engine/ghost/test_postprocess_fuzz.py).
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


OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}
LOOP_REPEATS = 4  # a unit repeated this many times in a row is a loop ("0, 0, 0, 0, ..." or "a.a.a.a")
MIN_REPEATED_LINE = 6  # shorter lines ("pass", "}", "else:") legitimately recur inside one suggestion


def _open_in(line_prefix: str) -> tuple[list[str], str]:
    """Brackets the cursor line leaves open before the cursor (innermost last) and the string quote still open;
    brackets inside string literals are skipped, closers of brackets opened on earlier lines ignored."""
    stack: list[str] = []
    quote, escaped = "", False
    for ch in line_prefix:
        if quote:
            quote = "" if ch == quote and not escaped else quote
            escaped = ch == "\\" and not escaped
        elif ch in "\"'":
            quote = ch
        elif ch in OPENERS:
            stack.append(ch)
        elif ch in CLOSERS and stack and stack[-1] == CLOSERS[ch]:
            stack.pop()
    return stack, quote


def balance_with_suffix(text: str, line_prefix: str, line_suffix: str) -> str:
    """`text` cut where it closes a bracket opened before the cursor that the rest of the line already closes, or
    where it closes a bracket nobody opened: "a, b) + c" after "f(" with ")" following becomes "a, b"."""
    stack, quote = _open_in(line_prefix)
    outer = len(stack)  # stack[:outer] was opened before the cursor
    supplied = {ch for ch in line_suffix if ch in CLOSERS}
    escaped = False
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote and not escaped else quote
            escaped = ch == "\\" and not escaped
            continue
        if ch in "\"'":
            quote = ch
        elif ch in OPENERS:
            stack.append(ch)
        elif ch in CLOSERS:
            if not stack or stack[-1] != CLOSERS[ch]:
                return text[:i]  # closes nothing: the model lost track
            if len(stack) <= outer:
                if ch in supplied:
                    return text[:i]  # the line already has this closer
                outer -= 1
            stack.pop()
    return text


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


def loop_start(line: str) -> int | None:
    """Where a loop begins in `line`: the first of LOOP_REPEATS back-to-back copies of a unit of 2-20 characters
    holding a letter ("x = x = x = x = "); None when the line does not loop. Digits and punctuation alone repeat in
    ordinary code ("[0, 0, 0, 0]", "# ----"), so they never count."""
    n = len(line)
    for size in range(2, 21):
        for start in range(0, n - size * LOOP_REPEATS + 1):
            unit = line[start : start + size]
            if any(c.isalpha() for c in unit) and line[start : start + size * LOOP_REPEATS] == unit * LOOP_REPEATS:
                return start
    return None


def _is_repeat(line: str, earlier: list[str]) -> bool:
    """True when `line` re-types a non-trivial line already in the suggestion: the model is looping."""
    stripped = line.strip()
    return len(stripped) >= MIN_REPEATED_LINE and any(stripped == e.strip() for e in earlier)


def _repeats_following(line: str, following: list[str]) -> bool:
    """True when `line` re-types one of the next lines after the cursor (the first one, or a longer one further
    down: the model skipped ahead into code that exists already)."""
    stripped = line.strip()
    if not following or not stripped:
        return False
    return stripped == following[0] or (len(stripped) >= MIN_REPEATED_LINE and stripped in following[1:])


def _single_line(first: str, ctx: GhostTextContext) -> str:
    """Mid-line or single-line mode: the first line, balanced with and trimmed of what follows the cursor."""
    first = first.rstrip()
    if (at := loop_start(first)) is not None:
        first = first[:at]
    if ctx.line_suffix.strip():
        first = balance_with_suffix(first, ctx.line_prefix, ctx.line_suffix)
        first = _trim_line_suffix_overlap(first, ctx.line_suffix).rstrip()
    return first if first.strip() else ""


def postprocess_ghost_text(raw: str, ctx: GhostTextContext) -> str:
    """The part of `raw` worth showing; "" when nothing is."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    mid_line = bool(ctx.line_suffix.strip())
    lines = text.split("\n")
    if mid_line or not ctx.multiline:
        return _single_line(lines[0], ctx)

    following = [line.strip() for line in ctx.following_lines if line.strip()]
    first = lines[0].rstrip()
    if (at := loop_start(first)) is not None:
        return first[:at].rstrip() if first[:at].strip() else ""  # the rest would loop on
    if not ctx.line_prefix.strip() and _repeats_following(first, following):
        return ""  # on a blank line, the model re-typed the next line
    floor = _block_indent(ctx)
    opener = ctx.line_prefix.rstrip().endswith((":", "{", "(", "[")) or first.endswith((":", "{", "(", "["))
    kept = [first]
    for line in lines[1:]:
        if not line.strip():
            break  # a blank line ends the thought; the next block is a new request
        if _indent(line) < floor or (_indent(line) == floor and not opener and len(kept) >= 1 and floor == 0):
            break
        if _repeats_following(line, following) or _is_repeat(line, kept) or loop_start(line) is not None:
            break  # re-typing the code after the cursor, or looping
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
