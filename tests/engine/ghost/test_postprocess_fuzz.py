"""Hypothesis fuzzing of the ghost-text post-processor: any model output gives a suggestion that is a clean
prefix of what the model wrote, within the line limit, never whitespace only, one line mid-line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.ghost.postprocess import GhostTextContext, postprocess_ghost_text

code_text = st.text(alphabet=st.sampled_from(list("ab(){}[]:\"' \t\n\r=.")), max_size=200)
context = st.builds(
    GhostTextContext,
    line_prefix=st.text(alphabet=st.sampled_from(list("ab( \t:{")), max_size=12),
    line_suffix=st.text(alphabet=st.sampled_from(list(")]}\"' ab")), max_size=6),
    following_lines=st.lists(st.sampled_from(["", "a", "    b", "}"]), max_size=3).map(tuple),
    multiline=st.booleans(),
    max_lines=st.integers(1, 8),
)


@settings(max_examples=1500, deadline=None)
@given(code_text, context)
def test_any_output_gives_a_clean_prefix(raw: str, ctx: GhostTextContext) -> None:
    out = postprocess_ghost_text(raw, ctx)
    if not out:
        return
    assert out.strip(), "whitespace-only suggestions are dropped"
    assert "\r" not in out
    lines = out.split("\n")
    assert len(lines) <= ctx.max_lines
    assert all(line == line.rstrip() for line in lines)
    if ctx.line_suffix.strip() or not ctx.multiline:
        assert len(lines) == 1, "mid-line and single-line suggestions stay on the cursor line"
    raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert raw_lines[0].rstrip().startswith(lines[0])
    assert lines[1:] == [line.rstrip() for line in raw_lines[1 : len(lines)]]
