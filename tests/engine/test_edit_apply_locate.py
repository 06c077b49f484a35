"""The applier on the defects models produce: each change lands where the reply meant, or is refused."""

from __future__ import annotations

import pytest

from engine.apply.syntax import broken_syntax
from engine.edit_apply import EditApplyError, apply_changes, apply_search_replace
from prompts.edit_format import Hunk, Patch, SearchReplace, WholeFile, parse_changes

CODE = (
    "class Shop:\n"
    "    def total(self, items):\n"
    "        result = 0\n"
    "        for item in items:\n"
    "            result += item.price\n"
    "        return result\n"
    "\n"
    "    def count(self, items):\n"
    "        result = 0\n"
    "        for item in items:\n"
    "            result += 1\n"
    "        return result\n"
)


def sr(search: str, replace: str) -> SearchReplace:
    return SearchReplace("shop.py", search, replace)


def test_trailing_whitespace_in_the_reply_is_not_copied_into_the_file() -> None:
    out = apply_search_replace(CODE, sr("        for item in items:  \n            result += item.price  \n",
                                        "        for item in items:  \n            result += item.cost  \n"))
    assert "            result += item.cost\n" in out and "  \n" not in out


def test_a_block_shifted_as_a_whole_is_reindented() -> None:
    out = apply_search_replace(CODE, sr("def total(self, items):\n    result = 0\n",
                                        "def total(self, items):\n    result = 0.0\n    seen = set()\n"))
    assert "    def total(self, items):\n        result = 0.0\n        seen = set()\n" in out


def test_a_first_line_that_lost_its_indentation() -> None:
    out = apply_search_replace(CODE, sr("def count(self, items):\n        result = 0\n",
                                        "def count(self, items):\n        result = 1\n"))
    assert "    def count(self, items):\n        result = 1\n        for" in out


def test_indentation_that_differs_line_by_line_is_refused() -> None:
    with pytest.raises(EditApplyError, match="indented differently"):
        apply_search_replace(CODE, sr(
            "    def total(self, items):\n            result = 0\n        for item in items:\n",
            "    def total(self):\n",
        ))


def test_a_mistyped_context_line_keeps_the_files_own_version() -> None:
    head = "    def total(self,items):\n        result = 0\n        for item in items:\n"
    out = apply_search_replace(CODE, sr(head + "            result += item.price\n",
                                        head + "            result += item.cost\n"))
    assert "    def total(self, items):\n" in out and "result += item.cost" in out


def test_a_line_the_file_does_not_have_is_skipped_when_unchanged() -> None:
    out = apply_search_replace(CODE, sr(
        "        result = 0\n        # sum the prices\n        for item in items:\n            result += item.price\n",
        "        result = 0\n        # sum the prices\n        for item in items:\n            result += item.cost\n",
    ))
    assert "result += item.cost" in out and "# sum" not in out


def test_two_places_about_as_close_are_refused() -> None:
    with pytest.raises(EditApplyError, match="not in the file"):
        apply_search_replace(CODE, sr("        result = 0\n        for item in item:\n        return result\n",
                                      "        result = 1\n"))


def test_elisions_in_search_and_replace() -> None:
    out = apply_search_replace(CODE, sr("    def count(self, items):\n...\n        return result\n",
                                        "    def count(self, items):\n...\n        return int(result)\n"))
    assert out.endswith("            result += 1\n        return int(result)\n")
    assert "        return result\n\n    def count" in out


def test_an_elision_in_the_replacement_keeps_the_searched_code() -> None:
    out = apply_search_replace(CODE, sr(
        "    def count(self, items):\n        result = 0\n        for item in items:\n",
        "    def count(self, items):\n        \"\"\"How many.\"\"\"\n        # ... existing code ...\n",
    ))
    assert '    def count(self, items):\n        """How many."""\n        result = 0\n        for item' in out


def test_a_diff_with_wrong_line_numbers_lands_on_its_text() -> None:
    patch = Patch("shop.py", (Hunk("        result = 0\n        for item in items:\n            result += 1\n",
                                   "        result = 0\n        for item in items:\n            result += 2\n", 40),))
    assert "result += 2" in apply_changes((patch,), {"shop.py": CODE}).texts["shop.py"] or ""


