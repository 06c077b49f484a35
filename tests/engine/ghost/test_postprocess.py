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


def test_a_closer_the_line_already_has_ends_the_suggestion() -> None:
    assert postprocess_ghost_text("a, b) + c", at("f(", ")")) == "a, b"


def test_a_closer_of_a_bracket_opened_in_the_suggestion_is_kept() -> None:
    assert postprocess_ghost_text("g(a), b", at("f(", ")")) == "g(a), b"


def test_a_closer_that_closes_nothing_is_cut() -> None:
    assert postprocess_ghost_text("a]", at("f(", ")")) == "a"


def test_brackets_inside_strings_do_not_count() -> None:
    assert postprocess_ghost_text("')' + x", at("f(", ")")) == "')' + x"


def test_the_cursor_inside_a_string_is_trimmed_of_the_retyped_quote() -> None:
    assert postprocess_ghost_text('name")', at('open("', '")')) == "name"


def test_a_looping_first_line_is_cut_where_the_loop_starts() -> None:
    assert postprocess_ghost_text("x = self.a.a.a.a.a.a", at("    ")) == "x = self"


def test_a_suggestion_that_only_loops_is_dropped() -> None:
    assert postprocess_ghost_text("foo foo foo foo foo", at("    ")) == ""


def test_repeated_digits_are_not_a_loop() -> None:
    assert postprocess_ghost_text("x = [0, 0, 0, 0, 0]", at("    ")) == "x = [0, 0, 0, 0, 0]"


def test_a_repeated_line_ends_the_suggestion() -> None:
    raw = "total += x\n    count += 1\n    total += x"
    assert postprocess_ghost_text(raw, at("    ")) == "total += x\n    count += 1"


def test_short_lines_may_recur() -> None:
    raw = "if a:\n        pass\n    if b:\n        pass"
    assert postprocess_ghost_text(raw, at("    ")) == raw


def test_retyping_a_line_further_below_ends_the_suggestion() -> None:
    following = ("    y = compute(x)", "    return y")
    assert postprocess_ghost_text("x = 1\n    return y", at("    ", following=following)) == "x = 1"


def test_on_a_blank_line_retyping_the_next_line_shows_nothing() -> None:
    assert postprocess_ghost_text("return value", at("    ", following=("    return value",))) == ""


def test_a_dedent_below_the_cursor_block_ends_the_suggestion() -> None:
    raw = "x = 1\n        y = 2\n    z = 3\nw = 4"
    assert postprocess_ghost_text(raw, at("        ")) == "x = 1\n        y = 2"
