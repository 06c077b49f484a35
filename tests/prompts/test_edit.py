"""The inline-edit template: numbered selection, reply format, surrounding lines fade with distance."""

from __future__ import annotations

from prompts import (
    ContextItem,
    ContextKind,
    EditPromptInput,
    edit_prompt,
    parse_edit_reply,
    render,
)
from tests.prompts.counters import four_chars_per_token

BEFORE = "".join(f"line_{i} = {i}\n" for i in range(100))
AFTER = "".join(f"after_{i} = {i}\n" for i in range(100))


def req(**kw: object) -> EditPromptInput:
    base = {"path": "m.py", "instruction": "Rename x to y", "selection": "x = 1\nprint(x)\n",
            "selection_start": 100, "before": BEFORE, "after": AFTER}
    return EditPromptInput(**{**base, **kw})  # type: ignore[arg-type]


def user_text(r: EditPromptInput, budget: int) -> str:
    out = render(edit_prompt(r), budget, four_chars_per_token).messages
    assert out is not None
    return out[-1].content


def test_selection_is_numbered_and_reply_format_given() -> None:
    text = user_text(req(), 10_000)
    assert "101 | x = 1\n102 | print(x)\n" in text
    assert "lines 101-102" in text and "Rename x to y" in text


def test_nearby_lines_kept_far_lines_dropped() -> None:
    text = user_text(req(), 2600)
    assert "100 | line_99 = 99" in text and "103 | after_0 = 0" in text
    assert "line_0 = 0" not in text


def test_rules_go_to_the_system_message_and_definitions_to_context() -> None:
    rule = ContextItem("AGENTS.md", "No globals.", ContextKind.RULE)
    definition = ContextItem("lib.py", "def compute(): ...\n", ContextKind.DEFINITION, range=(0, 1))
    out = render(edit_prompt(req(items=(rule, definition))), 10_000, four_chars_per_token).messages
    assert out is not None and "No globals." in out[0].content and "def compute()" in out[1].content


def test_multi_file_asks_for_search_replace_blocks() -> None:
    assert "<<<<<<< SEARCH" in user_text(req(multi_file=True), 10_000)


def test_a_reply_in_the_asked_format_parses_back() -> None:
    reply = "Here you go:\n```python\ny = 1\nprint(y)\n```\n"
    assert parse_edit_reply(reply).replacement == "y = 1\nprint(y)\n"


def test_empty_selection_asks_for_an_insertion() -> None:
    text = user_text(req(selection=""), 10_000)
    assert "text to insert" in text and "(at line 101)" in text
