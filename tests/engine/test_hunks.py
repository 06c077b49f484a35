"""Hunks of a proposed change, applied all, none, or any subset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.hunks import apply_hunks, diff_hunks, diff_text

OLD = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
NEW = "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n"


def test_changes_far_apart_are_two_hunks_with_context() -> None:
    hunks = diff_hunks(OLD, NEW)
    assert len(hunks) == 2
    assert hunks[0].rows == (("-", "a"), ("+", "A"), (" ", "b"), (" ", "c"))
    assert hunks[1].rows == ((" ", "h"), (" ", "i"), ("-", "j"), ("+", "J"))
    assert hunks[0].header == "@@ -1,1 +1,1 @@" and hunks[1].header == "@@ -10,1 +10,1 @@"
    assert apply_hunks(OLD, hunks, {1}) == OLD.replace("j\n", "J\n")
    assert apply_hunks(OLD, hunks, {0}) == OLD.replace("a\n", "A\n")


def test_changes_close_together_share_a_hunk() -> None:
    hunks = diff_hunks("a\nb\nc\n", "A\nb\nC\n")
    assert len(hunks) == 1
    assert hunks[0].rows == (("-", "a"), ("+", "A"), (" ", "b"), ("-", "c"), ("+", "C"))


def test_a_missing_final_newline_is_a_change_of_its_own() -> None:
    hunks = diff_hunks("x\ny", "x\ny\n")
    assert len(hunks) == 1 and apply_hunks("x\ny", hunks, {0}) == "x\ny\n"
    assert diff_hunks("same\n", "same\n") == ()


def test_an_insertion_into_an_empty_text_and_a_deletion_of_all() -> None:
    (insert,) = diff_hunks("", "new\n")
    assert insert.header == "@@ -0,0 +1,1 @@" and apply_hunks("", (insert,), {0}) == "new\n"
    (delete,) = diff_hunks("gone\n", "")
    assert apply_hunks("gone\n", (delete,), {0}) == "" and apply_hunks("gone\n", (delete,), set()) == "gone\n"


def test_diff_text_is_a_plain_unified_diff() -> None:
    text = diff_text("f.py", diff_hunks(OLD, NEW))
    assert text.startswith("--- a/f.py\n+++ b/f.py\n@@ -1,1 +1,1 @@\n-a\n+A\n b\n c\n@@")
    assert text.endswith("-j\n+J\n")


def test_hunks_from_another_text_are_refused() -> None:
    hunks = diff_hunks(OLD, NEW)
    try:
        apply_hunks("a\n", hunks, {0, 1})
    except ValueError as exc:
        assert "does not fit" in str(exc)
    else:
        raise AssertionError("hunks past the end of the text were applied")


LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n", "x = 1\n", "  y\n", "z", "\r\n"]), max_size=14)


@given(LINES, LINES, st.integers(0, 3), st.data())
def test_any_subset_of_hunks_applies_cleanly(old_lines: list[str], new_lines: list[str], context: int,
                                             data: st.DataObject) -> None:
    old, new = "".join(old_lines), "".join(new_lines)
    hunks = diff_hunks(old, new, context)
    everything = set(range(len(hunks)))
    assert apply_hunks(old, hunks, everything) == new
    assert apply_hunks(old, hunks, set()) == old
    chosen = data.draw(st.sets(st.sampled_from(sorted(everything))) if hunks else st.just(set()))
    together = apply_hunks(old, hunks, chosen)
    one_by_one = old
    for index in sorted(chosen, reverse=True):  # from the bottom up, so the earlier hunks' lines stay put
        one_by_one = apply_hunks(one_by_one, [hunks[index]], {0})
    assert together == one_by_one
    for hunk in hunks:  # a hunk's removed and context rows are the old lines it stands on, in order
        shown = [line for tag, line in hunk.rows if tag != "+"]
        assert all(line.rstrip("\r\n") in shown for line in old.splitlines(keepends=True)[hunk.old_start:hunk.old_end])
