"""The open file in a chat prompt: whole when it fits, else the cursor window, else its outline, else its path; the
selection is always its own block."""

from __future__ import annotations

from prompts import ChatPromptInput, ContextItem, ContextKind, chat_prompt, render
from prompts.chat import SELECTION_SOURCE
from tests.prompts.counters import four_chars_per_token

BODY = "\n".join(f"    total += step_{i}(value)" for i in range(400))
TEXT = f"def compute(value):\n    total = 0\n{BODY}\n    return total\n"
ITEMS = (
    ContextItem("calc.py", TEXT, ContextKind.OPEN_FILE, source="editor"),
    ContextItem("calc.py", "    total += step_200(value)\n    total += step_201(value)", ContextKind.CURSOR_WINDOW,
                range=(202, 204), source="editor"),
    ContextItem("calc.py", "1: def compute(value)", ContextKind.REPO_MAP, source="tree-sitter"),
    ContextItem("calc.py", "    total += step_201(value)", ContextKind.CURSOR_WINDOW, range=(203, 204),
                source=SELECTION_SOURCE, label="selected: calc.py:204-204"),
)


def prompt(budget: int) -> str:
    req = ChatPromptInput("what does line 204 do?", ITEMS, answer_tokens=50)
    rendered = render(chat_prompt(req), budget, four_chars_per_token)
    return "\n".join(m.content for m in rendered.messages or ())


def test_the_whole_file_when_it_fits() -> None:
    text = prompt(20000)
    assert "step_399" in text and "(outline)" not in text and "selected: calc.py:204-204" in text


def test_the_cursor_window_when_the_file_does_not_fit() -> None:
    text = prompt(400)
    assert "step_399" not in text and "calc.py:203-204" in text and "selected: calc.py:204-204" in text


def test_the_outline_when_not_even_the_window_fits() -> None:
    text = prompt(180)
    assert "step_200" not in text and "1: def compute(value)" in text and "selected: calc.py:204-204" in text
    assert "calc.py (content left out)" in prompt(150)
