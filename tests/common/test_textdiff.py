"""The one text differ: the span it reports turns old into new, and it is as small as it can be."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from common.textdiff import changed_span

# A small alphabet makes shared prefixes, suffixes and overlaps (the hard cases) common.
_texts = st.text(alphabet="ab\n\ré", max_size=30)


@given(_texts, _texts)
def test_replacing_the_span_turns_old_into_new(old: str, new: str) -> None:
    start, old_end, new_end = changed_span(old, new)
    assert 0 <= start <= old_end <= len(old)
    assert start <= new_end <= len(new)
    assert old[:start] + new[start:new_end] + old[old_end:] == new


@given(_texts, _texts)
def test_the_span_is_minimal(old: str, new: str) -> None:
    start, old_end, new_end = changed_span(old, new)
    # The prefix is the whole common prefix: the next characters differ (or one text ends there).
    assert start == min(len(old), len(new)) or old[start] != new[start]
    # The suffix is the longest one that leaves the prefix alone.
    suffix = len(old) - old_end
    assert suffix == len(new) - new_end
    can_grow = suffix < min(len(old), len(new)) - start
    assert not can_grow or old[old_end - 1] != new[new_end - 1]


@given(st.binary(max_size=40), st.binary(max_size=40))
def test_bytes_work_like_text(old: bytes, new: bytes) -> None:
    start, old_end, new_end = changed_span(old, new)
    assert old[:start] + new[start:new_end] + old[old_end:] == new


@given(st.lists(st.sampled_from(["a", "b", ""]), max_size=12), st.lists(st.sampled_from(["a", "b", ""]), max_size=12))
def test_lists_of_lines_work_like_text(old: list[str], new: list[str]) -> None:
    start, old_end, new_end = changed_span(old, new)
    assert old[:start] + new[start:new_end] + old[old_end:] == new


def test_examples() -> None:
    assert changed_span("same", "same") == (4, 4, 4)
    assert changed_span("", "") == (0, 0, 0)
    assert changed_span("abc", "aXc") == (1, 2, 2)
    assert changed_span("aaa", "aa") == (2, 3, 2)  # the prefix wins; the suffix may not overlap it
    assert changed_span(b"x = 1\n", b"x = 12\n") == (5, 5, 6)
    assert changed_span(["a", "b", "c"], ["a", "c"]) == (1, 2, 1)


def test_one_change_in_a_large_buffer() -> None:
    old = "x" * 5_000_000
    new = old[:2_500_000] + "y" + old[2_500_000:]
    assert changed_span(old, new) == (2_500_000, 2_500_000, 2_500_001)
