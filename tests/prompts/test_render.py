"""render: unit tests, and property tests against a direct transcription of Priompt's binary search."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.tokenizers import bpe_counter
from prompts import (
    BASE_PRIORITY,
    AssistantMessage,
    Empty,
    First,
    Isolate,
    Message,
    Node,
    PromptTooLarge,
    Scope,
    SystemMessage,
    UserMessage,
    render,
)
from tests.prompts.counters import four_chars_per_token
from tests.prompts.naive_priompt import naive_render

COUNT = four_chars_per_token


def words(n: int, tag: str = "w") -> str:
    return "".join(f"{tag}{i} " for i in range(n))


# --- unit tests --------------------------------------------------------------------------------------

def test_everything_fits_at_the_lowest_cutoff() -> None:
    r = render(Scope("a ", Scope("b ", p=1, label="b"), Scope("c", p=2, label="c")), 100, COUNT)
    assert (r.text, r.cutoff, [s.kept for s in r.scopes]) == ("a b c", 1, [True, True])


def test_lowest_priority_drops_first() -> None:
    tree = Scope(Scope(words(40), p=1, label="low"), Scope(words(40, "x"), p=2, label="high"))
    r = render(tree, COUNT(words(40, "x")) + 1, COUNT)
    assert {s.label: s.reason for s in r.scopes} == {"low": "below cutoff", "high": "kept"}
    assert r.text == words(40, "x")


def test_child_never_kept_without_its_parent() -> None:
    tree = Scope(Scope(words(30), Scope("kid", p=100, label="kid"), p=1, label="parent"), "tail")
    r = render(tree, COUNT("tail") + 2, COUNT)
    assert {s.label: s.reason for s in r.scopes} == {"parent": "below cutoff", "kid": "parent dropped"}


def test_relative_priority_adds_to_the_parent() -> None:
    tree = Scope(Scope("a" * 40, Scope("b" * 40, prel=-5, label="rel"), p=10, label="abs"))
    r = render(tree, COUNT("a" * 40), COUNT)
    assert (r.cutoff, r.text) == (10, "a" * 40)
    assert [s.priority for s in r.scopes] == [10, 5]


def test_unmarked_scope_inherits_and_is_kept_with_its_parent() -> None:
    r = render(Scope(Scope("x", label="plain")), 5, COUNT)
    assert r.scopes[0].priority == BASE_PRIORITY and r.scopes[0].kept


def test_first_picks_the_richest_alternative_that_fits() -> None:
    whole, outline, path = words(100), words(10, "o"), "path.py"
    tree = First(Scope(whole, p=1, label="whole"), Scope(outline, p=2, label="outline"),
                 Scope(path, p=3, label="path"))
    reasons = {b: {s.label: s.reason for s in render(tree, b, COUNT).scopes}
               for b in (COUNT(path), COUNT(outline), COUNT(whole))}
    assert reasons[COUNT(whole)] == {"whole": "kept", "outline": "First: earlier alternative chosen",
                                     "path": "First: earlier alternative chosen"}
    assert reasons[COUNT(outline)]["outline"] == "kept"
    assert reasons[COUNT(outline)]["whole"] == "First: later alternative chosen"
    assert reasons[COUNT(path)]["path"] == "kept"


def test_empty_reserves_room() -> None:
    tree = Scope(Scope(words(20), p=1), "q", Empty(50))
    r = render(tree, 50 + COUNT("q"), COUNT)
    assert (r.text, r.tokens_reserved, r.total_tokens) == ("q", 50, 51)


def test_too_large_base_raises_one_line() -> None:
    with pytest.raises(PromptTooLarge) as err:
        render(Scope(words(100), Empty(10)), 20, COUNT)
    assert "\n" not in str(err.value) and err.value.budget == 20 and err.value.reserved == 10


def test_chat_counts_message_overhead() -> None:
    count = bpe_counter()
    tree = [SystemMessage("You help."), UserMessage("Hi there"), AssistantMessage("Hello")]
    r = render(tree, 1000, count)
    assert r.messages == [Message("system", "You help."), Message("user", "Hi there"),
                          Message("assistant", "Hello")]
    assert r.tokens == sum(count(m.content) + 4 for m in r.messages) + 3


def test_chat_message_inside_scope_drops_whole() -> None:
    tree = [SystemMessage("sys"), Scope(UserMessage(words(50)), p=1, label="old"), UserMessage("new")]
    r = render(tree, 30, COUNT)
    assert [m.content for m in r.messages] == ["sys", "new"]


def test_text_outside_messages_is_refused() -> None:
    with pytest.raises(ValueError, match="outside its messages"):
        render([SystemMessage("a"), "stray"], 100, COUNT)


def test_nested_messages_are_refused() -> None:
    with pytest.raises(ValueError, match="nested"):
        render(UserMessage(UserMessage("a")), 100, COUNT)


def test_p_and_prel_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        Scope("a", p=1, prel=2)


def test_first_takes_scopes_only() -> None:
    with pytest.raises(TypeError):
        First("text")  # type: ignore[arg-type]


def test_isolate_keeps_its_own_budget() -> None:
    inner = [Scope(words(30), p=1, label="inner-low"), "inner-kept "]
    alone = render(inner, 10, COUNT).text
    r = render(Scope(Isolate(10, *inner, label="iso"), words(5, "t")), 100, COUNT)
    assert r.text == alone + words(5, "t")
    assert {s.label: s.kept for s in r.scopes} == {"iso": True, "inner-low": False}


def test_exact_count_is_of_the_joined_text() -> None:
    count = bpe_counter()
    tree = Scope(*(Scope(f"tok{i} ", p=i) for i in range(50)))
    r = render(tree, 40, count)
    assert r.tokens == count(r.text) <= 40


# --- property tests ------------------------------------------------------------------------------------

TEXT = st.sampled_from(["a", "bb ", "ccc\n", "def f():\n", "    return 1\n", " x", "\n\n", "yy", "zzzz zzzz "])
PRIO = st.sampled_from([1, 2, 3, 5, 8, 13, 21])
PREL = st.sampled_from([-3, -1, 0, 1])
_labels = iter(range(10**9))


def _scope(children: list[Node], p: int | None, prel: int | None) -> Scope:
    return Scope(*children, p=p, prel=None if p is not None else prel, label=f"s{next(_labels)}")


def trees(with_first: bool = True, with_isolate: bool = False) -> st.SearchStrategy[Node]:
    def extend(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        scope = st.builds(_scope, st.lists(inner, max_size=4), st.one_of(st.none(), PRIO), st.one_of(st.none(), PREL))
        options = [scope]
        if with_first:
            options.append(st.builds(lambda alts: First(*alts), st.lists(scope, min_size=1, max_size=3)))
        if with_isolate:
            options.append(st.builds(lambda b, kids: Isolate(b, *kids, p=7), st.integers(5, 30),
                                     st.lists(inner, max_size=3)))
        return st.one_of(*options)

    leaf = st.one_of(TEXT, st.builds(Empty, st.integers(0, 3)))
    return st.recursive(leaf, extend, max_leaves=24)


def _naive_or_error(tree: list[Node], budget: int, count) -> tuple[object, ...] | None:
    try:
        return naive_render(tree, budget, count)
    except PromptTooLarge:
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.lists(trees(with_isolate=True), min_size=1, max_size=4), budget=st.integers(0, 60))
def test_same_result_as_priompt_search(tree: list[Node], budget: int) -> None:
    expected = _naive_or_error(tree, budget, COUNT)
    if expected is None:
        with pytest.raises(PromptTooLarge):
            render(tree, budget, COUNT)
        return
    r = render(tree, budget, COUNT)
    assert (r.text, r.tokens, r.tokens_reserved, r.cutoff) == expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.lists(trees(), min_size=1, max_size=4), budget=st.integers(0, 60))
def test_same_result_as_priompt_search_with_bpe(tree: list[Node], budget: int) -> None:
    count = bpe_counter()
    expected = _naive_or_error(tree, budget, count)
    if expected is None:
        with pytest.raises(PromptTooLarge):
            render(tree, budget, count)
        return
    r = render(tree, budget, count)
    assert (r.text, r.tokens, r.tokens_reserved, r.cutoff) == expected


@settings(max_examples=200, deadline=None)
@given(tree=trees(), budget=st.integers(0, 80))
def test_never_over_budget_and_cutoff_respected(tree: Node, budget: int) -> None:
    try:
        r = render(tree, budget, COUNT)
    except PromptTooLarge as err:
        assert err.tokens + err.reserved > budget
        return
    assert r.tokens + r.tokens_reserved <= budget
    assert r.tokens == COUNT(r.text or "")
    for s in r.scopes:
        assert s.kept == (s.reason == "kept")
        if s.kept:
            assert s.priority >= r.cutoff
        if s.reason == "below cutoff":
            assert s.priority < r.cutoff


@settings(max_examples=200, deadline=None)
@given(tree=trees(with_first=False), b1=st.integers(0, 80), extra=st.integers(0, 40))
def test_larger_budget_never_keeps_less(tree: Node, b1: int, extra: int) -> None:
    try:
        small = render(tree, b1, COUNT)
    except PromptTooLarge:
        return
    large = render(tree, b1 + extra, COUNT)
    kept_small = {s.label for s in small.scopes if s.kept}
    kept_large = {s.label for s in large.scopes if s.kept}
    assert kept_small <= kept_large
    assert large.cutoff <= small.cutoff


@settings(max_examples=150, deadline=None)
@given(stable=st.lists(trees(with_first=True), max_size=3), rest=st.lists(trees(), max_size=3),
       rest2=st.lists(trees(), max_size=3), budget=st.integers(40, 120))
def test_isolate_text_does_not_depend_on_the_rest(stable: list[Node], rest: list[Node], rest2: list[Node],
                                                 budget: int) -> None:
    def rendered_with(others: list[Node]) -> str | None:
        tree = [Isolate(30, *stable), Scope(*others, p=1)]
        try:
            return render(tree, budget, COUNT).text
        except PromptTooLarge:
            return None

    try:
        alone = render(list(stable), 30, COUNT).text or ""
    except PromptTooLarge:
        return
    for text in (rendered_with(rest), rendered_with(rest2)):
        if text is not None:
            assert text.startswith(alone)


def _message(role: str, children: list[Node]) -> Node:
    return {"system": SystemMessage, "user": UserMessage, "assistant": AssistantMessage}[role](*children)


def chat_trees() -> st.SearchStrategy[list[Node]]:
    message = st.builds(_message, st.sampled_from(["system", "user", "assistant"]),
                        st.lists(trees(with_isolate=True), max_size=3))
    wrapped = st.one_of(message, st.builds(lambda m, p: Scope(m, p=p, label=f"m{next(_labels)}"), message, PRIO))
    return st.lists(st.one_of(wrapped, st.builds(Empty, st.integers(0, 5))), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=chat_trees(), budget=st.integers(0, 90))
def test_chat_same_result_as_priompt_search(tree: list[Node], budget: int) -> None:
    expected = _naive_or_error(tree, budget, COUNT)
    if expected is None:
        with pytest.raises(PromptTooLarge):
            render(tree, budget, COUNT)
        return
    r = render(tree, budget, COUNT)
    got = [(m.role, m.content) for m in r.messages] if r.messages else (r.text or "")
    want = expected[0] if expected[0] != [] else ""
    assert (got, r.tokens, r.tokens_reserved, r.cutoff) == (want, *expected[1:])
