"""Hypothesis fuzzing of the edit applier: random files and replies never crash it, never write outside the
target, never apply an ambiguous reply; a diff made from the file applies exactly or is refused, never wrongly."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.edit import EditError, proposal_from_blocks
from engine.edit_apply import EditApplyError, apply_changes, apply_reply, apply_search_replace
from prompts.edit_format import EditFormatError, EditReply, SearchReplace, parse_changes, parse_edit_reply

# Few distinct lines, so that repeats (ambiguous SEARCH text) come up often.
line = st.sampled_from(["a = 1", "    a = 1", "b = 2", "", "def f():", "    return a", "  x", "}", "a = 1  "])
lines = st.lists(line, min_size=0, max_size=12)


def _occurrences(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    return sum(1 for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle)


def _effective(block_lines: list[str]) -> list[str]:
    """The lines a SEARCH or REPLACE part stands for: trailing blank lines are not part of it."""
    text = "".join(s + "\n" for s in block_lines)
    return text.rstrip("\n").split("\n") if text.strip() else []


@settings(max_examples=400, deadline=None)
@given(lines, st.integers(0, 12), st.integers(1, 4), lines)
def test_search_replace_applies_exactly_once_or_refuses(file_lines, at, n, replace_lines):
    text = "\n".join(file_lines)
    search = _effective(file_lines[at : at + n])
    if not search:
        return
    block = SearchReplace("f.py", "".join(s + "\n" for s in search), "".join(r + "\n" for r in replace_lines))
    if _occurrences(file_lines, search) > 1:
        with pytest.raises(EditApplyError, match="matches"):
            apply_search_replace(text, block)
        return
    out = apply_search_replace(text, block)
    i = next(i for i in range(len(file_lines)) if file_lines[i : i + len(search)] == search)
    assert out == "\n".join(file_lines[:i] + _effective(replace_lines) + file_lines[i + len(search) :])


@settings(max_examples=300, deadline=None)
@given(lines, lines, lines)
def test_random_search_text_never_crashes(file_lines, search_lines, replace_lines):
    block = SearchReplace("f.py", "\n".join(search_lines), "\n".join(replace_lines))
    try:
        out = apply_search_replace("\n".join(file_lines), block)
    except EditApplyError:
        return
    assert isinstance(out, str)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>=`\n abc.py/SEARCHREPLACE")), max_size=300))
def test_random_replies_parse_or_refuse_with_one_line(reply):
    try:
        parsed = parse_edit_reply(reply, default_path="f.py")
    except EditFormatError as exc:
        assert "\n" not in str(exc)
        return
    try:
        out = apply_reply(parsed, {"f.py": "a = 1\nb = 2\n"}, None)
    except EditApplyError as exc:
        assert "\n" not in str(exc)
        return
    assert set(out) <= {p for p in [b.path for b in parsed.blocks]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["../out.py", "/tmp/caret-fuzz-out.py", "sub/../../out.py", "link/out.py", "in.py"]))
def test_paths_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    root = tmp_path / "ws"
    root.mkdir(exist_ok=True)
    (root / "in.py").write_text("a = 1\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir(exist_ok=True)
    if not (root / "link").exists():
        (root / "link").symlink_to(outside, target_is_directory=True)
    reply = f"{path}\n<<<<<<< SEARCH\n=======\nwritten = True\n>>>>>>> REPLACE\n"
    if path == "in.py":
        proposal = proposal_from_blocks(root, reply)
        assert [e.path for e in proposal.edits] == ["in.py"]
        return
    with pytest.raises(EditError, match="outside the workspace"):
        proposal_from_blocks(root, reply)


def test_an_empty_reply_changes_nothing() -> None:
    assert apply_reply(EditReply(blocks=()), {"f.py": "x"}) == {}


def _text(file_lines: list[str]) -> str:
    return "".join(line + "\n" for line in file_lines)


@settings(max_examples=400, deadline=None)
@given(lines, st.integers(0, 12), st.integers(0, 4), lines, st.integers(0, 3), st.booleans())
def test_a_diff_applies_exactly_or_is_refused(file_lines, at, n, new_lines, context, numbered):
    old = _text(file_lines)
    new = _text(file_lines[:at] + new_lines + file_lines[at + n :])
    if old == new:
        return
    diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/f.py", "b/f.py", n=context))
    if not numbered:
        diff = re.sub(r"(?m)^@@ .* @@$", "@@ @@", diff)
    applied = apply_changes(parse_changes(f"```diff\n{diff}```\n"), {"f.py": old})
    if applied.refused:
        assert not applied.texts and all("\n" not in r for r in applied.refused)
        return
    assert applied.texts == {"f.py": new}


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_a_whole_file_is_taken_whole_or_refused(old_lines, new_lines):
    old, new = _text(old_lines), _text(new_lines)
    applied = apply_changes(parse_changes(f"### f.py\n```python\n{new}```\n"), {"f.py": old})
    if applied.refused:
        assert not applied.texts and all("\n" not in r for r in applied.refused)
        return
    if len(new.rstrip("\n").split("\n")) >= 0.7 * len(old.rstrip("\n").split("\n")):
        assert applied.texts.get("f.py", old) == new  # not a snippet: the file is what the reply gives


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>=`~\n -+@#. abc.py/SEARCHREPLACE")), max_size=300))
def test_random_replies_in_any_format_parse_or_refuse_with_one_line(reply):
    try:
        changes = parse_changes(reply, default_path="f.py")
    except EditFormatError as exc:
        assert "\n" not in str(exc)
        return
    applied = apply_changes(changes, {"f.py": "a = 1\nb = 2\n"})
    assert all("\n" not in r for r in applied.refused)
    assert set(applied.texts) <= {c.path for c in changes}