def test_an_ambiguous_hunk_uses_line_numbers_only_when_another_hunk_confirms_them() -> None:
    lone = Patch("shop.py", (Hunk("        result = 0\n", "        result = 1\n", 9),))
    applied = apply_changes((lone,), {"shop.py": CODE})
    assert not applied.texts and "matches 2 places (lines 3, 9)" in applied.refused[0]
    confirmed = Patch("shop.py", (Hunk("        result = 0\n", "        result = 1\n", 9),
                                  Hunk("            result += 1\n", "            result += 2\n", 11)))
    out = apply_changes((confirmed,), {"shop.py": CODE}).texts["shop.py"] or ""
    assert out.count("result = 1\n") == 1 and out.index("result = 1") > out.index("def count")


def test_an_insertion_without_context_needs_confirmed_numbers() -> None:
    bare = Patch("shop.py", (Hunk("", "        # counting\n", 7),))
    assert "no context lines" in apply_changes((bare,), {"shop.py": CODE}).refused[0]
    confirmed = Patch("shop.py", (Hunk("", "    # counting\n", 7), Hunk("            result += 1\n",
                                                                       "            result += 2\n", 11)))
    out = (apply_changes((confirmed,), {"shop.py": CODE}).texts["shop.py"] or "").split("\n")
    assert out[7] == "    # counting" and out[8] == "    def count(self, items):"


def test_whole_files_elided_files_and_snippets() -> None:
    whole = WholeFile("shop.py", CODE.replace("item.price", "item.cost"))
    assert apply_changes((whole,), {"shop.py": CODE}).texts["shop.py"] == whole.text
    elided = WholeFile("shop.py", "class Shop:\n    # ... existing code ...\n    def count(self, items):\n"
                                  "        result = 1\n        # ... existing code ...\n")
    out = apply_changes((elided,), {"shop.py": CODE}).texts["shop.py"]
    assert out == CODE.replace("result = 0\n        for item in items:\n            result += 1",
                               "result = 1\n        for item in items:\n            result += 1")
    snippet = WholeFile("shop.py", "    def count(self, items):\n        return len(items)\n")
    long_code = CODE + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(12))
    out = apply_changes((snippet,), {"shop.py": long_code}).texts["shop.py"] or ""
    assert "        return len(items)\n\n\ndef f0" in out and "def total" in out and "def f11" in out


def test_a_snippet_that_starts_where_the_file_does_is_not_taken_for_the_whole_file() -> None:
    long_code = CODE + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(20))
    applied = apply_changes((WholeFile("shop.py", "class Shop:\n    pass\n\n\ndef f19():\n    return 19\n"),),
                            {"shop.py": long_code})
    assert not applied.texts and "delete most" in applied.refused[0]


def test_a_docstring_ellipsis_in_the_file_is_code_not_an_elision() -> None:
    doc = 'def f():\n    """Items:\n\n    ...\n    """\n    return 1\n'
    out = apply_changes((WholeFile("d.py", doc.replace("return 1", "return 2")),), {"d.py": doc}).texts["d.py"]
    assert out == doc.replace("return 1", "return 2")


def test_new_deleted_and_missing_files() -> None:
    reply = ("```diff\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x = 1\n--- a/shop.py\n+++ /dev/null\n"
             "@@ -1,12 +0,0 @@\n" + "".join("-" + line + "\n" for line in CODE.split("\n")[:-1]) + "```\n"
             "missing.py\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n")
    applied = apply_changes(parse_changes(reply), {"shop.py": CODE})
    assert applied.texts == {"new.py": "x = 1\n", "shop.py": None}
    assert applied.refused == ("missing.py: not a file of this edit (no such file)",)


def test_a_refused_change_leaves_its_whole_file_alone_and_the_others_apply() -> None:
    changes = (sr("        result = 0\n        for item in items:\n            result += item.price\n",
                  "        result = 0.0\n        for item in items:\n            result += item.price\n"),
               sr("        return result\n", "        return 0\n"),
               SearchReplace("b.py", "y = 1\n", "y = 2\n"))
    applied = apply_changes(changes, {"shop.py": CODE, "b.py": "y = 1\n"})
    assert applied.texts == {"b.py": "y = 2\n"}
    assert applied.refused == ("shop.py: the SEARCH text starting 'return result' matches 2 places (lines 6, 12)",)


def test_an_edit_that_breaks_the_syntax_is_named() -> None:
    broken = broken_syntax("shop.py", CODE, CODE.replace("def count(self, items):", "def count(self, items:"))
    assert broken and broken.startswith("shop.py: the edited file no longer parses (line ")
    assert broken_syntax("shop.py", CODE, CODE.replace("0", "1")) is None
    assert broken_syntax("notes.txt", "", "((") is None
