"""The edit applier: replies applied to texts in memory, diffs, and the refusals that protect the code."""

from __future__ import annotations

import pytest

from engine.edit_apply import EditApplyError, Selection, apply_reply, apply_search_replace, unified_diff
from prompts.edit_format import EditReply, SearchReplace

SOURCE = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


def test_replacement_replaces_the_selected_lines() -> None:
    reply = EditReply(replacement="def add(a: int, b: int) -> int:\n    return a + b\n")
    out = apply_reply(reply, {"m.py": SOURCE}, Selection("m.py", 0, 2))
    assert out["m.py"].startswith("def add(a: int, b: int) -> int:\n    return a + b\n\n\ndef sub")


def test_empty_selection_inserts() -> None:
    out = apply_reply(EditReply(replacement="import math\n"), {"m.py": SOURCE}, Selection("m.py", 0, 0))
    assert out["m.py"] == "import math\n" + SOURCE


def test_selection_outside_the_file_is_refused() -> None:
    with pytest.raises(EditApplyError, match="outside the file"):
        apply_reply(EditReply(replacement="x\n"), {"m.py": SOURCE}, Selection("m.py", 5, 99))


def test_search_replace_exact() -> None:
    block = SearchReplace("m.py", "    return a - b", "    return a - b  # difference")
    assert "# difference" in apply_search_replace(SOURCE, block)


def test_search_replace_tolerates_trailing_whitespace_and_wrong_indent() -> None:
    block = SearchReplace("m.py", "return a - b   ", "return b - a")
    assert apply_search_replace(SOURCE, block).endswith("def sub(a, b):\n    return b - a\n")


def test_ambiguous_search_is_refused() -> None:
    text = "x = 1\nx = 1\n"
    with pytest.raises(EditApplyError, match="matches 2 places"):
        apply_search_replace(text, SearchReplace("m.py", "x = 1", "x = 2"))


def test_missing_search_is_refused() -> None:
    with pytest.raises(EditApplyError, match="is not in the file"):
        apply_search_replace(SOURCE, SearchReplace("m.py", "def mul(a, b):", "def mul(a, b, c):"))


def test_blocks_for_several_files_and_a_new_file() -> None:
    reply = EditReply(blocks=(
        SearchReplace("a.py", "x = 1", "x = 2"),
        SearchReplace("b.py", "y = 1", "y = 3"),
        SearchReplace("new.py", "", "z = 0"),
    ))
    out = apply_reply(reply, {"a.py": "x = 1\n", "b.py": "y = 1\n"})
    assert out == {"a.py": "x = 2\n", "b.py": "y = 3\n", "new.py": "z = 0\n"}


def test_a_block_for_an_unknown_existing_file_is_refused() -> None:
    with pytest.raises(EditApplyError, match="not a file of this edit"):
        apply_reply(EditReply(blocks=(SearchReplace("c.py", "x", "y"),)), {"a.py": "x\n"})


def test_unified_diff() -> None:
    diff = unified_diff("m.py", "a\nb\n", "a\nc\n")
    assert diff.splitlines() == ["--- a/m.py", "+++ b/m.py", "@@ -1,2 +1,2 @@", " a", "-b", "+c"]


def test_unified_diff_marks_a_missing_final_newline() -> None:
    assert "\\ No newline at end of file" in unified_diff("m.py", "a\nb", "a\nc")



def _apply(old: str, start: tuple[int, int], end: tuple[int, int], text: str) -> str:
    lines = old.split("\n")
    offset = lambda loc: sum(len(line) + 1 for line in lines[: loc[0]]) + loc[1]  # noqa: E731
    return old[: offset(start)] + text + old[offset(end) :]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\nd\n", "a\nB\nC\nd\n"),
        ("a\nb\nc\nd\n", "a\nb\nx\nc\nd\n"),
        ("a\nb\nc", "a\nb\nc\nd"),
        ("a\nb\nc", "a"),
        ("a\nb\nc\n", "a\nb\nc\n"),
        ("", "x\ny"),
        ("x\ny\n", ""),
        ("a\nb", "z\na\nb"),
    ],
)
def test_text_replacement_turns_old_into_new(old: str, new: str) -> None:
    from engine.edit_apply import text_replacement

    start, end, text = text_replacement(old, new)
    assert _apply(old, start, end, text) == new


def test_text_replacement_is_small() -> None:
    from engine.edit_apply import text_replacement

    assert text_replacement("a\nb\nc\nd\n", "a\nB\nc\nd\n") == ((1, 0), (2, 0), "B\n")
