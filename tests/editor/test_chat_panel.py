"""The chat panel through Pilot, against a scripted OpenAI-compatible server: the user's turns, Markdown streamed,
Stop, Apply through the diff review, new chat and reopening a saved one, and the selection sent as context."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Select
from textual.widgets.text_area import Selection

from editor.app import CaretApp
from editor.chat_flow import selected_lines
from editor.chat_panel import AnswerView, ChatPanel
from editor.code_view import CodeView
from editor.inline_edit import DiffReview
from editor.mention_picker import MentionPicker
from engine.chat_sessions import list_chat_sessions
from engine.session import Session
from tests.editor.pilot import wait_for
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

SOURCE = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"


def make_app(tmp_path: Path, server: ScriptedServer) -> tuple[CaretApp, Path]:
    path = tmp_path / "calc.py"
    path.write_text(SOURCE)
    flags = {"completion.enabled": "false", "lsp.enabled": "false", "models.chat.provider": "openai",
             "models.chat.base_url": server.url, "models.chat.model": "scripted", "models.chat.context_window": "4096"}
    return CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=path), path


async def ask(app: CaretApp, pilot: Pilot[None], question: str) -> None:
    panel = app.query_one(ChatPanel)
    panel.query_one("#question").focus()
    await pilot.press(*question, "enter")


def test_selected_lines() -> None:
    assert selected_lines(Selection((2, 3), (2, 3))) is None
    assert selected_lines(Selection((0, 0), (2, 0))) == (0, 2)  # ends at column 0: line 2 not included
    assert selected_lines(Selection((3, 4), (1, 2))) == (1, 4)  # backwards selections too


async def test_the_answer_streams_as_markdown_after_the_question(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.add(Reply(events=chat_events(["# Adds\n\n", "It **adds** two ", "numbers."])))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        await ask(app, pilot, "what does add do?")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
        panel = app.query_one(ChatPanel)
        text = panel.transcript.text
        assert "**You:**" in text and "> what does add do?" in text
        assert text.index("what does add do?") < text.index("It **adds** two numbers.")
        answer = panel.transcript.query_one(AnswerView)
        await pilot.pause()
        assert "It **adds** two numbers." in answer.query_one(Markdown).source
        assert not answer.has_class("-applicable")  # no file edit in it: no Apply
        # the turn is saved and listed
        saved = list_chat_sessions(tmp_path)
        assert [m.content for m in saved[0].messages] == ["what does add do?", "# Adds\n\nIt **adds** two numbers."]


async def test_escape_stops_a_streaming_answer(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["partial ", "answer", " never"]), stall_after=2))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        await ask(app, pilot, "explain")
        panel = app.query_one(ChatPanel)
        assert await wait_for(lambda: panel.streaming and "partial" in panel.transcript.text, pilot, 20)
        await pilot.press("escape")
        assert await wait_for(lambda: not panel.streaming and len(app._history) == 2, pilot, 10)
        assert app._history[1].content == "partial "
        assert "stopped" in str(app.query_one("#status").render())


async def test_apply_opens_the_review_and_writes_only_when_accepted(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    reply = "Like this:\n\ncalc.py\n```python\n<<<<<<< SEARCH\ndef add(a, b):\n=======\n" \
            "def add(a: int, b: int) -> int:\n>>>>>>> REPLACE\n```\n"
    scripted_server.add(Reply(events=chat_events([reply])))
    app, path = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        await ask(app, pilot, "add type hints")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
        answer = app.query_one(ChatPanel).transcript.query_one(AnswerView)
        assert await wait_for(lambda: answer.has_class("-applicable"), pilot)
        await pilot.click(answer.query_one(".apply"))
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot)
        assert "+def add(a: int, b: int) -> int:" in app.screen.query_one("#diff").text
        await pilot.press("n")  # refused: nothing changes
        assert await wait_for(lambda: not isinstance(app.screen, DiffReview), pilot)
        code = app.query_one(CodeView)
        assert code.text == SOURCE and path.read_text() == SOURCE
        await pilot.click(answer.query_one(".apply"))
        assert await wait_for(lambda: isinstance(app.screen, DiffReview), pilot)
        await pilot.press("y")
        accepted = SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
        assert await wait_for(lambda: code.text == accepted, pilot)
        assert path.read_text() == SOURCE  # into the buffer, not saved


async def test_new_chat_clears_and_a_saved_chat_reopens(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["first answer"])))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        await ask(app, pilot, "first question")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
        panel = app.query_one(ChatPanel)
        name = panel.chat_name
        assert name is not None
        await pilot.press("ctrl+shift+l")
        assert await wait_for(lambda: not app._history and "first" not in panel.transcript.text, pilot)
        assert panel.chat_name is None
        panel.query_one("#chats", Select).value = name  # pick the saved chat
        # Reopened to its end, when the status names it (leaving earlier would cut the flow short).
        status = app.query_one("#status")
        assert await wait_for(lambda: len(app._history) == 2 and str(status.render()) == f"chat {name}", pilot)
        await pilot.pause()
        assert "first question" in panel.transcript.text and "first answer" in panel.transcript.text
        assert panel.chat_name == name


async def test_the_selection_is_sent_as_context(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["ok"])))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        app.query_one(CodeView).selection = Selection((4, 0), (4, 16))
        await pilot.press("ctrl+l")
        await ask(app, pilot, "what is printed?")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
    sent = json.dumps(scripted_server.requests[-1].json())
    assert "selected: calc.py:5-5" in sent  # the selected line, as its own section


MAIN = "def main() -> None:\n    print('mentioned file marker 7f3a')\n"


async def type_question(app: CaretApp, pilot: Pilot[None], text: str) -> None:
    await pilot.press("ctrl+l")
    app.query_one(ChatPanel).query_one("#question").focus()
    await pilot.press(*text)


async def test_at_mention_autocomplete_inserts_a_file_that_the_prompt_then_holds(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    (tmp_path / "main.py").write_text(MAIN)
    (tmp_path / "manual.md").write_text("# notes\n")
    scripted_server.add(Reply(events=chat_events(["ok"])))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await type_question(app, pilot, "explain @ma")
        picker = app.query_one(MentionPicker)
        assert await wait_for(lambda: picker.is_open, pilot, 10)
        labels = [c.label for c in picker.candidates]
        assert "main.py" in labels[:3] and "manual.md" in labels  # ("main", the function, may come first)
        await pilot.press(*["down"] * labels.index("main.py"))
        assert picker.chosen is not None and picker.chosen.label == "main.py"
        await pilot.press("tab")
        question = app.query_one("#question", Input)
        assert question.value == "explain @main.py " and not picker.is_open
        await pilot.press(*"please", "enter")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
    assert app._history[0].content == "explain @main.py please"
    sent = json.dumps(scripted_server.requests[-1].json())
    assert "mentioned file marker 7f3a" in sent  # the mentioned file's text went to the model
    assert app.last_prompt is not None and "main.py" in app.last_prompt[1]


async def test_mention_keys_move_choose_and_escape_only_closes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    (tmp_path / "main.py").write_text(MAIN)
    (tmp_path / "manual.md").write_text("# notes\n")
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await type_question(app, pilot, "@ma")
        picker = app.query_one(MentionPicker)
        question = app.query_one("#question", Input)
        assert await wait_for(lambda: picker.is_open, pilot, 10)
        await pilot.press("escape")  # the dropdown closes; the panel, the focus and the text stay
        await pilot.pause()
        assert not picker.is_open and question.has_focus and question.value == "@ma"
        assert app.query_one(ChatPanel).has_class("-open")
        await pilot.press("n")  # typing on reopens it, narrowed
        assert await wait_for(lambda: picker.is_open and picker.candidates[0].label == "manual.md", pilot, 10)
        await pilot.press("backspace")
        assert await wait_for(lambda: picker.is_open and len(picker.candidates) > 1, pilot, 10)
        second = picker.candidates[1]
        await pilot.press("down")
        assert picker.chosen == second
        await pilot.press("up", "up")  # wraps around to the last
        assert picker.chosen == picker.candidates[-1]
        await pilot.press("down", "down", "enter")  # Enter inserts while the dropdown is open; it does not ask
        assert question.value == f"{second.insert_text} " and not app._history
        assert not scripted_server.requests
        await pilot.press(*"@manu")
        assert await wait_for(lambda: picker.is_open and picker.candidates[0].label == "manual.md", pilot, 10)
        await pilot.click(picker, offset=(2, 1))  # a click on a candidate (under the border) inserts it too
        await pilot.pause()
        assert question.value == f"{second.insert_text} @manual.md " and question.has_focus


async def test_copy_puts_a_code_block_on_the_clipboard(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    reply = "Two blocks:\n\n```python\nx = 1\ny = 2\n```\n\nand\n\n```sh\necho hi\n```\n"
    scripted_server.add(Reply(events=chat_events([reply[:20], reply[20:]])))
    app, _ = make_app(tmp_path, scripted_server)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        await ask(app, pilot, "show me")
        assert await wait_for(lambda: len(app._history) == 2, pilot, 20)
        answer = app.query_one(ChatPanel).transcript.query_one(AnswerView)
        assert await wait_for(lambda: len(answer.query(".copy")) == 2, pilot)
        first, second = answer.query(".copy")
        await pilot.click(first)
        await pilot.pause()
        assert app.clipboard == "x = 1\ny = 2"
        assert "copied 2 lines" in str(app.query_one("#status").render())
        await pilot.click(second)
        await pilot.pause()
        assert app.clipboard == "echo hi"
        assert "copied 1 line" in str(app.query_one("#status").render())
        assert not isinstance(app.screen, DiffReview)  # Copy is not Apply
