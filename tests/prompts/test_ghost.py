"""Ghost-text prompts: each layout's exact text, stable prefix across keystrokes, what drops first."""

from __future__ import annotations

import pytest

from models.tokenizers import bpe_counter
from prompts import FIM_FORMATS, ContextItem, ContextKind, GhostPromptInput, ghost_prompt, render
from prompts.ghost import HOLE
from tests.prompts.counters import four_chars_per_token

PREFIX = "import os\n\n\ndef add(a, b):\n    return "
SUFFIX = "\n\nprint(add(1, 2))\n"


def req(**kw: object) -> GhostPromptInput:
    base = {"path": "src/calc.py", "language": "python", "prefix": PREFIX, "suffix": SUFFIX}
    return GhostPromptInput(**{**base, **kw})  # type: ignore[arg-type]


def text_of(r: GhostPromptInput, budget: int = 4000) -> str:
    out = render(ghost_prompt(r), budget, four_chars_per_token).text
    assert out is not None
    return out


def documented(fmt: str, p: str, s: str) -> str:
    """Each format's template as its model documents it (prefix p, suffix s)."""
    return {
        "starcoder": f"<fim_prefix>{p}<fim_suffix>{s}<fim_middle>",
        "santacoder": f"<fim-prefix>{p}<fim-suffix>{s}<fim-middle>",
        "qwen": f"<|fim_prefix|>{p}<|fim_suffix|>{s}<|fim_middle|>",
        "codellama": f"<PRE> {p} <SUF>{s} <MID>",
        "deepseek": f"<｜fim▁begin｜>{p}<｜fim▁hole｜>{s}<｜fim▁end｜>",
        "codestral": f"[SUFFIX]{s}[PREFIX]{p}",
        "codegemma": f"<|fim_prefix|>{p}<|fim_suffix|>{s}<|fim_middle|>",
    }[fmt]


@pytest.mark.parametrize("fmt", FIM_FORMATS)
def test_fim_layout_is_the_documented_template(fmt: str) -> None:
    assert text_of(req(fim_format=fmt)) == documented(fmt, "# src/calc.py\n" + PREFIX, SUFFIX)


def test_prefix_only_has_the_path_comment_then_the_file() -> None:
    assert text_of(req()) == "# src/calc.py\n" + PREFIX
    ts = req(path="web/app.ts", language="typescript", prefix="const x = ")
    assert text_of(ts) == "// web/app.ts\nconst x = "


def test_qwen_uses_repo_level_form_with_other_files() -> None:
    other = ContextItem("src/util.py", "def helper():\n    pass\n", ContextKind.RETRIEVED)
    out = text_of(req(fim_format="qwen", items=(other,), repo_name="calc"))
    assert out == ("<|repo_name|>calc\n<|file_sep|>src/util.py\ndef helper():\n    pass\n"
                   f"<|file_sep|>src/calc.py\n<|fim_prefix|>{PREFIX}<|fim_suffix|>{SUFFIX}<|fim_middle|>")


def test_rules_and_context_come_first_as_comments() -> None:
    rule = ContextItem(".caret/rules/py.md", "Prefer pathlib.", ContextKind.RULE)
    chunk = ContextItem("src/util.py", "def helper(): ...\n", ContextKind.RETRIEVED)
    out = text_of(req(rules=(rule,), items=(chunk,)))
    assert out.index("# Prefer pathlib.") < out.index("# Path: src/util.py") < out.index("# src/calc.py")
    assert out.endswith(PREFIX)


@pytest.mark.parametrize("fmt", [None, "starcoder", "qwen", "deepseek"])
def test_next_keystroke_shares_the_whole_previous_prefix(fmt: str | None) -> None:
    chunk = ContextItem("src/util.py", "def helper(): ...\n", ContextKind.RETRIEVED)
    one = text_of(req(fim_format=fmt, items=(chunk,)))
    two = text_of(req(fim_format=fmt, items=(chunk,), prefix=PREFIX + "a"))
    cursor = one.index("return ") + len("return ")
    shared = next((i for i, (x, y) in enumerate(zip(one, two, strict=False)) if x != y), min(len(one), len(two)))
    assert shared == cursor


