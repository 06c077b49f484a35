"""Pure ghost-text policy: when to ask, cached answers and type-through, token healing."""

from __future__ import annotations

from engine.ghost.policy import CompletionCache, heal, may_suggest_mid_line, partial_word


def test_mid_line_only_before_closers() -> None:
    assert may_suggest_mid_line("") and may_suggest_mid_line(")") and may_suggest_mid_line("\")]  ")
    assert may_suggest_mid_line("):") and not may_suggest_mid_line("x + 1") and not may_suggest_mid_line("(a)")


def test_return_typed_before_existing_code_is_not_asked() -> None:
    assert not may_suggest_mid_line("value")  # "    return |value": Tab would insert into the code


def test_partial_word_at_the_cursor() -> None:
    assert partial_word("    pri", "") == "pri" and partial_word("x = foo_ba", ")") == "foo_ba"
    assert partial_word("    ", "") == "" and partial_word("print(", "") == "" and partial_word("pr", "int") == ""


def test_heal_strips_the_typed_word_or_rejects() -> None:
    assert heal("print(x)", "pri").text == "nt(x)"
    assert heal("pr", "pri").pending and heal("return", "pri").rejected


def test_cache_answers_repeats_and_type_through() -> None:
    cache = CompletionCache()
    cache.put("a.py", "x = ", "\n", "compute(1)")
    assert cache.get("a.py", "x = ", "\n") == "compute(1)"
    assert cache.get("a.py", "x = comp", "\n") == "ute(1)"
    assert cache.get("a.py", "x = cx", "\n") is None and cache.get("a.py", "x = comp", "y") is None
    assert cache.get("a.py", "x = compute(1)", "\n") is None  # typed it all: ask anew


def test_cache_forgets_the_oldest() -> None:
    cache = CompletionCache(size=2)
    for i in range(3):
        cache.put("a.py", str(i), "", "z")
    assert cache.get("a.py", "0", "") is None and cache.get("a.py", "2", "") == "z"


def test_heal_keeps_a_new_line_after_a_complete_word_at_the_end_of_the_line() -> None:
    # "    # output the literal text|": backed off to "literal ", the model ended the line: the word stands.
    assert heal("\n            if x:", "text", line_end=True).text == "\n            if x:"
    assert heal("\n            if x:", "text").rejected  # mid-line, the word must be retyped
    assert heal("texture", "text", line_end=True).text == "ure" and heal("tax", "text", line_end=True).rejected


def test_the_space_healing_backed_over_is_optional() -> None:
    assert heal(" 2)", " ").text == "2)" and heal("2)", " ").text == "2)"  # "add(1, |": both mean "add(1, 2)"
    assert heal(" bound", " bou").text == "nd" and heal("bound", " bou").text == "nd"
    assert heal("b", " bou").pending and heal("x", " bou").rejected and heal("", " bou").pending
