"""parse_edit_reply on tricky replies."""

from __future__ import annotations

import pytest

from prompts import EditFormatError, SearchReplace, parse_edit_reply


def test_prose_around_one_block() -> None:
    assert parse_edit_reply("Sure!\n```py\na = 1\n```\nThis renames it.").replacement == "a = 1\n"


def test_crlf_reply() -> None:
    assert parse_edit_reply("```\r\na = 1\r\nb = 2\r\n```\r\n").replacement == "a = 1\nb = 2\n"


def test_empty_block_deletes_the_selection() -> None:
    assert parse_edit_reply("```python\n```").replacement == ""


def test_longer_outer_fence_keeps_inner_fences() -> None:
    reply = "````markdown\n# Title\n```python\nx = 1\n```\n````\n"
    assert parse_edit_reply(reply).replacement == "# Title\n```python\nx = 1\n```\n"


def test_nested_fence_with_info_string_inside_same_length_fence() -> None:
    reply = "```markdown\nText\n```python\nx = 1\n```\nMore\n```\n"
    assert parse_edit_reply(reply).replacement == "Text\n```python\nx = 1\n```\nMore\n"


def test_copied_line_numbers_are_removed() -> None:
    assert parse_edit_reply("```\n12 | a = 1\n13 |     b = 2\n```").replacement == "a = 1\n    b = 2\n"


def test_code_that_only_looks_numbered_in_places_is_kept() -> None:
    reply = "```\nx = a | b\n1 | 2\n```"
    assert parse_edit_reply(reply).replacement == "x = a | b\n1 | 2\n"


@pytest.mark.parametrize(("reply", "message"), [
    ("", "empty"),
    ("I would rename it.", "no fenced code block"),
    ("```python\nx = 1\n", "not closed"),
    ("```\na\n```\nand\n```\nb\n```", "2 code blocks"),
])
def test_malformed_replies_raise_one_line_errors(reply: str, message: str) -> None:
    with pytest.raises(EditFormatError, match=message) as err:
        parse_edit_reply(reply)
    assert "\n" not in str(err.value)


def test_search_replace_blocks_for_several_files() -> None:
    reply = (
        "I'll change both files.\n\nsrc/a.py\n```python\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n```\n"
        "\n`src/b.py`:\n<<<<<<< SEARCH\ndef f():\n    pass\n=======\ndef f():\n    return 1\n>>>>>>> REPLACE\r\n"
    )
    assert parse_edit_reply(reply).blocks == (
        SearchReplace("src/a.py", "x = 1\n", "x = 2\n"),
        SearchReplace("src/b.py", "def f():\n    pass\n", "def f():\n    return 1\n"),
    )


def test_search_replace_uses_default_path_when_none_named() -> None:
    reply = "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE"
    assert parse_edit_reply(reply, default_path="m.py").blocks == (SearchReplace("m.py", "a\n", "b\n"),)


@pytest.mark.parametrize(("reply", "message"), [
    ("f.py\n<<<<<<< SEARCH\na\n>>>>>>> REPLACE", "no ======= divider"),
    ("f.py\n<<<<<<< SEARCH\na\n=======\nb\n", "not closed"),
    ("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE", "which file"),
])
def test_malformed_search_replace(reply: str, message: str) -> None:
    with pytest.raises(EditFormatError, match=message):
        parse_edit_reply(reply)