def test_stable_part_stays_identical_when_the_window_moves() -> None:
    lines = [f"value_{i} = compute({i})\n" for i in range(400)]
    rule = ContextItem("AGENTS.md", "Use type hints.", ContextKind.RULE)
    chunks = tuple(ContextItem(f"src/m{i}.py", f"def m{i}(): ...\n" * 5, ContextKind.RETRIEVED, priority=i)
                   for i in range(30))
    count = bpe_counter()

    def at(cursor_line: int) -> str:
        r = req(fim_format="starcoder", rules=(rule,), items=chunks, stable_tokens=400,
                prefix="".join(lines[:cursor_line]), suffix="".join(lines[cursor_line:]))
        out = render(ghost_prompt(r), 1200, count).text
        assert out is not None
        return out

    a, b = at(250), at(300)
    head = "".join(lines[:20])
    stable_a = a[: a.index(head) + len(head)]
    assert b.startswith(stable_a)  # rules, the chunks that fit, path and file head: the same text
    assert "Use type hints." in stable_a and "value_249 = compute(249)\n" in a


def test_lines_far_from_the_cursor_drop_first() -> None:
    lines = [f"line_{i} = {i}\n" for i in range(300)]
    r = req(prefix="".join(lines), suffix="".join(lines), head_lines=0)
    out = render(ghost_prompt(r), 200, four_chars_per_token).text
    assert out is not None
    assert "line_299 = 299\n" in out and "line_0 = 0\n" not in out
    assert out.endswith("line_299 = 299\n")


def test_chat_only_asks_to_fill_the_hole() -> None:
    out = render(ghost_prompt(req(chat_only=True)), 4000, four_chars_per_token)
    assert out.messages is not None and [m.role for m in out.messages] == ["system", "user"]
    user = out.messages[1].content
    assert f"{PREFIX}{HOLE}{SUFFIX}" in user and "src/calc.py" in user


def test_typing_on_keeps_the_prompt_prefix_in_a_file_over_the_budget() -> None:
    """The window is dropped in aligned blocks, so the next keystroke's prompt extends the previous one (the
    model's KV cache covers everything but the new tail) even when the file does not fit."""
    from prompts import GhostPromptInput, ghost_prompt, render

    lines = [f"    value_{i} = compute(value_{i - 1}, {i})" for i in range(600)]
    def prompt_at(row: int, typed: str) -> str:
        prefix = "\n".join(lines[:row]) + "\n" + typed
        tree = ghost_prompt(GhostPromptInput(path="m.py", language="python", prefix=prefix, suffix=""))
        return render(tree, 1024, four_chars_per_token).text or ""

    before = prompt_at(300, "    res")
    after = prompt_at(300, "    result = ")
    assert after.startswith(before[: -len("    res")])
    next_line = prompt_at(301, "    x")
    assert next_line.startswith(before[: -len("    res")])
    assert len(before) < len("\n".join(lines[:300]))  # the file really was over the budget


def test_prefix_only_layout_shows_the_lines_after_the_cursor_at_the_end_of_its_stable_part() -> None:
    out = text_of(req(after="print(add(1, 2))"))
    assert out.endswith("# After the cursor:\n# print(add(1, 2))\n" + PREFIX)
    assert "After the cursor" not in text_of(req(after="print(add(1, 2))", fim_format="starcoder"))  # its own slot


def test_definitions_are_kept_before_retrieved_chunks_when_the_stable_part_is_short() -> None:
    retrieved = ContextItem(path="b.py", text="y = 2\n" * 30, kind=ContextKind.RETRIEVED, priority=50.0)
    definition = ContextItem(path="a.py", text="def add(a, b):", kind=ContextKind.DEFINITION)
    out = text_of(req(items=(retrieved, definition), stable_tokens=40))
    assert "# def add(a, b):" in out and "y = 2" not in out
