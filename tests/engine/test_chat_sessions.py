"""Chat sessions saved in .caret/chats/: continued by name, listed newest first, never indexed."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.chat_sessions import ChatSessionError, list_chat_sessions, load_chat_session, save_chat_session
from engine.session import Session


def test_a_session_round_trips_and_lists_newest_first(tmp_path: Path) -> None:
    assert load_chat_session(tmp_path, "new").messages == ()
    first = load_chat_session(tmp_path, "refactor").with_turn("How do I split  main()?", "Extract parse().")
    save_chat_session(tmp_path, first)
    later = load_chat_session(tmp_path, "bugs").with_turn("Why does it crash?", "A None.")
    save_chat_session(tmp_path, later)
    again = load_chat_session(tmp_path, "refactor")
    assert [(m.role, m.content) for m in again.messages] == [("user", "How do I split  main()?"),
                                                             ("assistant", "Extract parse().")]
    assert again.title == "How do I split main()?"
    assert [s.name for s in list_chat_sessions(tmp_path)] == ["bugs", "refactor"]


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", ""])
def test_a_name_that_is_not_a_plain_file_name_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ChatSessionError, match="chat session name"):
        load_chat_session(tmp_path, name)


def test_a_broken_session_file_is_one_line_and_skipped_by_the_list(tmp_path: Path) -> None:
    (tmp_path / ".caret" / "chats").mkdir(parents=True)
    (tmp_path / ".caret" / "chats" / "bad.json").write_text("{not json")
    with pytest.raises(ChatSessionError, match=r"\.caret/chats/bad\.json: cannot read"):
        load_chat_session(tmp_path, "bad")
    assert list_chat_sessions(tmp_path) == []


async def test_saved_chats_never_reach_the_index(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    save_chat_session(tmp_path, load_chat_session(tmp_path, "s").with_turn("q", "a"))
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"})
    try:
        assert session.workspace_files() == ["a.py"]
    finally:
        await session.aclose()
