"""Token healing backs the prompt up over the space before the cursor's word: a prompt ending in a lone space makes a
small base model answer "0" after `return ` (bench/ghost_quality.py), where tokenizers join the space to the word."""

from __future__ import annotations

from engine.ghost.policy import heal, healed_span


def test_the_space_after_a_keyword_or_operator_is_backed_over() -> None:
    assert healed_span("        return ", "") == " "
    assert healed_span("    x = ", "") == " "
    assert healed_span("f(a, ", ")") == " "
    assert heal(" bound2", healed_span("        return ", "")).text == "bound2"


def test_the_space_before_a_partial_word_goes_with_it() -> None:
    assert healed_span("return bou", "") == " bou"
    assert healed_span("x = foo_ba", ")") == " foo_ba"
    assert heal(" bound2", " bou").text == "nd2" and heal(" result", " bou").rejected


def test_indentation_and_other_cursors_are_left_alone() -> None:
    assert healed_span("    pri", "") == "pri"  # indentation is one token of its own
    assert healed_span("    ", "") == "" and healed_span(" ", "") == ""
    assert healed_span("x =  ", "") == ""  # two spaces: no word follows them as one token
    assert healed_span("print(", "") == "" and healed_span("return pr", "int") == ""
