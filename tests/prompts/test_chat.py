"""The chat template: what is always kept, what drops first, files as whole/outline/path."""

from __future__ import annotations

from prompts import ChatPromptInput, ContextItem, ContextKind, Message, chat_prompt, render
from tests.prompts.counters import four_chars_per_token

RULE = ContextItem("AGENTS.md", "Always use type hints.", ContextKind.RULE)


def big(n: int, tag: str) -> str:
    return "".join(f"{tag}_{i} = {i}\n" for i in range(n))


def rendered(req: ChatPromptInput, budget: int):
    return render(chat_prompt(req), budget, four_chars_per_token)


def base_tokens(question: str = "Q") -> int:
    """What the prompt costs with no context: system prompt, question, message overhead."""
    return rendered(ChatPromptInput(question=question, answer_tokens=0), 10**6).tokens


def block_tokens(item: ContextItem) -> int:
    return four_chars_per_token(item.text) + 20  # title, fence and spacing


def test_system_rules_and_question_always_kept() -> None:
    req = ChatPromptInput(question="Why?", items=(RULE, ContextItem("a.py", big(500, "a"), ContextKind.RETRIEVED,
                                                                   range=(0, 500))))
    r = rendered(req, 1200)
    assert r.messages is not None
    assert r.messages[0].role == "system" and "Always use type hints." in r.messages[0].content
    assert r.messages[-1].content.endswith("Why?")
    assert "a_0 = 0" not in r.messages[-1].content


def test_answer_room_is_reserved() -> None:
    r = rendered(ChatPromptInput(question="Q", answer_tokens=700), 1000)
    assert r.tokens_reserved == 700 and r.total_tokens <= 1000


def test_older_history_turns_drop_first() -> None:
    history = tuple(m for t in range(6) for m in (Message("user", big(20, f"q{t}")),
                                                   Message("assistant", big(20, f"a{t}"))))
    r = rendered(ChatPromptInput(question="Now?", history=history, answer_tokens=0), 400)
    assert r.messages is not None
    contents = "".join(m.content for m in r.messages)
    kept_turns = [t for t in range(6) if f"q{t}_0" in contents]
    assert kept_turns and kept_turns == list(range(6 - len(kept_turns), 6)) and len(kept_turns) < 6
    assert r.messages[-1].content == "Now?"


def test_long_file_falls_back_to_outline_then_path() -> None:
    file_ = ContextItem("src/big.py", big(400, "b"), ContextKind.MENTION)
    outline = ContextItem("src/big.py", "def main(): ...\n", ContextKind.REPO_MAP)
    req = ChatPromptInput(question="Explain", items=(file_, outline), answer_tokens=0)
    base = base_tokens("Explain") + 10  # + the section title
    whole = rendered(req, 20_000).messages[-1].content
    small = rendered(req, base + block_tokens(outline) + 5).messages[-1].content
    tiny = rendered(req, base + 12).messages[-1].content
    assert "b_399 = 399" in whole and "def main(): ..." not in whole
    assert "def main(): ..." in small and "b_0 = 0" not in small
    assert "src/big.py (content left out)" in tiny and "def main" not in tiny


def test_higher_item_priority_kept_first_within_a_kind() -> None:
    items = tuple(ContextItem(f"s{i}.py", big(30, f"s{i}"), ContextKind.RETRIEVED, range=(0, 30), priority=i)
                  for i in range(4))
    budget = base_tokens() + 10 + block_tokens(items[0]) * 3 // 2
    text = rendered(ChatPromptInput(question="Q", items=items, answer_tokens=0), budget).messages[-1].content
    assert [i for i in range(4) if f"s{i}_0 = 0" in text] == [3]


def test_mentions_outrank_retrieved_snippets() -> None:
    mention = ContextItem("docs/api.md", big(30, "m"), ContextKind.MENTION, range=(0, 30))
    snippet = ContextItem("x.py", big(30, "r"), ContextKind.RETRIEVED, range=(0, 30))
    budget = base_tokens() + 10 + block_tokens(mention) * 3 // 2
    text = rendered(ChatPromptInput(question="Q", items=(snippet, mention), answer_tokens=0), budget
                    ).messages[-1].content
    assert "m_0 = 0" in text and "r_0 = 0" not in text


def test_report_labels_name_kind_and_place() -> None:
    item = ContextItem("a.py", "x = 1\n", ContextKind.DEFINITION, range=(4, 5), source="jedi")
    r = rendered(ChatPromptInput(question="Q", items=(item,)), 2000)
    assert [(s.label, s.kept) for s in r.scopes] == [("definition: a.py:5-5", True)]
