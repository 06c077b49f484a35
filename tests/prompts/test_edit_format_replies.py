"""parse_changes: every format models reply in (SEARCH/REPLACE, unified diffs, fenced files with a path), mixed."""

from __future__ import annotations

import pytest

from prompts.edit_format import EditFormatError, Hunk, Patch, SearchReplace, WholeFile, parse_changes, parse_edit_reply
from prompts.replies import is_elision

DIFF = """Rename it:

```diff
--- a/src/m.py
+++ b/src/m.py
@@ -10,2 +10,2 @@ def f():
 def add(a, b):
-    return a + b
+    return b + a

```
"""


def test_a_unified_diff_with_headers() -> None:
    assert parse_changes(DIFF) == (
        Patch("src/m.py", (Hunk("def add(a, b):\n    return a + b\n", "def add(a, b):\n    return b + a\n", 10),)),
    )


def test_a_diff_without_numbers_or_headers_takes_the_path_named_before_it() -> None:
    reply = "`m.py`\n```diff\n@@ @@\n def f():\n-    x = 1\n+    x = 2\n```\n"
    assert parse_changes(reply) == (Patch("m.py", (Hunk("def f():\n    x = 1\n", "def f():\n    x = 2\n", None),)),)


def test_a_context_line_that_lost_its_space_and_a_bare_diff() -> None:
    reply = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n\nThat is all.\n"
    assert parse_changes(reply) == (Patch("m.py", (Hunk("x = 1\n", "x = 2\n", 1),)),)
    fenced = "```diff\n--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\ndef f():\n-    x = 1\n+    x = 2\n```"
    assert parse_changes(fenced)[0] == Patch("m.py", (Hunk("def f():\n    x = 1\n", "def f():\n    x = 2\n", 1),))


def test_new_and_deleted_files_in_a_diff() -> None:
    reply = (
        "```diff\ndiff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n"
        "+x = 1\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-y = 2\n```\n"
    )
    new, old = parse_changes(reply)
    assert isinstance(new, Patch) and new.path == "new.py" and new.new_file and new.hunks[0].after == "x = 1\n"
    assert isinstance(old, Patch) and old.path == "old.py" and old.deleted


@pytest.mark.parametrize("reply", [
    "```python path=src/a.py\nx = 1\n```",
    "```src/a.py\nx = 1\n```",
    "```python title=\"src/a.py\"\nx = 1\n```",
    "### src/a.py\n\n```python\nx = 1\n```",
    "**src/a.py**\n```python\nx = 1\n```",
    "Here it is, in src/a.py:\n\nsrc/a.py:\n```python\nx = 1\n```",
])
def test_a_whole_file_names_its_path_in_the_info_string_a_heading_or_the_line_before(reply: str) -> None:
    assert parse_changes(reply) == (WholeFile("src/a.py", "x = 1\n"),)


def test_code_that_names_no_file_is_not_an_edit() -> None:
    assert parse_changes("Run this:\n```bash\npip install caret\n```\nor in Python:\n```python\nx = 1\n```") == ()


def test_a_mix_in_the_order_of_the_reply() -> None:
    reply = (
        "a.py\n```python\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n```\n\n"
        "```diff\n--- a/b.py\n+++ b/b.py\n@@ @@\n-y = 1\n+y = 2\n```\n\n"
        "```python\nc.py\n<<<<<<< SEARCH\nz = 1\n=======\nz = 3\n>>>>>>> REPLACE\n```\n\n"
        "### d.py\n```python\nw = 0\n```\n"
    )
    assert [type(c).__name__ + ":" + c.path for c in parse_changes(reply)] == [
        "SearchReplace:a.py", "Patch:b.py", "SearchReplace:c.py", "WholeFile:d.py",
    ]


def test_a_replace_part_holding_fences_is_kept_whole() -> None:
    reply = "README.md\n```\n<<<<<<< SEARCH\nold\n=======\n```python\nx = 1\n```\n>>>>>>> REPLACE\n```\n"
    assert parse_changes(reply) == (SearchReplace("README.md", "old\n", "```python\nx = 1\n```\n"),)


def test_a_cut_off_file_or_diff_is_an_error_not_a_truncated_file() -> None:
    with pytest.raises(EditFormatError, match="cut off"):
        parse_changes("### a.py\n```python\ndef f():\n    return")
    with pytest.raises(EditFormatError, match="cut off"):
        parse_changes("```diff\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n")


def test_the_selection_form_is_unchanged_and_several_named_files_are_blocks() -> None:
    assert parse_edit_reply("```python path=m.py\nx = 1\n```", default_path="m.py").replacement == "x = 1\n"
    reply = "### a.py\n```python\nx = 1\n```\n### b.py\n```python\ny = 1\n```"
    assert parse_edit_reply(reply).blocks == (WholeFile("a.py", "x = 1\n"), WholeFile("b.py", "y = 1\n"))
    assert parse_edit_reply("```diff\n@@ @@\n-a\n+b\n```", default_path="m.py").blocks == (
        Patch("m.py", (Hunk("a\n", "b\n", None),)),
    )


@pytest.mark.parametrize(("line", "elided"), [
    ("# ... existing code ...", True), ("    // ...", True), ("...", True), ("# rest of the file unchanged", True),
    ("<!-- ... -->", True), ("x = ...", False), ('print("...")', False), ("# compute the total", False),
])
def test_elision_lines(line: str, elided: bool) -> None:
    assert is_elision(line) is elided
