"""The ghost-text post-processor: plain strings in, plain strings out."""

from __future__ import annotations

from engine.ghost.postprocess import GhostTextContext, context_at, postprocess_ghost_text


def at(line_prefix: str, line_suffix: str = "", following: tuple[str, ...] = (), multiline: bool = True):
    return GhostTextContext(line_prefix, line_suffix, following, multiline)


def test_blank_output_shows_nothing() -> None:
    assert postprocess_ghost_text("  \n\n", at("    ")) == ""


def test_mid_line_keeps_one_line_and_drops_the_closers_already_there() -> None:
    assert postprocess_ghost_text("path)\n    more", at("open(", ")")) == "path"


def test_mid_line_drops_a_retyped_suffix() -> None:
    assert postprocess_ghost_text("a, b):", at("def f(", "):")) == "a, b"


def test_single_line_mode_keeps_the_first_line() -> None:
    assert postprocess_ghost_text("x = 1\ny = 2", at("    ", multiline=False)) == "x = 1"


def test_stops_at_a_blank_line() -> None:
    raw = "with open(path) as f:\n        return f.read()\n\ndef write_file(path, data"
    assert postprocess_ghost_text(raw, at("    ")) == "with open(path) as f:\n        return f.read()"


def test_stops_when_the_block_ends() -> None:
    raw = "return x\ndef other():\n    pass"
    assert postprocess_ghost_text(raw, at("    ")) == "return x"


def test_keeps_a_body_after_a_block_opener() -> None:
    raw = "\n    return x + 1\n"
    assert postprocess_ghost_text(raw, at("def inc(x):")) == "\n    return x + 1"


def test_stops_before_retyping_the_following_code() -> None:
    raw = "a = 1\n    b = 2\n    c = 3"
    assert postprocess_ghost_text(raw, at("    ", following=("    b = 2",))) == "a = 1"


def test_caps_the_number_of_lines() -> None:
    raw = "\n    ".join(f"x{i} = {i}" for i in range(20))
    ctx = GhostTextContext("    ", "", (), True, max_lines=3)
    assert postprocess_ghost_text(raw, ctx) == "x0 = 0\n    x1 = 1\n    x2 = 2"


def test_top_level_keeps_one_statement() -> None:
    assert postprocess_ghost_text("import sys\nimport re", at("")) == "import sys"


def test_crlf_is_normalised() -> None:
    assert postprocess_ghost_text("x = 1\r\n        y = 2", at("    ")) == "x = 1\n        y = 2"


def test_context_at_splits_the_cursor_line() -> None:
    ctx = context_at("a\nprint(x)\nb\n", 1, 6)
    assert (ctx.line_prefix, ctx.line_suffix, ctx.following_lines) == ("print(", "x)", ("b", ""))
